<?php
// The three shop events through ModRetailCrm\Integration, fed with the captured miniShop2 rows
// (order 2611/1 with everything related), in sync mode against the sandbox: a customer
// registers, orders, the order is paid — the CRM holds the customer, the order with the
// shop's total, the synced status and the paid payment, each sent once.
require __DIR__ . '/lib.php';

['order' => $order, 'related' => $related, 'user' => $user, 'profile' => $profile, 'statuses' => $statuses] = captured_order();

$dir = temp_dir();
$shop = new ModRetailCrm\Integration(settings($dir, [
    'modretailcrm_send_mode' => 'sync',
    'modretailcrm_sync_budget' => '5',
    'modretailcrm_sync_statuses' => '2,3',
    'modretailcrm_add_crm_number' => '1',
]));

// OnUserSave in the web context (checkout registers the customer).
same('delivered', $shop->onUserSave($user, $profile, 'new', 'web', [])['state']);
same('skipped', $shop->onUserSave($user, $profile, 'upd', 'mgr', ['Administrator'])['state'], 'a manager-side save is not a customer save');

// msOnCreateOrder with delivery and payment codes (as OnMODXInit's fields hold them).
$created = $shop->onOrderCreate([
    'order' => $order,
    'address' => $related['Address'],
    'products' => array_values($related['Products']),
    'delivery' => $related['Delivery'] + ['retailcrm_delivery_code' => 'courier'],
    'payment' => $related['Payment'] + ['retailcrm_payment_code' => 'bank-card'],
    'status' => $statuses[1] + ['retailcrm_status_code' => 'new'],
    'user' => $user,
    'profile' => $profile,
    'promo' => null,
]);
same('delivered', $created['state']);
same('2611/1', $created['records'][0]['result']['number']);
same([], $created['unmapped']);

// msOnChangeOrderStatus to Paid (id 2, as miniShop2 passes it: an int here, '1' on checkout).
$paid = $shop->onOrderStatusChange(['order' => $order, 'status' => $statuses[2] + ['retailcrm_status_code' => 'prepayed'], 'paid_at' => '2026-11-29 08:00:00']);
same('delivered', $paid['state']);
same(2, count($paid['records']), 'the status edit and the payment edit');
same('skipped', $shop->onOrderStatusChange(['order' => $order, 'status' => $statuses[4] ?? ['id' => '4'], 'paid_at' => ''])['state']);

$state = crm_state();
same(1, count($state['customers']));
same('4', $state['customers'][0]['externalId']);
same(1, count($state['orders']));
$crmOrder = $state['orders'][0];
same('2611-1', $crmOrder['externalId']);
same($order['cost'], $crmOrder['totalSumm'], 'the CRM total is the shop\'s cost');
same('prepayed', $crmOrder['status']);
$payment = array_values($crmOrder['payments'])[0];
same('paid', $payment['status']);
same($order['cost'], $payment['amount']);
same('2026-11-29 08:00:00', $payment['paidAt']);
$paths = array_count_values(array_column(control('GET', 'requests')['requests'], 'path'));
same(1, $paths['/api/v5/customers/create']);
same(1, $paths['/api/v5/orders/create']);
same(0, $shop->status()['pending']);

// An order whose delivery has no CRM code is still sent (without the code), and status()
// tells the shop owner what to map.
$uncoded = $shop->onOrderCreate([
    'order' => ['num' => '2611/7', 'id' => 7] + $order, 'address' => $related['Address'], 'products' => array_values($related['Products']),
    'delivery' => $related['Delivery'], 'payment' => $related['Payment'] + ['retailcrm_payment_code' => 'bank-card'],
    'status' => null, 'user' => $user, 'profile' => $profile, 'promo' => null,
]);
same('delivered', $uncoded['state']);
check(str_contains($uncoded['unmapped'][0], 'retailcrm_delivery_code'), json_encode($uncoded));
$unmapped = $shop->status()['unmapped'];
same(1, count($unmapped));
same($uncoded['unmapped'][0], $unmapped[0]['reference']);
same(1, $unmapped[0]['seen']);

// An order sent while its payment method had no code goes without a payment; once the shop
// owner gives the method a code, the paid status creates the payment on that order.
$unpaidOrder = ['num' => '2611/8', 'id' => 8] + $order;
$noPayment = $shop->onOrderCreate([
    'order' => $unpaidOrder, 'address' => $related['Address'], 'products' => array_values($related['Products']),
    'delivery' => $related['Delivery'] + ['retailcrm_delivery_code' => 'courier'], 'payment' => $related['Payment'],
    'status' => null, 'user' => $user, 'profile' => $profile, 'promo' => null,
]);
same('delivered', $noPayment['state']);
$paidStatus = $statuses[2] + ['retailcrm_status_code' => 'prepayed'];
$stillUncoded = $shop->onOrderStatusChange(['order' => $unpaidOrder, 'status' => $paidStatus,
    'paid_at' => '2026-11-29 09:00:00', 'payment' => $related['Payment']]);
same('delivered', $stillUncoded['state']);
same(1, count($stillUncoded['records']), 'only the status: an untyped payment cannot be marked');
check(str_contains($stillUncoded['unmapped'][0], 'retailcrm_payment_code'), json_encode($stillUncoded));
$coded = $shop->onOrderStatusChange(['order' => $unpaidOrder, 'status' => $paidStatus,
    'paid_at' => '2026-11-29 09:30:00', 'payment' => $related['Payment'] + ['retailcrm_payment_code' => 'cash']]);
same('delivered', $coded['state']);
same(2, count($coded['records']));
$crmOrder = array_values(array_filter(crm_state()['orders'], fn($o) => $o['externalId'] === '2611-8'))[0];
same(1, count($crmOrder['payments']), 'the payment was created on the order');
$payment = array_values($crmOrder['payments'])[0];
same(['2611-8-payment', 'cash', 'paid', $order['cost'], '2026-11-29 09:30:00'],
    [$payment['externalId'], $payment['type'], $payment['status'], $payment['amount'], $payment['paidAt']]);
same(0, $shop->status()['dead'], 'nothing set aside');
done();
