<?php
// A manager edits the captured order 2611/1 in miniShop2's order window (tests/php/modx/
// manager.php: the processors' database changes and events), through the real plugin file,
// against the sandbox: a product added, a quantity changed, then the window saved with another
// delivery, address and comments. The three edits queued before a flush go as one
// orders/edit with the last state: the CRM has exactly the order's items, total, delivery,
// address and multi-line comments. Then an edit made while the CRM is down arrives later.
require __DIR__ . '/lib.php';
require __DIR__ . '/modx/manager.php';

$dir = temp_dir();
$config = settings($dir, ['modretailcrm_sync_statuses' => '2,3']);
$modx = new modX($config);
give_crm_codes($modx);
$pickup = add_pickup_delivery($modx);
$orderId = 1;

replay_order($modx, $orderId);
$shop = new ModRetailCrm\Integration($config);
flush_until_empty($shop);
$sentBefore = count(control('GET', 'requests')['requests']);

/** The requests sent since the first $skip, as "METHOD path" => count. */
function sent_since(int $skip): array
{
    $requests = array_slice(control('GET', 'requests')['requests'], $skip);
    return array_count_values(array_map(fn(array $r) => $r['method'] . ' ' . $r['path'], $requests));
}

/** The CRM's order 2611-1. */
function crm_order(): array
{
    $orders = array_values(array_filter(crm_state()['orders'], fn(array $o) => $o['externalId'] === '2611-1'));
    same(1, count($orders), 'one CRM order 2611-1');
    return $orders[0];
}

/** The CRM order's items as [name, quantity, price], in the order's order. */
function crm_items(array $order): array
{
    return array_map(fn(array $i) => [$i['productName'], (float) $i['quantity'], (float) $i['initialPrice']], $order['items']);
}

// Each grid change and the window's save is a request of its own in the manager.
$modx->newRequest();
manager_add_product($modx, $orderId, ['product_id' => 5, 'name' => 'Test Cap', 'count' => 1,
    'price' => 350, 'weight' => 0.1, 'options' => ['color' => 'blue']]);
$modx->newRequest();
$tshirt = $modx->getObject('msOrderProduct', ['order_id' => $orderId, 'product_id' => 3]);
manager_update_product($modx, (int) $tshirt->get('id'), ['count' => 3]);
$modx->newRequest();
manager_save_order($modx, $orderId, [
    'delivery' => $pickup, 'delivery_cost' => '0',
    'addr_city' => 'Shelbyville', 'addr_street' => 'Main Street', 'addr_building' => '19',
    'addr_comment' => "  Leave it at the door.\r\n\r\n\r\nCode   1234  ",
    'order_comment' => "Called Jane:\nshe picks it up on Friday",
]);
same([], $modx->logged(modX::LOG_LEVEL_WARN), 'the plugin logged no problem');
same(3, $shop->status()['pending'], 'each edit queued an update');

flush_until_empty($shop);
$sent = sent_since($sentBefore);
same(['POST /api/v5/orders/2611-1/edit' => 1, 'POST /api/v5/orders/payments/2611-1-payment/edit' => 1], $sent,
    'one order edit with the last state, then the payment amount');

$cost = (float) $modx->getObject('msOrder', $orderId)->get('cost');
same(4200.5, $cost, 'miniShop2 recounted the order: 3 × 1250.5 + 99 + 350, no delivery cost');
$order = crm_order();
same([['Test T-Shirt', 3.0, 1250.5], ['Test Mug', 1.0, 99.0], ['Test Cap', 1.0, 350.0]], crm_items($order),
    'exactly the order\'s items now');
same($cost, round((float) $order['totalSumm'], 2), 'the CRM total equals the cost');
same(['self-delivery', 0.0], [$order['delivery']['code'], (float) $order['delivery']['cost']]);
$address = $order['delivery']['address'];
same(['Shelbyville', 'Main Street', '19', '12345'], [$address['city'], $address['street'], $address['building'], $address['index']]);
same("Leave it at the door.\n\nCode 1234", $order['customerComment'], 'the comment keeps its line breaks');
same("Called Jane:\nshe picks it up on Friday", $order['managerComment']);
same('prepayed', $order['status'], 'the status is not the edit\'s');
$payment = array_values($order['payments'])[0];
same(['paid', $cost], [$payment['status'], (float) $payment['amount']], 'the paid payment follows the cost');

// The CRM is down while the manager removes the mug: the edit waits and arrives later.
control('POST', 'faults', ['mode' => 'status', 'status' => 503]);
$modx->newRequest();
$mug = $modx->getObject('msOrderProduct', ['order_id' => $orderId, 'product_id' => 4]);
manager_remove_product($modx, (int) $mug->get('id'));
$report = $shop->flush(0.4);
same(0, $report['delivered'], 'nothing delivered while the CRM is down');
same(1, $shop->status()['pending']);
control('DELETE', 'faults');
flush_until_empty($shop);
same(0, $shop->status()['dead']);
$order = crm_order();
same([['Test T-Shirt', 3.0, 1250.5], ['Test Cap', 1.0, 350.0]], crm_items($order), 'the mug is gone');
same(4101.5, round((float) $order['totalSumm'], 2));
done();
