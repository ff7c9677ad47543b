<?php
// What the private folder keeps: delivered changes are purged at a delivery once they are older
// than modretailcrm_keep_delivered_days (default 30; 0 = at the next delivery), so the outbox does
// not become an archive of every customer; the outbox and the log go to the private folder
// (modretailcrm_data_path), the log readable by its owner only whatever the umask; a configured
// log file's folder is never created. Needs the
// sandbox (CRM_URL, CRM_KEY).
require __DIR__ . '/lib.php';

use ModRetailCrm\Integration;

umask(0022);
$dir = temp_dir();
mkdir("$dir/core/cache", 0755, true);

// A configured log file: created 0600 under umask 022; its folder must exist (never created).
$missing = "$dir/logs/deeper/api.log";
$crm = sandbox_client(['log_file' => $missing]);
throws(ModRetailCrm\ApiException::class, fn () => $crm->ordersGet('no-such-order'));
check(!file_exists("$dir/logs"), 'no folder created for a configured log file');
$crm = sandbox_client(['log_file' => "$dir/api-client.log"]);
throws(ModRetailCrm\ApiException::class, fn () => $crm->ordersGet('no-such-order'));
clearstatcache();
check(str_contains((string) file_get_contents("$dir/api-client.log"), 'no-such-order'), 'the failure is logged');
same(0600, fileperms("$dir/api-client.log") & 0777, 'a configured log file is its owner\'s only');

/** An integration whose private folder is core/cache/$name/, delivering every call (verbose log). */
function shop(string $dir, string $name, array $extra = []): Integration
{
    $settings = settings($dir, $extra + ['core_path' => "$dir/core/", 'modretailcrm_data_path' => "{core_path}cache/$name/",
        'modretailcrm_log' => '1']);
    unset($settings['modretailcrm_queue_path'], $settings['modretailcrm_log_file']);
    return new Integration($settings);
}

// Default: kept 30 days.
$kept = shop($dir, 'modretailcrm-kept');
$kept->enqueue('order.create', order_payload('7001', '71'));
flush_until_empty($kept);
$kept->flush(2);
same(1, $kept->status()['delivered'], 'a delivered change is kept for 30 days by default');
same("$dir/core/cache/modretailcrm-kept/outbox.sqlite", $kept->status()['outbox'], 'the outbox is in the private folder');
same(0, $kept->purge(), 'purge() without days keeps what the setting keeps');

// 0 days: the next delivery purges it.
$purged = shop($dir, 'modretailcrm-purged', ['modretailcrm_keep_delivered_days' => '0']);
$purged->enqueue('order.create', order_payload('7002', '72'));
flush_until_empty($purged);
same(1, $purged->status()['delivered'], 'delivered');
$purged->flush(2);
same(0, $purged->status()['delivered'], 'purged by the next delivery');
same(0, $purged->status()['pending'], 'nothing else touched');
check(str_contains(json_encode(crm_state(), JSON_UNESCAPED_UNICODE), '7002'), 'the CRM has the order');

// purge() without days follows the setting too.
$manual = shop($dir, 'modretailcrm-manual', ['modretailcrm_keep_delivered_days' => '0']);
$manual->enqueue('order.create', order_payload('7003', '73'));
flush_until_empty($manual);
same(1, $manual->purge(), 'purge() without days removes what the setting does not keep');
same(0, $manual->status()['delivered'], 'gone');

// The verbose log (customers' data) in the private folder: 0600 under umask 022.
$log = "$dir/core/cache/modretailcrm-purged/modretailcrm.log";
check(str_contains((string) file_get_contents($log), 'orders/create'), 'the log is in the private folder');
clearstatcache();
same(0600, fileperms($log) & 0777, 'the log is its owner\'s only');
done();
