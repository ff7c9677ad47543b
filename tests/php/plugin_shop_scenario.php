<?php
// The whole shop scenario (tests/php/modx/scenario.php) through the plugin against the
// sandbox: users saved in the manager count only when they are in the customers' group; the
// order carries the msOptionsPrice2 modification as its offer id and the msPromoCode code and
// discount; paid marks the payment; shipped moves the CRM status; the CRM total is the cost.
require __DIR__ . '/lib.php';
require __DIR__ . '/modx/scenario.php';

$dir = temp_dir();
$config = settings($dir, ['modretailcrm_send_mode' => 'deferred', 'modretailcrm_sync_statuses' => '2,3']);
$modx = run_shop_scenario($config);
same([], $modx->logged(modX::LOG_LEVEL_WARN), 'the plugin logged no problem');
$shop = new ModRetailCrm\Integration($config);
flush_until_empty($shop);
same(0, $shop->status()['dead']);

$state = crm_state();
same(['3', '4'], array_column($state['customers'], 'externalId'),
    'the manager-saved user of the Customers group and the customer; not the other manager-saved user');
same(1, count($state['orders']));
$order = $state['orders'][0];
same('2611-1', $order['externalId']);
same(scenario_order_cost(), round((float) $order['totalSumm'], 2), 'the CRM total equals the cost after the promo');
same(['promocode' => SCENARIO['promocode']], $order['customFields']);
same(SCENARIO['discount'], (float) $order['discountManualAmount']);
$tshirt = array_values(array_filter($order['items'], fn($i) => $i['productName'] === 'Test T-Shirt'))[0];
same('mod-3-' . SCENARIO['modification'], $tshirt['offer']['externalId']);
same(['color', 'size'], array_column($tshirt['properties'], 'code'), 'the modification is no property');
same('delivering', $order['status'], 'shipped (status 3) after paid');
$payment = array_values($order['payments'])[0];
same(['paid', scenario_order_cost()], [$payment['status'], (float) $payment['amount']]);

$sent = array_count_values(array_map(fn($r) => $r['method'] . ' ' . $r['path'], control('GET', 'requests')['requests']));
same(2, $sent['POST /api/v5/customers/create']);
same(1, $sent['POST /api/v5/orders/create']);
same(2, $sent['POST /api/v5/orders/2611-1/edit'], 'paid, then shipped');
same(1, $sent['POST /api/v5/orders/payments/2611-1-payment/edit']);
done();
