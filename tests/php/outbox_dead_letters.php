<?php
// A change the CRM refuses (an unknown delivery code) is set aside as a dead letter with the
// CRM's message; later changes of the same order wait behind it, every other entity keeps
// flowing; once the CRM knows the code, retry delivers it and what waited behind it, in order.
require __DIR__ . '/lib.php';

$dir = temp_dir();
$shop = new ModRetailCrm\Integration(settings($dir));
$shop->enqueue('customer.create', ['externalId' => '17']);
$bad = $shop->enqueue('order.create', order_payload('700-1', '17', ['delivery' => ['code' => 'teleport', 'cost' => 300]]))['id'];
$shop->enqueue('order.edit', ['externalId' => '700-1', 'status' => 'assembling']);
$shop->enqueue('order.create', order_payload('700-2', '17'));
$shop->enqueue('customer.create', ['externalId' => '18']);
$shop->enqueue('order.create', order_payload('700-3', '18'));

$report = $shop->flush(5);
same(1, $report['dead']);
same(4, $report['delivered'], 'every other entity flowed');
$status = $shop->status();
same(1, $status['dead']);
same(1, $status['pending'], 'the edit of the refused order waits behind it');
same(1, $status['blocked_keys']);
$letter = $status['dead_letters'][0];
same($bad, $letter['id']);
same('order:700-1', $letter['entity_key']);
same(400, $letter['details']['status']);
same('Delivery type "teleport" does not exist.', $letter['details']['errors']['delivery.code']);
same(['700-2', '700-3'], array_map(fn ($o) => $o['externalId'], crm_state()['orders']));
same(0, $shop->flush(1)['delivered'], 'a dead letter is not retried by itself');

// The shop owner adds the delivery type in the CRM, then retries.
control('POST', 'references/delivery-types', ['code' => 'teleport', 'name' => 'Телепорт']);
same(1, $shop->retry('dead'));
$report = $shop->flush(5);
same(2, $report['delivered'], 'the order, then its edit');
same(0, $shop->status()['pending']);
same(0, $shop->status()['dead']);
$orders = array_column(crm_state()['orders'], null, 'externalId');
same('teleport', $orders['700-1']['delivery']['code']);
same('assembling', $orders['700-1']['status'], 'the edit went after the create');

// A batch upload the CRM takes only in part (460): the uploaded orders are in the CRM, and the
// dead letter keeps the CRM's lists of what was and was not uploaded.
$upload = $shop->enqueue('request', ['method' => 'POST', 'route' => 'orders/upload', 'params' => ['site' => 'shop', 'orders' => [
    order_payload('800-1', '17'),
    order_payload('800-2', 'nobody-knows-me'),
]]])['id'];
same(1, $shop->flush(5)['dead']);
$letter = array_values(array_filter($shop->status()['dead_letters'], fn ($d) => $d['id'] === $upload))[0];
same(460, $letter['details']['status']);
same(1, count($letter['details']['response']['uploadedOrders']));
same(1, count($letter['details']['response']['failedOrders']));
$orders = array_column(crm_state()['orders'], null, 'externalId');
check(isset($orders['800-1']) && !isset($orders['800-2']), 'the accepted part is in the CRM');
done();
