<?php
// A fresh install on the fake MODX 2.8 + miniShop2 site creates exactly the namespace, the
// category, the settings, the plugin with its events, the snippets, the files and the three code
// columns — and touches nothing else. A second run changes nothing and says so.
require __DIR__ . '/install_lib.php';

$site = fake_site();
$before = site_db($site);
$out = install($site);
check(str_contains($out, 'modRetailCRM installed on'), "the installer says what it did: $out");
check(!str_contains($out, 'PHP warning'), "no PHP warning reaches MODX's log (its handler logs warnings silenced with @): $out");
$db = site_db($site);

same(untouched_part($before), untouched_part($db), 'nothing else in the site changed');
same(1, $db['cache_refreshes'] - $before['cache_refreshes'], 'the MODX cache is refreshed once');

same(['name' => 'modretailcrm', 'path' => '{core_path}components/modretailcrm/',
    'assets_path' => '{assets_path}components/modretailcrm/'], rows($db, 'modNamespace')['modretailcrm'] ?? null, 'namespace');

// The manager page: Extras → RetailCRM, for users with the settings permission.
same(['text' => 'modretailcrm_menu', 'parent' => 'components', 'action' => 'index', 'description' => 'modretailcrm_menu_desc',
    'icon' => '', 'menuindex' => 0, 'params' => '', 'handler' => '', 'permissions' => 'settings', 'namespace' => 'modretailcrm'],
    rows($db, 'modMenu')['modretailcrm_menu'] ?? null, 'the menu entry of the manager page');

$category = row_where($db, 'modCategory', 'category', 'modRetailCrm');
check($category !== null && (int) $category['parent'] === 0, 'category modRetailCrm: ' . json_encode($category));

// Settings: exactly the installer's list, each with its namespace, area, editor and default.
$settings = array_filter(rows($db, 'modSystemSetting'), fn(array $row) => $row['namespace'] === 'modretailcrm');
$expected = installer_settings();
same(array_keys($expected), array_keys($settings), 'the settings created');
// The private folder: a name nobody can guess, made at install, with Apache's deny rules.
$dataPath = $settings['modretailcrm_data_path']['value'] ?? '';
check(preg_match('~^\{core_path\}cache/modretailcrm-[0-9a-f]{24}/$~', $dataPath) === 1, "a random private folder: $dataPath");
$folder = str_replace('{core_path}', "$site/core/", $dataPath);
same(0700, fileperms($folder) & 0777, 'the private folder is its owner\'s');
check(str_contains((string) file_get_contents("$folder.htaccess"), 'Require all denied'), 'Apache denies the folder');
check(str_contains($out, 'location ^~ /core/ { deny all; return 404; }'), "the nginx rule is printed: $out");
check(!is_dir("$site/core/cache/modretailcrm"), 'no folder with the guessable name');
// The webhook's secret: 32 random bytes in hex, and the trigger's URL with it printed.
$secret = $settings['modretailcrm_webhook_secret']['value'] ?? '';
check(preg_match('~^[0-9a-f]{64}$~', $secret) === 1, "a random webhook secret: $secret");
check(str_contains($out, "secret=$secret"), "the trigger's URL is printed: $out");
$generated = ['modretailcrm_data_path' => $dataPath, 'modretailcrm_webhook_secret' => $secret];
foreach ($expected as $key => $definition) {
    same(['key' => $key, 'value' => $generated[$key] ?? $definition['value'],
        'xtype' => $definition['xtype'], 'namespace' => 'modretailcrm',
        'area' => $definition['area'], 'editedon' => null], $settings[$key], "setting $key");
}

// The plugin: the repository's code, in the category, enabled, with the events its file handles.
$plugin = row_where($db, 'modPlugin', 'name', 'modRetailCrm');
check($plugin !== null, 'the plugin modRetailCrm exists');
same(plugin_code(), $plugin['plugincode'], 'the plugin code is the file without its <?php');
same([(int) $category['id'], 0, 0], [(int) $plugin['category'], (int) $plugin['disabled'], (int) $plugin['static']],
    'plugin category, enabled, not static');
same(plugin_events(), events_of($db, (int) $plugin['id']), 'the plugin events');
foreach (['OnMODXInit', 'OnUserSave', 'msOnCreateOrder', 'msOnChangeOrderStatus', 'msOnManagerCustomCssJs',
    'msOnUpdateOrder', 'msOnCreateOrderProduct', 'msOnUpdateOrderProduct', 'msOnRemoveOrderProduct'] as $event) {
    check(in_array($event, events_of($db, (int) $plugin['id']), true), "the plugin listens to $event");
}
same(str_contains(plugin_code(), "'OnHandleRequest'"), in_array('OnHandleRequest', events_of($db, (int) $plugin['id']), true),
    'OnHandleRequest is registered exactly when the plugin handles it');
foreach (rows($db, 'modPluginEvent') as $event) {
    if ((int) $event['pluginid'] === (int) $plugin['id']) {
        same([0, 0], [(int) $event['priority'], (int) $event['propertyset']], "priority and property set of {$event['event']}");
    }
}

// Snippets: one per file of php-plugin/elements/snippets, in the category.
$snippets = array_filter(rows($db, 'modSnippet'), fn(array $row) => (int) $row['category'] === (int) $category['id']);
same(snippet_names(), array_values(array_map(fn(array $row) => $row['name'], $snippets)), 'the snippets');

// Files: every component file, byte for byte.
foreach (component_files() as $source => $target) {
    same(file_get_contents($source), @file_get_contents("$site/$target"), "installed $target");
}

// The code columns, varchar(255) NULL, in miniShop2's three tables.
foreach (CODE_COLUMNS as $table => $column) {
    same('varchar(255) NULL', $db['columns'][$table][$column] ?? null, "$table.$column");
}

// A second run: nothing changes, and it says so.
$files = [];
foreach (component_files() as $target) {
    $files[$target] = [filemtime("$site/$target"), fileinode("$site/$target")];
}
$json = file_get_contents("$site/core/config/database.json");
$again = install($site);
check(str_contains($again, 'modRetailCRM is installed and up to date') && str_contains($again, 'nothing changed'),
    "the second run says nothing changed: $again");
same($json, file_get_contents("$site/core/config/database.json"), 'the second run leaves the database as it was');
foreach (component_files() as $target) {
    same($files[$target], [filemtime("$site/$target"), fileinode("$site/$target")], "the second run leaves $target alone");
}
done();
