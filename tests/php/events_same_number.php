<?php
// miniShop2 can give two orders placed at the same moment the same number (it reads the last
// number and adds one, without a lock). The CRM externalId comes from the number, so the
// second order must not land on the first: it gets its own id, and its later status change
// and payment go to it, not to the first order.
require __DIR__ . '/lib.php';

['order' => $order, 'related' => $related, 'user' => $user, 'profile' => $profile, 'statuses' => $statuses] = captured_order();

$dir = temp_dir();
$settings = settings($dir, ['modretailcrm_send_mode' => 'queue', 'modretailcrm_sync_statuses' => '2']);
$first = ['id' => 16, 'num' => '2611/16', 'cost' => $order['cost']] + $order;
$second = ['id' => 17, 'num' => '2611/16', 'cost' => $order['cost'] - 100.0, 'comment' => 'the other order'] + $order;
$payment = $related['Payment'] + ['retailcrm_payment_code' => 'bank-card'];
$create = fn(array $o) => [
    'order' => $o, 'address' => $related['Address'], 'products' => array_values($related['Products']),
    'delivery' => $related['Delivery'] + ['retailcrm_delivery_code' => 'courier'], 'payment' => $payment,
    'status' => null, 'user' => $user, 'profile' => $profile, 'promo' => null,
];
// Two PHP workers, one order each.
(new ModRetailCrm\Integration($settings))->onOrderCreate($create($first));
$worker = new ModRetailCrm\Integration($settings);
$worker->onOrderCreate($create($second));
$paid = $statuses[2] + ['retailcrm_status_code' => 'prepayed'];
$worker->onOrderStatusChange(['order' => $second, 'status' => $paid, 'paid_at' => '2026-11-29 10:00:00', 'payment' => $payment]);
flush_until_empty($worker);
same(0, $worker->status()['dead'], json_encode($worker->status()['dead_letters']));

$orders = array_column(crm_state()['orders'], null, 'externalId');
same(['2611-16', '2611-16-id17'], array_keys($orders), 'two orders in the CRM');
same($first['cost'], $orders['2611-16']['totalSumm'], 'the first order is the first one');
same('new', $orders['2611-16']['status'] ?? 'new', 'the first order kept its status');
same([], array_values(array_filter($orders['2611-16']['payments'], fn($p) => $p['status'] === 'paid')), 'and its payment is unpaid');
same($second['cost'], $orders['2611-16-id17']['totalSumm'], 'the second order has its own total');
same('prepayed', $orders['2611-16-id17']['status'], 'the status change went to the second order');
$payments = array_values($orders['2611-16-id17']['payments']);
same(['2611-16-id17-payment', 'paid'], [$payments[0]['externalId'], $payments[0]['status']]);
$edits = array_filter(control('GET', 'requests')['requests'], fn($r) => str_contains($r['path'], '2611-16/edit'));
same([], array_values($edits), 'nothing was sent to edit the first order');
done();
