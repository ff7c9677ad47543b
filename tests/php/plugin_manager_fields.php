<?php
// OnMODXInit and msOnManagerCustomCssJs through the plugin harness: the retailcrm_*_code fields
// join miniShop2's model map (loaded from the fake site's miniShop2 package first), nothing
// happens on a site without miniShop2, and the manager script and lexicon are added on
// miniShop2's settings page only. Run with and without the extension, with empty settings: these
// events need neither.
define('MODX_CORE_PATH', __DIR__ . '/modx/site/core/');
require __DIR__ . '/lib.php';
require __DIR__ . '/modx/harness.php';

same(getenv('MODRETAILCRM_EXPECT_EXTENSION') === '1', extension_loaded('modretailcrm'), 'the extension is loaded as the test says');

$codes = ['msDelivery' => 'retailcrm_delivery_code', 'msPayment' => 'retailcrm_payment_code',
    'msOrderStatus' => 'retailcrm_status_code'];
$meta = ['dbtype' => 'varchar', 'precision' => '255', 'phptype' => 'string', 'null' => true];
$init = ['contextKey' => 'web', 'options' => null];
$site = ['core_path' => MODX_CORE_PATH, 'assets_url' => '/shop/assets/'];

// A site with miniShop2 whose package is not registered yet (MODX 2.8 registers it later, or
// through extension_packages): the plugin adds the package and loads the classes itself.
$modx = new modX($site);
same(null, $modx->runPlugin(plugin_file(), 'OnMODXInit', $init), 'OnMODXInit returns normally');
same(MODX_CORE_PATH . 'components/minishop2/model/', $modx->packages['minishop2']['path'] ?? null, 'miniShop2 package added');
foreach ($codes as $class => $field) {
    check(array_key_exists($field, $modx->map[$class]['fields'] ?? []), "$class has $field: " . json_encode($modx->map[$class] ?? null));
    same(null, $modx->map[$class]['fields'][$field], "$field defaults to NULL");
    same($meta, $modx->map[$class]['fieldMeta'][$field], "$class.$field is varchar(255) NULL");
    check(isset($modx->map[$class]['fields']['rank'], $modx->map[$class]['fieldMeta']['name']),
        "$class keeps miniShop2's own fields (its map was loaded before the field was added)");
    same(['msDelivery' => 'ms2_deliveries', 'msPayment' => 'ms2_payments', 'msOrderStatus' => 'ms2_order_statuses'][$class],
        $modx->map[$class]['table'], "$class table");
}
same([], $modx->logged(), 'nothing logged');

// The next request (the plugin included anew) on a site that registered miniShop2 itself.
$again = new modX($site);
$again->addPackage('minishop2', MODX_CORE_PATH . 'components/minishop2/model/');
$again->runPlugin(plugin_file(), 'OnMODXInit', $init);
$again->runPlugin(plugin_file(), 'OnMODXInit', $init);
same($modx->map, $again->map, 'the same map when miniShop2 registered its package, and when the event fires twice');

// A site without miniShop2: nothing is added, nothing is logged.
$bare = sys_get_temp_dir() . '/modretailcrm-no-ms2-' . getmypid() . '/';
@mkdir($bare . 'components/', 0700, true);
$plain = new modX(['core_path' => $bare, 'assets_url' => '/assets/']);
same(null, $plain->runPlugin(plugin_file(), 'OnMODXInit', $init), 'OnMODXInit without miniShop2 returns normally');
same([], $plain->map, 'no map entries without miniShop2');
same([], $plain->packages, 'no package without miniShop2');
same([], $plain->logged(), 'nothing logged without miniShop2');
rmdir($bare . 'components/');
rmdir($bare);

// The manager: the script and the lexicon topic on miniShop2's settings page only.
$pages = ['settings' => true, 'orders' => false, 'product' => false, 'category' => false, '' => false];
foreach ($pages as $page => $expected) {
    $manager = new modX($site);
    $controller = new modManagerControllerStub();
    same(null, $manager->runPlugin(plugin_file(), 'msOnManagerCustomCssJs', ['controller' => $controller, 'page' => $page]),
        "msOnManagerCustomCssJs ($page) returns normally");
    same($expected ? ['/shop/assets/components/modretailcrm/js/mgr/crm-codes.js'] : [], $controller->lastJavascripts, "scripts on '$page'");
    same($expected ? ['modretailcrm:default'] : [], $controller->lexiconTopics, "lexicon topics on '$page'");
    same([[], [], []], [$controller->javascripts, $controller->css, $controller->html], "nothing else on '$page'");
    same([], $manager->logged(), "nothing logged on '$page'");
}
check(is_file(dirname(__DIR__, 2) . '/php-plugin/assets/js/mgr/crm-codes.js'), 'the script the plugin adds is in php-plugin/assets');

// Without a controller (a broken caller) the plugin still returns normally.
$odd = new modX($site);
same(null, $odd->runPlugin(plugin_file(), 'msOnManagerCustomCssJs', ['page' => 'settings']), 'no controller');
same([], $odd->logged(), 'nothing logged without a controller');
done();
