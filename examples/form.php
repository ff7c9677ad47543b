<?php
// A form on the shop's product page, "Buy in one click", sent through FormIt with the
// modRetailCrmForm hook (the project's MODX-shaped harness runs the hook as FormIt does:
// tests/php/modx/formit.php): a mistake is shown on its field and nothing is sent; the valid
// form becomes a CRM order, once even when the visitor clicks twice. Run by `make demo`
// (CRM_URL, CRM_KEY and DEMO_DIR set).

declare(strict_types=1);

require dirname(__DIR__) . '/tests/php/modx/formit.php';

$settings = [
    'modretailcrm_url' => getenv('CRM_URL'),
    'modretailcrm_apiKey' => getenv('CRM_KEY'),
    'modretailcrm_siteCode' => 'shop',
    'modretailcrm_queue_path' => getenv('DEMO_DIR') . '/form-outbox.sqlite',
    'modretailcrm_log_file' => getenv('DEMO_DIR') . '/form-api.log',
    'modretailcrm_send_mode' => 'queue',
    'modretailcrm_lib_path' => dirname(__DIR__) . '/php-plugin/lib',
];
$call = ['formName' => 'buy-in-one-click', 'crmOrderMethod' => 'one-click', 'crmQuantity' => 'count'];
$page = function () use ($settings): FormModX {
    $modx = new FormModX($settings);
    $modx->resource = new xPDOObjectStub('modResource', ['id' => 3, 'pagetitle' => 'Test T-Shirt']);
    return $modx;
};

echo "\n== [[!FormIt? &hooks=`modRetailCrmForm` &formName=`buy-in-one-click` &crmOrderMethod=`one-click` &crmQuantity=`count`]]\n";
[$passed, $errors] = submit_form($page(), $call, ['name' => 'Анна', 'phone' => '', 'email' => '', 'product' => '3', 'count' => '0']);
printf("a visitor leaves the phone and the e-mail empty and asks for 0: %s\n", $passed ? 'sent' : 'not sent');
foreach (array_filter($errors, 'trim') as $field => $error) {
    printf("  [[!+fi.error.%s]] %s\n", $field, $error);
}
$fields = ['name' => 'Анна Петрова', 'phone' => '+7 (900) 123-45-67', 'email' => 'anna@example.com',
    'comment' => 'Size M, please', 'product' => '3', 'count' => '2'];
[$passed] = submit_form($page(), $call, $fields);
[$again] = submit_form($page(), $call, $fields);
$shop = new ModRetailCrm\Integration($settings);
printf("fixed and sent: %s; sent again by a double click: %s; the outbox holds %d change\n",
    $passed ? 'passes' : 'fails', $again ? 'passes' : 'fails', $shop->status()['pending']);

$report = $shop->flush(30);
printf("delivered %d\n", $report['delivered']);
echo "\n== What the CRM received\n";
foreach (json_decode((string) file_get_contents(getenv('CRM_URL') . '/__control/requests'), true)['requests'] as $request) {
    if ($request['path'] === '/api/v5/orders/create') {
        echo "POST {$request['path']}\n  " . urldecode($request['body']) . "\n";
    }
}
$crm = new ModRetailCrm\Client(getenv('CRM_URL'), getenv('CRM_KEY'), 'shop');
foreach ($crm->ordersList(['sites' => ['shop']], 1, 20)['orders'] as $order) {
    printf("order %s (number %s, %s): %s, %s, %s\n", $order['externalId'], $order['number'], $order['orderMethod'],
        trim($order['firstName'] . ' ' . ($order['lastName'] ?? '')), $order['phone'], $order['customerComment'] ?? '');
    foreach ($order['items'] as $item) {
        printf("  %d × %8.2f  %s (offer %s)\n", $item['quantity'], $item['initialPrice'], $item['productName'],
            $item['offer']['externalId'] ?? '-');
    }
    printf("  CRM total %.2f\n", $order['totalSumm']);
}
