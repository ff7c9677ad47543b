<?php
// The real checkout flow captured in the fixtures, replayed through the plugin file against the
// sandbox: customer registers (OnUserSave, web), order created (msOnCreateOrder), status New
// then Paid (msOnChangeOrderStatus). In deferred mode nothing is sent while the requests run;
// after delivery the CRM holds the customer, the order with miniShop2's total, the status and
// the paid payment, and nothing was sent twice.
require __DIR__ . '/lib.php';
require __DIR__ . '/modx/harness.php';

$dir = temp_dir();
$config = settings($dir, [
    'modretailcrm_send_mode' => 'deferred',
    'modretailcrm_sync_statuses' => '2,3',
]);
$modx = new modX($config);
give_crm_codes($modx);

$fixtureOrder = ShopFixtures::json('db/msOrder.json')['toArray'];
$replayed = replay_order($modx, (int) $fixtureOrder['id']);
same(['OnUserSave', 'OnUserSave', 'OnUserSave', 'msOnCreateOrder', 'msOnChangeOrderStatus', 'msOnChangeOrderStatus'],
    $replayed, 'the events replayed in captured order');
same([], $modx->logged(modX::LOG_LEVEL_WARN), 'the plugin logged no problem');
same([], control('GET', 'requests')['requests'], 'deferred: nothing is sent while the requests run');

// What the shutdown function does after the response; a cron flush would do the same.
$shop = new ModRetailCrm\Integration($config);
check($shop->status()['pending'] > 0, 'the changes were queued');
flush_until_empty($shop);

$state = crm_state();
$user = ShopFixtures::json('db/modUser_customer.json')['toArray'];
$customers = array_column($state['customers'], null, 'externalId');
check(isset($customers[(string) $user['id']]), 'the customer who registered is in the CRM: ' . json_encode(array_keys($customers)));
same(1, count($customers), 'manager-side saves of other users (mgr context) were not sent');

$externalId = str_replace('/', '-', $fixtureOrder['num']);
$orders = array_values(array_filter($state['orders'], fn(array $o) => $o['externalId'] === $externalId));
same(1, count($orders), "one order $externalId in the CRM");
$order = $orders[0];
same(round($fixtureOrder['cost'], 2), round((float) $order['totalSumm'], 2), 'the CRM total equals the msOrder cost');
same('prepayed', $order['status'], 'the status code of the Paid status');
same((string) $user['id'], (string) ($order['customer']['externalId'] ?? ''), 'the order belongs to the customer');
$payments = array_values($order['payments'] ?? []);
same(1, count($payments), 'one payment');
same('bank-card', $payments[0]['type']);
same('paid', $payments[0]['status'], 'the payment was marked paid');

// Nothing was sent twice: one create per entity, one status edit, one payment edit.
$count = [];
foreach (control('GET', 'requests')['requests'] as $request) {
    $path = preg_replace('~/api/v5/|/[^/]+/edit$~', '', $request['path']);
    $key = $request['method'] . ' ' . $path . (str_ends_with($request['path'], '/edit') ? '/edit' : '');
    $count[$key] = ($count[$key] ?? 0) + 1;
}
same(1, $count['POST customers/create'] ?? 0, 'customers/create: ' . json_encode($count));
same(1, $count['POST orders/create'] ?? 0, 'orders/create: ' . json_encode($count));
same(1, $count['POST orders/edit'] ?? 0, 'one status edit: ' . json_encode($count));
same(1, $count['POST orders/payments/edit'] ?? 0, 'one payment edit: ' . json_encode($count));
same(0, $shop->status()['pending']);
done();
