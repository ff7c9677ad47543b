<?php
// The cron CLI's `reconcile` on a generated MODX site against the sandbox: 130 orders
// uploaded (10 of them a month old), then a manager deletes 5 recent orders and an old one
// in the CRM and changes the totals of 2. `reconcile --days 7` checks the 120 recent
// orders, queues the 5 missing ones as creates (delivered by the next flush, with the site's
// cost as total) and lists the 2 differences, changing nothing else; `status()` shows the
// run; `--fix` queues the 2 edits, after which the CRM's totals are the site's and a third
// run finds nothing. Needs pdo_sqlite, UPLOAD_DIR, CRM_URL, CRM_KEY, MODRETAILCRM_SO.

declare(strict_types=1);

require __DIR__ . '/lib.php';
require __DIR__ . '/modx/shop_db.php';

$dir = env('UPLOAD_DIR');
$site = "$dir/site";
$db = shop_site($dir);
$now = time();
$costs = fill_shop($db, 20, 130, [], $now - 60);
$db->pdo->exec("UPDATE shop_ms2_orders SET createdon = '" . date('Y-m-d H:i:s', $now - 30 * 86400) . "' WHERE id <= 10");
same(20, run_cli_json($dir, "--site=$site", 'upload', 'customers')['uploaded']);
same(130, run_cli_json($dir, "--site=$site", 'upload', 'orders')['uploaded']);

$deleted = [11, 30, 55, 80, 130];
foreach ([...$deleted, 5] as $id) {
    same(true, control('DELETE', "orders/2611-$id")['success'], "order $id deleted in the CRM");
}
$client = sandbox_client();
foreach ([40, 90] as $id) {
    $client->ordersEdit(['externalId' => "2611-$id", 'discountManualAmount' => 10], 'externalId', 'shop');
}
$totals = fn() => array_column(array_map(fn($o) => ['id' => $o['externalId'], 'total' => (int) round($o['totalSumm'] * 100)],
    crm_state()['orders']), 'total', 'id');

// --- reconcile lists, queues the missing orders, changes nothing else -------------------------
control('DELETE', 'requests');
$report = run_cli_json($dir, "--site=$site", 'reconcile', '--days', '7');
same([120, 5, 2, 0, false], [$report['checked'], $report['created'], $report['different'], $report['fixed'], $report['fix']]);
same(array_map(fn($id) => "2611-$id", $deleted), $report['missing'], 'the missing recent orders, not the old one');
same(['2611-40', '2611-90'], array_column($report['differences'], 'externalId'));
foreach ($report['differences'] as $difference) {
    $id = (int) substr($difference['externalId'], 5);
    same(['site' => $costs[$id] / 100, 'crm' => ($costs[$id] - 1000) / 100], $difference['total'], "order $id's total");
    same(['total'], array_values(array_diff(array_keys($difference), ['externalId'])), 'only the total differs');
}
$reads = array_column(control('GET', 'requests')['requests'], 'path');
same(array_fill(0, 3, '/api/v5/orders'), $reads, 'reconcile only reads, 50 orders a call');

$flushed = run_cli_json($dir, "--site=$site", 'flush', '30');
same(5, $flushed['delivered'], 'the queued creates are delivered');
$crm = $totals();
foreach ($deleted as $id) {
    same($costs[$id], $crm["2611-$id"] ?? null, "order $id re-created with the site's cost");
}
check(!isset($crm['2611-5']), 'the month-old order is left alone');
same($costs[40] - 1000, $crm['2611-40'], 'without --fix a difference stays');
same(5, run_cli_json($dir, "--site=$site", 'status')['reconcile']['created'], 'status() shows the last run');

// --- --fix queues the edits ------------------------------------------------------------------
$fixed = run_cli_json($dir, "--site=$site", 'reconcile', '--days=7', '--fix');
same([120, 0, 2, 2], [$fixed['checked'], $fixed['created'], $fixed['different'], $fixed['fixed']]);
run_cli_json($dir, "--site=$site", 'flush', '30');
$crm = $totals();
same([$costs[40], $costs[90]], [$crm['2611-40'], $crm['2611-90']], 'fixed: the CRM\'s totals are the site\'s');
$again = run_cli_json($dir, "--site=$site", 'reconcile');
same([120, 0, 0], [$again['checked'], $again['created'], $again['different']], 'nothing left to reconcile');

[$code, , $err] = run_cli($dir, "--site=$site", 'reconcile', '--days', 'week');
same(2, $code);
check(str_contains($err, '--days takes a number of days'), $err);
[$code, , $err] = run_cli($dir, "--site=$site", 'upload', 'things');
same(2, $code);
check(str_contains($err, 'upload customers or upload orders'), $err);

done();
