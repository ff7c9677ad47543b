<?php
// `upload orders` through a CRM outage (tests/php/modx/shop_db.php site, the sandbox's
// faults): the first batch's answer comes after the call's timeout (the CRM stored it), then
// two calls have their connection reset. The run waits, asks the CRM which orders of the
// batch it has, sends only the others, and goes on: every order once, none skipped or
// refused. Then `--ids`: named orders the CRM has are skipped (it is asked), one it lost is
// sent again; `--since` (another selection: it starts over) sends its orders, which the CRM
// has, and counts them as skipped without creating any twice. Needs pdo_sqlite, UPLOAD_DIR, CRM_URL, CRM_KEY, MODRETAILCRM_SO.

declare(strict_types=1);

require __DIR__ . '/lib.php';
require __DIR__ . '/modx/shop_db.php';

$dir = env('UPLOAD_DIR');
$site = "$dir/site";
$db = shop_site($dir);
$db->setting('modretailcrm_timeout', '1');
fill_shop($db, 10, 200, [], time());
same(10, run_cli_json($dir, "--site=$site", 'upload', 'customers')['uploaded']);
control('DELETE', 'requests');
control('POST', 'faults', ['mode' => 'late_answer', 'delay_ms' => 2500, 'count' => 1]);
control('POST', 'faults', ['mode' => 'reset', 'count' => 2]);

$run = run_cli_json($dir, "--site=$site", 'upload', 'orders');
same([200, 0, 0], [$run['uploaded'], $run['skipped'], $run['failed']], 'every order once');
$ids = array_column(crm_state()['orders'], 'externalId');
same(200, count(array_unique($ids)));
same(200, count($ids), 'the CRM holds each order once');
$sent = [];
foreach (control('GET', 'requests')['requests'] as $request) {
    if ($request['path'] === '/api/v5/orders/upload') {
        foreach ($request['params']['orders'] as $order) {
            $sent[] = $order['externalId'];
        }
    }
}
same(1, count(array_keys($sent, '2611-1', true)), 'the batch whose answer was late is not sent again');

control('DELETE', 'orders/2611-5');
$named = run_cli_json($dir, "--site=$site", 'upload', 'orders', '--ids', '7,5,300');
same([1, 1, 0], [$named['uploaded'], $named['skipped'], $named['failed']], '--ids: 5 sent again, 7 skipped, 300 is no order');
same(200, count(array_unique(array_column(crm_state()['orders'], 'externalId'))));
same(true, run_cli_json($dir, "--site=$site", 'status')['upload']['orders']['finished_at'] !== null, '--ids keeps the checkpoint as it was');
$since = date('Y-m-d H:i:s', time() - 30 * 60);
$recent = (int) $db->pdo->query("SELECT COUNT(*) FROM shop_ms2_orders WHERE createdon >= '$since'")->fetchColumn();
check($recent > 20 && $recent < 40, "about 30 recent orders: $recent");
$again = run_cli_json($dir, "--site=$site", 'upload', 'orders', "--since=$since");
same([0, $recent, 0], [$again['uploaded'], $again['skipped'], $again['failed']], '--since: the CRM has them all');
same(200, count(crm_state()['orders']), 'none twice');

// miniShop2 numbers concurrent checkouts alike: order 201 has order 7's number. It is uploaded
// under its own externalId, as a live order is (not counted as one the CRM had).
$cost201 = $db->order(201, 3, date('Y-m-d H:i:s'));
$db->pdo->exec("UPDATE shop_ms2_orders SET num = '2611/7' WHERE id = 201");
$twin = run_cli_json($dir, "--site=$site", 'upload', 'orders', '--ids', '201');
same([1, 0, 0], [$twin['uploaded'], $twin['skipped'], $twin['failed']], 'the order with a taken number is uploaded');
$orders = array_column(crm_state()['orders'], null, 'externalId');
same(201, count($orders), 'both orders numbered 2611/7 are in the CRM');
same($cost201 / 100, $orders['2611-7-id201']['totalSumm'] ?? null, 'under the externalId the live path gives it');

[$code, , $err] = run_cli($dir, "--site=$site", 'upload', 'orders', '--ids', '5,x');
same(1, $code);
check(str_contains($err, '--ids takes positive ids'), $err);

done();
