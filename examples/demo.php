<?php
// A shop scenario through ModRetailCrm\Client against the CRM sandbox: a customer registers,
// places an order, the order is paid and shipped; then we show what the CRM now holds.
// Run it with `make demo` (it starts the sandbox and sets CRM_URL and CRM_KEY).

declare(strict_types=1);

$logFile = sys_get_temp_dir() . '/modretailcrm-demo.log';
@unlink($logFile);
$crm = new ModRetailCrm\Client(getenv('CRM_URL'), getenv('CRM_KEY'), 'shop', ['log' => true, 'log_file' => $logFile]);

function step(string $title): void
{
    echo "\n== $title\n";
}

echo "\n== Manual mode (M12): the same CRM through ModRetailCrm\\Client, without MODX\n";
step('A customer registers on the site (MODX user 17)');
$customer = $crm->customersCreate([
    'externalId' => '17',
    'firstName' => 'Иван',
    'lastName' => 'Петров',
    'patronymic' => 'Сергеевич',
    'email' => 'ivan.petrov@example.com',
    'phones' => [['number' => '+7 (900) 123-45-67']],
]);
echo "CRM customer id: {$customer['id']}\n";

step('They order two items with courier delivery (miniShop2 order 2311/12)');
$created = $crm->ordersCreate([
    'externalId' => '2311-12',
    'number' => '2311/12',
    'customer' => ['externalId' => '17'],
    'firstName' => 'Иван',
    'lastName' => 'Петров',
    'phone' => '+7 (900) 123-45-67',
    'email' => 'ivan.petrov@example.com',
    'customerComment' => 'Позвоните за час до доставки & "не звоните" после 21:00',
    'items' => [
        ['offer' => ['externalId' => '5'], 'productName' => 'Футболка "Люкс" 50/50', 'initialPrice' => 1500, 'quantity' => 2,
         'properties' => [['code' => 'size', 'name' => 'Размер', 'value' => 'XL']]],
        ['offer' => ['externalId' => 'mod-6-3'], 'productName' => 'Кепка', 'initialPrice' => 499.5, 'quantity' => 1],
    ],
    'delivery' => ['code' => 'courier', 'cost' => 300, 'address' => [
        'index' => '101000', 'countryIso' => 'RU', 'city' => 'Москва', 'street' => 'ул. Тверская',
        'building' => '1/2', 'flat' => '3', 'text' => '101000, Москва, ул. Тверская, д. 1/2, кв. 3',
    ]],
    'payments' => [['type' => 'cash', 'amount' => 3799.5, 'externalId' => '2311-12-1']],
]);
echo "CRM order id: {$created['id']}, number {$created['order']['number']}\n";

step('Sending the same order again is refused by the CRM, and the extension says why');
try {
    $crm->ordersCreate(['externalId' => '2311-12', 'customer' => ['externalId' => '17']]);
} catch (ModRetailCrm\ApiException $e) {
    echo get_class($e), " (HTTP {$e->statusCode}, {$e->errorClass}): {$e->errorMsg}\n";
    echo "errors: ", json_encode($e->errors, JSON_UNESCAPED_UNICODE), "\n";
}

step('The order is paid and handed to the courier');
$crm->ordersPaymentEdit(['externalId' => '2311-12-1', 'status' => 'paid', 'paidAt' => date('Y-m-d H:i:s')]);
$crm->ordersEdit(['externalId' => '2311-12', 'status' => 'delivering']);

step("What the CRM now holds");
$order = $crm->ordersGet('2311-12')['order'];
printf("order %s (externalId %s): status %s, items %.2f + delivery %.2f = total %.2f\n",
    $order['number'], $order['externalId'], $order['status'], $order['summ'],
    $order['delivery']['cost'], $order['totalSumm']);
foreach ($order['items'] as $item) {
    printf("  %d × %s @ %.2f\n", $item['quantity'], $item['productName'] ?? $item['offer']['name'] ?? '?', $item['initialPrice']);
}
foreach ($order['payments'] as $payment) {
    printf("  payment %s: %s %.2f (%s)\n", $payment['externalId'] ?? $payment['id'], $payment['type'], $payment['amount'], $payment['status'] ?? '-');
}
$history = $crm->ordersHistory(['sinceId' => 0], 1, 100)['history'];
echo count($history), " history entries; last: ", json_encode(end($history)['field'] ?? 'created'), "\n";

step('The raw customer record');
echo json_encode($crm->customersGet('17')['customer'], JSON_PRETTY_PRINT | JSON_UNESCAPED_UNICODE), "\n";

step('What the CRM received, request by request (from the sandbox\'s request log)');
$received = json_decode(file_get_contents(getenv('CRM_URL') . '/__control/requests'), true)['requests'];
foreach ($received as $request) {
    printf("%-4s %-45s -> %d  (%d bytes, X-API-KEY %s)\n", $request['method'], $request['path'] . ($request['query'] !== '' ? '?' . $request['query'] : ''),
        $request['status'], strlen($request['body']), isset($request['headers']['x-api-key']) ? 'sent' : 'missing');
}
$orderCreate = array_values(array_filter($received, fn ($r) => $r['path'] === '/api/v5/orders/create'))[0];
parse_str($orderCreate['body'], $form);
echo "\nThe order create as the CRM received it (form fields, the order as JSON):\n";
echo "site=", $form['site'], "\norder=", json_encode(json_decode($form['order']), JSON_PRETTY_PRINT | JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES), "\n";

step("The extension's API log ($logFile), first lines shortened; the key never appears");
foreach (array_slice(file($logFile, FILE_IGNORE_NEW_LINES), 0, 4) as $line) {
    preg_match('/^.{0,160}/us', $line, $head);
    echo $head[0], strlen($head[0]) < strlen($line) ? '…' : '', "\n";
}
