<?php
// `upload orders` through a CRM outage (tests/php/modx/shop_db.php site, the sandbox's
// faults): the first batch's answer comes after the call's timeout (the CRM stored it), then
// two calls have their connection reset. The run waits, asks the CRM which orders of the
// batch it has, sends only the others, and goes on: every order once, none skipped or
// refused. Needs pdo_sqlite, UPLOAD_DIR, CRM_URL, CRM_KEY, MODRETAILCRM_SO.

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

done();
