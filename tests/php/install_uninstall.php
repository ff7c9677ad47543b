<?php
// --uninstall removes the plugin, its events, the snippets, the settings, the namespace, the
// category and the files, and keeps the three columns with the shop's codes; installing again
// finds the codes; --uninstall --drop-codes drops the columns and their codes too.
require __DIR__ . '/install_lib.php';

$site = fake_site();
$pristine = site_db($site);
install($site);

// The shop maps its references (as the manager's windows save them).
$db = site_db($site);
$db['objects']['msDelivery']['2']['retailcrm_delivery_code'] = 'courier';
$db['objects']['msPayment']['2']['retailcrm_payment_code'] = 'bank-card';
$db['objects']['msOrderStatus']['2']['retailcrm_status_code'] = 'prepayed';
$db['objects']['modSystemSetting']['modretailcrm_url']['value'] = 'https://myshop.retailcrm.ru';
save_site_db($site, $db);

$out = install($site, ['--uninstall']);
check(str_contains($out, 'modRetailCRM removed from'), "the uninstall says what it did: $out");
check(str_contains($out, 'kept the columns'), "the uninstall says the codes are kept: $out");
$after = site_db($site);
same(untouched_part($pristine), untouched_part($after), 'everything else is as before the install');
check(row_where($after, 'modPlugin', 'name', 'modRetailCrm') === null, 'the plugin is gone');
same(array_keys(rows($pristine, 'modPluginEvent')), array_keys(rows($after, 'modPluginEvent')), 'only the other plugins\' events remain');
same(array_keys(rows($pristine, 'modSnippet')), array_keys(rows($after, 'modSnippet')), 'the snippets are gone');
same(array_keys(rows($pristine, 'modSystemSetting')), array_keys(rows($after, 'modSystemSetting')), 'the settings are gone');
same(array_keys(rows($pristine, 'modNamespace')), array_keys(rows($after, 'modNamespace')), 'the namespace is gone');
same(array_keys(rows($pristine, 'modMenu')), array_keys(rows($after, 'modMenu')), 'the menu entry is gone');
same(array_keys(rows($pristine, 'modCategory')), array_keys(rows($after, 'modCategory')), 'the category is gone');
foreach (component_files() as $target) {
    check(!file_exists("$site/$target"), "$target is removed");
}
check(!is_dir("$site/core/components/modretailcrm") && !is_dir("$site/assets/components/modretailcrm"), 'the component directories are gone');
foreach (CODE_COLUMNS as $table => $column) {
    same('varchar(255) NULL', $after['columns'][$table][$column] ?? null, "$table.$column is kept");
}
same(['courier', 'bank-card', 'prepayed'], [$after['objects']['msDelivery']['2']['retailcrm_delivery_code'] ?? null,
    $after['objects']['msPayment']['2']['retailcrm_payment_code'] ?? null,
    $after['objects']['msOrderStatus']['2']['retailcrm_status_code'] ?? null], 'the codes are kept');

// Uninstalling again: nothing to do.
check(str_contains(install($site, ['--uninstall']), 'is not installed'), 'a second uninstall changes nothing');
same($after, site_db($site), 'a second uninstall leaves the database as it was');

// Installing again finds the columns and codes; the settings start from their defaults.
install($site);
$again = site_db($site);
same('prepayed', $again['objects']['msOrderStatus']['2']['retailcrm_status_code'] ?? null, 'the codes are there after reinstalling');
same('', $again['objects']['modSystemSetting']['modretailcrm_url']['value'], 'settings start afresh');

// --drop-codes: the columns and their values go.
$out = install($site, ['--uninstall', '--drop-codes']);
$dropped = site_db($site);
foreach (CODE_COLUMNS as $table => $column) {
    check(!isset($dropped['columns'][$table][$column]), "$table.$column is dropped");
    check(str_contains($out, "dropped the column $column"), "the output says $column was dropped: $out");
}
check(!array_key_exists('retailcrm_status_code', $dropped['objects']['msOrderStatus']['2']), 'the codes are gone');
same(untouched_part($pristine), untouched_part($dropped), 'everything else is as before the first install');

// --drop-codes alone is a usage error.
$run = run_installer(["--site=$site", '--drop-codes']);
same(2, $run['status'], '--drop-codes without --uninstall: ' . json_encode($run));
done();
