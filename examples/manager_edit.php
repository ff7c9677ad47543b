<?php
// A manager edits an order in miniShop2's order window (the MODX-shaped harness replays the
// captured checkout of order 2611/1, then the window's processors: tests/php/modx/manager.php):
// a product added to the order, the address changed, a two-line comment written. The plugin
// queues the whole current order; one orders/edit brings the CRM to it. Run by `make demo`
// (CRM_URL, CRM_KEY and DEMO_DIR set).

declare(strict_types=1);

require_once __DIR__ . '/queue.php';

require dirname(__DIR__) . '/tests/php/modx/manager.php';

$settings = demo_queue('edit_') + [
    'modretailcrm_url' => getenv('CRM_URL'),
    'modretailcrm_apiKey' => getenv('CRM_KEY'),
    'modretailcrm_siteCode' => 'shop',
    'modretailcrm_queue_path' => getenv('DEMO_DIR') . '/edit-outbox.sqlite',
    'modretailcrm_log_file' => getenv('DEMO_DIR') . '/edit-api.log',
    'modretailcrm_send_mode' => 'queue',
];
$crm = new ModRetailCrm\Client(getenv('CRM_URL'), getenv('CRM_KEY'), 'shop');

/** Prints the CRM's order 2611-1: items, delivery address, comments, total. */
function show_order(ModRetailCrm\Client $crm, float $cost): void
{
    $order = $crm->ordersGet('2611-1')['order'];
    foreach ($order['items'] as $item) {
        printf("  %d × %8.2f  %s\n", $item['quantity'], $item['initialPrice'], $item['productName']);
    }
    printf("  address: %s\n", $order['delivery']['address']['text'] ?? '-');
    printf("  customer comment: %s\n", json_encode($order['customerComment'] ?? null, JSON_UNESCAPED_UNICODE));
    printf("  CRM total %.2f = miniShop2 cost %.2f\n", $order['totalSumm'], $cost);
}

echo "\n== A manager edits order 2611/1 in miniShop2's order window\n";
$modx = new modX($settings);
give_crm_codes($modx);
replay_order($modx, 1);
$shop = new ModRetailCrm\Integration($settings);
$shop->flush(30);
echo "the order as the checkout sent it:\n";
show_order($crm, (float) $modx->getObject('msOrder', 1)->get('cost'));

$modx->newRequest();
manager_add_product($modx, 1, ['product_id' => 5, 'name' => 'Test Cap', 'count' => 1, 'price' => 350,
    'weight' => 0.1, 'options' => []]);
$modx->newRequest();
manager_save_order($modx, 1, ['addr_city' => 'Shelbyville', 'addr_street' => 'Main Street', 'addr_building' => '19',
    'addr_comment' => "Leave it at the door.\nThe code is 1234."]);
$report = $shop->flush(30);
$sent = array_count_values(array_map(fn(array $r) => $r['method'] . ' ' . $r['path'],
    array_slice(json_decode((string) file_get_contents(getenv('CRM_URL') . '/__control/requests'), true)['requests'], -2)));
printf("a cap added, the address and comment changed: 2 updates queued, delivered as %s\n",
    implode(' + ', array_keys($sent)));
show_order($crm, (float) $modx->getObject('msOrder', 1)->get('cost'));
