<?php
// The shop scenario through the real MODX plugin: a MODX 2.8 + miniShop2 site (the project's
// MODX-shaped harness, fed from a capture of a real site) with the plugin installed fires its
// events — users saved in the manager, a customer registering at checkout, an order with a
// msOptionsPrice2 modification and a msPromoCode code, the order paid, then shipped — and we
// show what the CRM received. Run it with `make demo` (it starts the sandbox and sets CRM_URL,
// CRM_KEY and DEMO_DIR).

declare(strict_types=1);

require_once __DIR__ . '/queue.php';

require dirname(__DIR__) . '/tests/php/modx/scenario.php';

$settings = demo_queue('shop_') + [
    'modretailcrm_url' => getenv('CRM_URL'),
    'modretailcrm_apiKey' => getenv('CRM_KEY'),
    'modretailcrm_siteCode' => 'shop',
    'modretailcrm_queue_path' => getenv('DEMO_DIR') . '/shop-outbox.sqlite',
    'modretailcrm_log_file' => getenv('DEMO_DIR') . '/shop-api.log',
    'modretailcrm_send_mode' => 'deferred',
    'modretailcrm_sync_statuses' => '2,3',
];

echo "\n== The shop's events run through php-plugin/elements/plugins/modretailcrm.php\n";
$started = hrtime(true);
$modx = run_shop_scenario($settings);
printf("users saved, an order placed, paid and shipped: %.1f ms in the plugin in all; nothing sent yet (deferred)\n",
    (hrtime(true) - $started) / 1e6);
foreach ($modx->logs as $line) {
    echo "MODX log: {$line['message']}\n";
}

echo "\n== After the response: the shutdown function (or cron) delivers the outbox\n";
$shop = new ModRetailCrm\Integration($settings);
$report = $shop->flush(30);
printf("delivered %d, pending %d, dead %d\n", $report['delivered'] ?? 0, $shop->status()['pending'], $shop->status()['dead']);

echo "\n== What the CRM received\n";
$crm = new ModRetailCrm\Client(getenv('CRM_URL'), getenv('CRM_KEY'), 'shop');
foreach ($crm->customersList([], 1, 20)['customers'] as $customer) {
    printf("customer %s: %s %s <%s>\n", $customer['externalId'], $customer['firstName'] ?? '', $customer['lastName'] ?? '',
        $customer['email'] ?? '');
}
$order = $crm->ordersGet('2611-1')['order'];
printf("order %s (number %s) of customer %s: status %s\n", $order['externalId'], $order['number'],
    $order['customer']['externalId'] ?? '?', $order['status']);
foreach ($order['items'] as $item) {
    $properties = implode(', ', array_map(fn($p) => "{$p['name']}: {$p['value']}", $item['properties'] ?? []));
    printf("  offer %-10s %d × %8.2f  %s%s\n", $item['offer']['externalId'] ?? '-', $item['quantity'],
        $item['initialPrice'], $item['productName'], $properties === '' ? '' : " ($properties)");
}
printf("  delivery %s, %.2f: %s\n", $order['delivery']['code'] ?? '-', $order['delivery']['cost'] ?? 0,
    $order['delivery']['address']['text'] ?? '');
printf("  promo code %s, discount %.2f\n", $order['customFields']['promocode'] ?? '-', $order['discountManualAmount'] ?? 0);
foreach ($order['payments'] as $payment) {
    printf("  payment %s: %s %.2f paid at %s\n", $payment['type'], $payment['status'], $payment['amount'], $payment['paidAt'] ?? '-');
}
printf("CRM total %.2f = miniShop2 cost %.2f\n", $order['totalSumm'], scenario_order_cost());
