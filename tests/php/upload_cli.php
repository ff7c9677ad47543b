<?php
// The cron CLI's `upload` on a generated MODX site (tests/php/modx/shop_db.php) against the
// sandbox: a dry run sends nothing; 10,000 customers, then 20,003 orders of which 3 were
// placed by a user the CRM does not have. The orders' run is killed (SIGKILL) at a random
// point and run again: it resumes, sends no entity twice (the CRM never answers "already
// exists": nothing is skipped) and misses none; the CRM then holds exactly the customers
// and the 20,000 good orders, each with the site's cost as its total and its status, the 3
// refused ones listed with the CRM's reason. A re-run sends nothing. Needs pdo_sqlite,
// UPLOAD_DIR, CRM_URL, CRM_KEY, MODRETAILCRM_SO.

declare(strict_types=1);

require __DIR__ . '/lib.php';
require __DIR__ . '/modx/shop_db.php';

const CUSTOMERS = 10000;
const ORDERS = 20003;
const REFUSED = [4321, 12000, 20001];

$dir = env('UPLOAD_DIR');
$site = "$dir/site";
$db = shop_site($dir);
$costs = fill_shop($db, CUSTOMERS, ORDERS, REFUSED, 1767000000);

// --- a dry run maps and validates everything, sends nothing ---------------------------------
$dry = run_cli_json($dir, "--site=$site", 'upload', 'orders', '--dry-run');
same([true, ORDERS, 0], [$dry['dry_run'], $dry['uploaded'], $dry['failed']], 'dry run: every order maps');
same([], control('GET', 'requests')['requests'], 'a dry run sends nothing');

// --- customers ---------------------------------------------------------------------------
$customers = run_cli_json($dir, "--site=$site", 'upload', 'customers');
same([CUSTOMERS, 0, 0, 0], [$customers['uploaded'], $customers['skipped'], $customers['failed'], $customers['linked']], 'customers');
same(CUSTOMERS / 50, count(control('GET', 'requests')['requests']), 'one call per 50 customers');
control('DELETE', 'requests');

// --- orders, killed at a random point, then resumed ------------------------------------------
$cli = ['php', '-n', '-d', 'extension=pdo', '-d', 'extension=pdo_sqlite', '-d', 'extension=' . env('MODRETAILCRM_SO'),
    dirname(__DIR__, 2) . '/php-plugin/cli/modretailcrm.php', "--site=$site", 'upload', 'orders'];
$process = proc_open($cli, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, $dir);
$lines = random_int(1, 15);
$seen = 0;
while ($seen < $lines && ($line = fgets($pipes[2])) !== false) {
    if (str_starts_with($line, 'upload orders: ')) {
        $seen++;
    }
}
same($lines, $seen, 'progress lines (one per 1,000) before the kill');
proc_terminate($process, 9);
proc_close($process);
$killed = run_cli_json($dir, "--site=$site", 'status')['upload']['orders'];
// The line of the k-th thousand is written once its batch's answer is in: the checkpoint is
// at most that batch behind.
check($killed['finished_at'] === null && $killed['after'] >= $lines * 1000 - 100 && $killed['after'] < ORDERS,
    'the killed run stopped half way: ' . json_encode($killed));

[$code, $out, $err] = run_cli($dir, "--site=$site", 'upload', 'orders');
same(0, $code, $err);
$orders = json_decode($out, true);
same([ORDERS - 3, 0, 3, ORDERS], [$orders['uploaded'], $orders['skipped'], $orders['failed'], $orders['after']],
    'resumed: every order once, none skipped as already there');
same(REFUSED, array_column($orders['failures'], 'id'), 'the refused orders');
foreach ($orders['failures'] as $failure) {
    same("Customer with externalId=1 not found.", $failure['reason'], 'the CRM\'s reason');
    same('2611-' . $failure['id'], $failure['externalId']);
    check(str_contains($err, "{$failure['id']} (2611-{$failure['id']}): Customer with externalId=1 not found."), "listed at the end: $err");
}

// --- what the CRM holds --------------------------------------------------------------------
$state = crm_state();
$customerIds = array_map('intval', array_column($state['customers'], 'externalId'));
sort($customerIds);
same(range(2, CUSTOMERS + 1), $customerIds, 'the CRM holds every customer once, the administrator not');
$crm = [];
foreach ($state['orders'] as $order) {
    check(!isset($crm[$order['externalId']]), "order {$order['externalId']} twice");
    $crm[$order['externalId']] = $order;
}
$expected = array_diff(array_keys($costs), REFUSED);
same(count($expected), count($crm), 'the CRM holds exactly the good orders');
foreach ($expected as $id) {
    $order = $crm["2611-$id"] ?? fail("order $id is missing");
    same($costs[$id], (int) round($order['totalSumm'] * 100), "order $id: total = the site's cost");
    same(ShopDb::STATUSES[1 + $id % 4][1], $order['status'], "order $id: its current status");
    same(date('Y-m-d H:i:s', 1767000000 - (ORDERS - $id) * 60), $order['createdAt'], "order $id: its createdAt");
    $paid = array_values(array_filter((array) $order['payments'], fn($p) => ($p['status'] ?? '') === 'paid'));
    same(1 + $id % 4 === 2, $paid !== [], "order $id: paid when its status is the paid one");
}

// --- a re-run sends nothing ------------------------------------------------------------------
control('DELETE', 'requests');
$again = run_cli_json($dir, "--site=$site", 'upload', 'orders');
same([0, 0, 0], [$again['uploaded'], $again['skipped'], $again['failed']], 're-run');
same([], control('GET', 'requests')['requests'], 'a re-run sends nothing');
$status = run_cli_json($dir, "--site=$site", 'status')['upload'];
check($status['orders']['finished_at'] !== null && $status['customers']['uploaded'] === CUSTOMERS, json_encode($status));

done();
