<?php
// Answers come back as PHP arrays with the CRM's data: get by externalId and by id, lists with
// pagination, references keyed by code, history, uploads, payments, every page collected.
require __DIR__ . '/lib.php';

$crm = sandbox_client();

$crm->customersCreate(['externalId' => '1', 'firstName' => 'Анна', 'email' => 'anna@example.com']);
$created = $crm->ordersCreate([
    'externalId' => '100-1', 'customer' => ['externalId' => '1'],
    'items' => [['offer' => ['externalId' => '5'], 'productName' => 'Чайник', 'initialPrice' => 1000, 'quantity' => 3]],
    'delivery' => ['code' => 'courier', 'cost' => 250],
    'payments' => [['type' => 'cash', 'amount' => 3250, 'externalId' => '100-1-1']],
]);
$id = $created['id'];

$byExternal = $crm->ordersGet('100-1')['order'];
$byId = $crm->ordersGet($id, 'id')['order'];
same($byExternal, $byId, 'the same order by externalId and by id');
same('100-1', $byId['externalId']);
same(3000, (int) $byId['summ'], 'items total computed by the CRM');
same(3250, (int) $byId['totalSumm'], 'total with delivery computed by the CRM');
check(is_array($byId['payments']) && count($byId['payments']) === 1, 'one payment');

// Edit and read back.
same(true, $crm->ordersEdit(['externalId' => '100-1', 'status' => 'assembling'])['success']);
same('assembling', $crm->ordersGet('100-1')['order']['status']);
same(true, $crm->customersEdit(['externalId' => '1', 'lastName' => 'Смирнова'])['success']);
same('Смирнова', $crm->customersGet('1')['customer']['lastName']);

// Payments: edit by the externalId set at create.
same(true, $crm->ordersPaymentEdit(['externalId' => '100-1-1', 'status' => 'paid'])['success']);
$payments = array_values($crm->ordersGet('100-1')['order']['payments']);
same('paid', $payments[0]['status']);
$added = $crm->ordersPaymentCreate(['order' => ['externalId' => '100-1'], 'type' => 'bank-card', 'amount' => 10]);
check(is_int($added['id']), 'payment created');

// Statuses of orders.
$statuses = $crm->ordersStatuses([], ['100-1'])['orders'];
same('assembling', $statuses[0]['status']);

// Upload: 25 customers, then a list with pagination, then all pages collected.
$batch = [];
for ($i = 2; $i <= 26; $i++) {
    $batch[] = ['externalId' => (string) $i, 'firstName' => "Customer $i"];
}
$upload = $crm->customersUpload($batch);
same(25, count($upload['uploadedCustomers']));
$page = $crm->customersList([], 2, 20);
same(26, $page['pagination']['totalCount']);
same(2, $page['pagination']['totalPageCount']);
same(2, $page['pagination']['currentPage']);
same(6, count($page['customers']));
$all = $crm->collectPages('customers', 'customers', [], 20);
same(26, count($all), 'collectPages follows totalPageCount');
same(26, count(array_unique(array_column($all, 'externalId'))), 'every customer once');

// References are arrays keyed by code.
$delivery = $crm->reference('delivery-types')['deliveryTypes'];
check(isset($delivery['courier']), 'delivery types keyed by code');
foreach (['statuses', 'status-groups', 'payment-types', 'sites', 'order-methods', 'stores'] as $name) {
    same(true, $crm->reference($name)['success'], "reference $name");
}

// History: our own changes, with sinceId paging.
$history = $crm->ordersHistory([], 1, 100)['history'];
check(count($history) >= 3, 'history records the create and the edits');
$last = end($history)['id'];
same([], $crm->ordersHistory(['sinceId' => $last])['history'], 'nothing after the last id');
same(true, $history[0]['apiKey']['current'], 'our own changes are marked current');
$customersHistory = $crm->customersHistory(['sinceId' => 0])['history'];
check(count($customersHistory) > 0, 'customers history');

// Unversioned and misc endpoints, and the generic request.
check(in_array('5.0', $crm->apiVersions()['versions'], true), 'api-versions lists 5.0');
same(true, $crm->credentials()['success']);
same('100-1', $crm->request('GET', 'orders/100-1', ['by' => 'externalId', 'site' => 'shop'])['order']['externalId']);
same(true, $crm->request('post', '/orders/100-1/edit', ['order' => ['externalId' => '100-1', 'managerComment' => 'ok'], 'site' => 'shop'])['success']);
same(true, $crm->tasksCreate(['text' => 'Call the customer', 'performerId' => 1])['success']);
same(true, $crm->costsCreate(['summ' => 100, 'costItem' => 'delivery', 'dateFrom' => '2026-11-01', 'dateTo' => '2026-11-01'])['success']);
same(true, $crm->storeInventoriesUpload([['externalId' => '5', 'stores' => [['code' => 'main', 'available' => 7]]]])['success']);
same(true, $crm->storeInventories()['success']);
same(true, $crm->storePricesUpload([['externalId' => '5', 'site' => 'shop', 'prices' => [['code' => 'base', 'price' => 1000]]]])['success']);
same(true, $crm->storeOffers()['success']);
same(true, $crm->storeProducts()['success']);
same(true, $crm->ordersFixExternalIds([['id' => $id, 'externalId' => '100-1']])['success']);
same(true, $crm->customersFixExternalIds([['id' => $crm->customersGet('1')['customer']['id'], 'externalId' => '1']])['success']);

done();
