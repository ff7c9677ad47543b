<?php
// A site with the older modRetailCRM component (2.x, built with modExtra: namespace modretailcrm,
// category and plugin modRetailCrm with six events, snippet icml, its settings in their areas,
// its field labels in miniShop2's lexicon, the three code columns holding the shop's codes, its
// model files) is upgraded in place: the same plugin and snippet rows get the new code, the
// settings keep their values, the codes and columns stay, what is obsolete goes.
require __DIR__ . '/install_lib.php';

$site = fake_site();
$db = site_db($site);

// The older component's records, shaped as its transport package created them.
$db['objects']['modNamespace']['modretailcrm'] = ['name' => 'modretailcrm', 'path' => '{core_path}components/modretailcrm/',
    'assets_path' => '{assets_path}components/modretailcrm/'];
$db['objects']['modCategory']['7'] = ['id' => 7, 'parent' => 0, 'category' => 'modRetailCrm', 'rank' => 0];
$element = ['source' => 1, 'property_preprocess' => 0, 'editor_type' => 0, 'category' => 7, 'cache_type' => 0, 'locked' => 0,
    'properties' => null, 'moduleguid' => '', 'static' => 0];
$db['objects']['modPlugin']['12'] = ['id' => 12, 'name' => 'modRetailCrm', 'description' => 'Плагин  RetailCRM',
    'plugincode' => "if (!\$modRetailCrm = \$modx->getService('modretailcrm', 'modRetailCrm')) { return; }",
    'disabled' => 0, 'static_file' => 'core/components/modretailcrm/elements/plugins/modretailcrm.php'] + $element;
$oldEvents = ['OnUserSave', 'OnMODXInit', 'msOnCreateOrder', 'msOnChangeOrderStatus', 'OnHandleRequest', 'msOnManagerCustomCssJs'];
foreach ($oldEvents as $event) {
    $db['objects']['modPluginEvent']["12|$event"] = ['pluginid' => 12, 'event' => $event, 'priority' => 0, 'propertyset' => 0];
}
$db['objects']['modSnippet']['31'] = ['id' => 31, 'name' => 'icml', 'description' => 'Generates xml markup for unloading products into RetailCRM',
    'snippet' => '$icml = new Icml($modx);', 'static_file' => 'core/components/modretailcrm/elements/snippets/icml.php'] + $element;
$oldSettings = [
    'modretailcrm_apiKey' => ['k3y-of-the-shop', 'textfield', 'area_modretailcrm_auth'],
    'modretailcrm_siteCode' => ['my-shop', 'textfield', 'area_modretailcrm_auth'],
    'modretailcrm_url' => ['https://myshop.retailcrm.ru', 'textfield', 'area_modretailcrm_auth'],
    'modretailcrm_log' => ['1', 'combo-boolean', 'modretailcrm_main'],
    'modretailcrm_sync_statuses' => ['2,3,4', 'textfield', 'modretailcrm_main'],
    'modretailcrm_rewrite_num' => ['1', 'combo-boolean', 'modretailcrm_main'],
    'modretailcrm_add_crm_number' => ['1', 'combo-boolean', 'modretailcrm_main'],
    'modretailcrm_allow_msoptionsprice' => ['1', 'combo-boolean', 'area_modretailcrm_components'],
    'modretailcrm_custom_orders_class' => ['["ShopOrders", "{core_path}components/shop/ShopOrders.php"]', 'textfield', 'area_modretailcrm_classes'],
    'modretailcrm_custom_customers_class' => ['', 'textfield', 'area_modretailcrm_classes'],
];
foreach ($oldSettings as $key => [$value, $xtype, $area]) {
    $db['objects']['modSystemSetting'][$key] = ['key' => $key, 'value' => $value, 'xtype' => $xtype, 'namespace' => 'modretailcrm',
        'area' => $area, 'editedon' => '2024-03-01 10:00:00'];
}
$id = 100;
foreach (['retailcrm_delivery_code' => ['ru' => 'Символьный код способа доставки в RetailCRM', 'en' => 'Delivery code'],
    'retailcrm_payment_code' => ['ru' => 'Символьный код способа оплаты в RetailCRM', 'en' => 'Payment code'],
    'retailcrm_status_code' => ['ru' => 'Символьный код статуса заказа в RetailCRM', 'en' => 'Status code']] as $name => $labels) {
    foreach ($labels as $language => $value) {
        $db['objects']['modLexiconEntry'][(string) ++$id] = ['id' => $id, 'name' => $name, 'value' => $value, 'topic' => 'default',
            'namespace' => 'minishop2', 'language' => $language, 'createdon' => null, 'editedon' => null];
    }
}
foreach (CODE_COLUMNS as $table => $column) {
    $db['columns'][$table][$column] = 'varchar(255) NULL';
}
$db['objects']['msDelivery']['2']['retailcrm_delivery_code'] = 'courier';
$db['objects']['msPayment']['2']['retailcrm_payment_code'] = 'bank-card';
foreach (['1' => 'new', '2' => 'prepayed', '3' => 'send-to-delivery', '4' => 'cancel-other'] as $status => $code) {
    $db['objects']['msOrderStatus'][$status]['retailcrm_status_code'] = $code;
}
save_site_db($site, $db);
$oldModel = "$site/core/components/modretailcrm/model/modretailcrm/modretailcrm.class.php";
mkdir(dirname($oldModel), 0755, true);
file_put_contents($oldModel, "<?php\nclass modRetailCrm {}\n");
file_put_contents("$site/core/components/modretailcrm/elements-plugin-old.txt", 'leftover');

$out = install($site);
$after = site_db($site);

same(untouched_part($db), untouched_part($after), 'nothing else in the site changed');

// Settings: every value kept, moved to this version's areas and editors; the new ones created;
// rewrite_num (which broke status sync) removed, and the owner told it was on.
$expected = installer_settings();
foreach ($oldSettings as $key => [$value]) {
    if ($key === 'modretailcrm_rewrite_num') {
        check(!isset($after['objects']['modSystemSetting'][$key]), 'rewrite_num is gone');
        continue;
    }
    $setting = $after['objects']['modSystemSetting'][$key];
    same([$value, $expected[$key]['area'], $expected[$key]['xtype'], 'modretailcrm'],
        [$setting['value'], $setting['area'], $setting['xtype'], $setting['namespace']], "$key keeps its value");
}
check(str_contains($out, 'modretailcrm_rewrite_num was on'), "the owner learns rewrite_num is gone: $out");
foreach ($expected as $key => $definition) {
    if ($key === 'modretailcrm_data_path') {
        // The older component queued nothing: its private folder gets a random name.
        check(preg_match('~^\{core_path\}cache/modretailcrm-[0-9a-f]{24}/$~',
            (string) ($after['objects']['modSystemSetting'][$key]['value'] ?? '')) === 1, 'a random private folder');
    } elseif ($key === 'modretailcrm_webhook_secret') {
        // The older component's endpoint had no secret: calls without this one are refused.
        $secret = (string) ($after['objects']['modSystemSetting'][$key]['value'] ?? '');
        check(preg_match('~^[0-9a-f]{64}$~', $secret) === 1, "a random webhook secret: $secret");
        check(str_contains($out, "secret=$secret"), "the trigger's URL is printed: $out");
    } elseif (!isset($oldSettings[$key])) {
        same($definition['value'], $after['objects']['modSystemSetting'][$key]['value'] ?? null, "new setting $key");
    }
}
$keys = array_values(array_filter(array_keys(rows($after, 'modSystemSetting')), fn(string $key) => str_starts_with($key, 'modretailcrm_')));
$wanted = array_keys($expected);
sort($keys);
sort($wanted);
same($wanted, $keys, 'exactly the settings of this version');

// The same plugin row with the new code and the events it handles; the others (OnHandleRequest
// while the plugin does not handle it) removed.
$plugins = array_filter(rows($after, 'modPlugin'), fn(array $row) => $row['name'] === 'modRetailCrm');
same(['12'], array_map('strval', array_keys($plugins)), 'the older plugin row is upgraded, not duplicated');
same(plugin_code(), $plugins['12']['plugincode'], 'the plugin code is replaced');
same([7, '', 0], [(int) $plugins['12']['category'], $plugins['12']['static_file'], (int) $plugins['12']['static']],
    'the plugin stays in its category, not static');
same(plugin_events(), events_of($after, 12), 'the plugin events');
foreach (array_diff($oldEvents, plugin_events()) as $event) {
    check(str_contains($out, "removed plugin event $event"), "the output says $event was removed: $out");
}

// The snippet icml: the same row with this version's code when php-plugin has it.
$icml = row_where($after, 'modSnippet', 'name', 'icml');
same(31, (int) $icml['id'], 'the icml snippet row is kept');
if (in_array('icml', snippet_names(), true)) {
    $code = trim(preg_replace('/^\s*<\?php/', '', file_get_contents(REPO . '/php-plugin/elements/snippets/icml.php')));
    same($code, $icml['snippet'], 'the icml snippet code is replaced');
}
same(1, count(array_filter(rows($after, 'modCategory'), fn(array $row) => $row['category'] === 'modRetailCrm')),
    'one category');

// The older component's labels in miniShop2's lexicon are gone (this one has its own topic).
same([], array_values(array_filter(rows($after, 'modLexiconEntry'), fn(array $row) => str_starts_with($row['name'], 'retailcrm_'))),
    'the old lexicon entries are removed');
check(isset($after['objects']['modLexiconEntry']['1']), "miniShop2's own lexicon entries stay");

// Columns and codes unchanged.
foreach (CODE_COLUMNS as $table => $column) {
    same('varchar(255) NULL', $after['columns'][$table][$column], "$table.$column stays");
}
same('courier', $after['objects']['msDelivery']['2']['retailcrm_delivery_code'], 'the delivery code is kept');
same('bank-card', $after['objects']['msPayment']['2']['retailcrm_payment_code'], 'the payment code is kept');
same('prepayed', $after['objects']['msOrderStatus']['2']['retailcrm_status_code'], 'the status codes are kept');
check(is_file($oldModel), "the older component's own files are left alone");
check(str_contains($out, "core/components/modretailcrm/model/ holds the older component's code"), "the owner is told about them: $out");

// A second run changes nothing.
$json = file_get_contents("$site/core/config/database.json");
check(str_contains(install($site), 'nothing changed'), 'the second run says nothing changed');
same($json, file_get_contents("$site/core/config/database.json"), 'the second run leaves the database as it was');
done();
