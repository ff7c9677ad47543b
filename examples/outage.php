<?php
// Part two of the demo: an order placed while the CRM is down survives in the outbox and
// reaches the CRM once it is back. Run by scripts/demo.sh in two phases:
//   outage.php place     (the CRM is down)   the shop places an order; delivery fails; it waits
//   outage.php recover   (the CRM is back)   no cron: the work after the next ordinary page delivers it
declare(strict_types=1);

require_once __DIR__ . '/queue.php';

$phase = $argv[1] ?? 'place';
$dir = getenv('DEMO_DIR');
$shop = new ModRetailCrm\Integration(demo_queue('outage_') + [
    'modretailcrm_url' => getenv('CRM_URL'),
    'modretailcrm_apiKey' => getenv('CRM_KEY'),
    'modretailcrm_siteCode' => 'shop',
    'modretailcrm_send_mode' => 'deferred',
    'modretailcrm_queue_path' => "$dir/outbox.sqlite",
    'modretailcrm_log_file' => "$dir/modretailcrm.log",
    'modretailcrm_timeout' => '2',
    'modretailcrm_retry_delay' => '0.1',
]);

if ($phase === 'place') {
    echo "\n== The CRM is down. A customer places order 2311/13 anyway\n";
    $t = hrtime(true);
    $queued = $shop->enqueue('order.create', [
        'externalId' => '2311-13', 'number' => '2311/13', 'customer' => ['externalId' => '21'],
        'firstName' => 'Мария', 'email' => 'maria@example.com', 'phone' => '+7 900 765-43-21',
        'items' => [['offer' => ['externalId' => '7'], 'productName' => 'Самовар', 'initialPrice' => 4200, 'quantity' => 1]],
        'delivery' => ['code' => 'self-delivery', 'cost' => 0],
    ]);
    printf("checkout took %.1f ms: the order is %s in the outbox (record %d)\n", (hrtime(true) - $t) / 1e6, $queued['state'], $queued['id']);
    $report = $shop->flush(1);
    echo "the delivery after the response fails: ", json_encode($report), "\n";
    $status = $shop->status();
    echo "outbox: {$status['pending']} pending; last error: {$status['last_error']['message']}\n";
} else {
    echo "\n== The CRM is back. No cron: the next ordinary page delivers what waited\n";
    usleep(200_000); // let the retry delay of the failed attempt pass
    // What the plugin runs after every page's response (lib/CrmStatus.php): at most once a
    // minute per site, the due retries, then the CRM's status changes (none are synced here).
    $due = $shop->pollDue();
    echo "the work after the page is due: ", json_encode($due), "; it ran: ", json_encode($shop->afterResponse([]) !== null), "\n";
    $crm = new ModRetailCrm\Client(getenv('CRM_URL'), getenv('CRM_KEY'), 'shop');
    $order = $crm->ordersGet('2311-13')['order'];
    printf("the CRM now has order %s for %s (customer %s, created from the order's contact data), total %.2f\n",
        $order['number'], $order['firstName'], $order['customer']['externalId'], $order['totalSumm']);
    $status = $shop->status();
    echo "outbox: {$status['pending']} pending, {$status['delivered']} delivered, {$status['dead']} dead\n";
}
