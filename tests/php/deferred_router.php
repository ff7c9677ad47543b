<?php
// The router of the built-in server (`php -S`, SAPI cli-server) that tests/php_delivery.rs
// starts. `?order=N` is a checkout in deferred mode, as the MODX plugin handles it: it queues
// the order (whose customer the CRM does not have yet), registers the delivery after the
// response, and answers with the queued record's state. `?customer=N` sends a customer in
// sync mode and answers with the state it reached.
declare(strict_types=1);

$dir = (string) getenv('OUTBOX_DIR');
$shop = new ModRetailCrm\Integration([
    'modretailcrm_url' => (string) getenv('CRM_URL'),
    'modretailcrm_apiKey' => (string) getenv('CRM_KEY'),
    'modretailcrm_siteCode' => 'shop',
    'modretailcrm_queue_path' => "$dir/outbox.sqlite",
    'modretailcrm_send_mode' => isset($_GET['customer']) ? 'sync' : 'deferred',
    'modretailcrm_sync_budget' => '30',
    'modretailcrm_rate_limit' => '0',
    // Under a millisecond: a failed record is due again at once, so the delivery under
    // way (not a later one) sends it again.
    'modretailcrm_retry_delay' => '0.0001',
    'modretailcrm_retry_delay_max' => '0.0001',
    // Longer than the test holds the CRM's answer back: the request stays in flight.
    'modretailcrm_timeout' => '60',
    'modretailcrm_log' => '1',
    'modretailcrm_log_file' => "$dir/api.log",
]);
header('Content-Type: application/json');
if (isset($_GET['customer'])) {
    $sent = $shop->enqueue('customer.create', ['externalId' => 'c' . (int) $_GET['customer'], 'firstName' => 'Пётр']);
    echo json_encode(['sapi' => php_sapi_name(), 'state' => $sent['state']]);
    return;
}
$number = (string) (int) ($_GET['order'] ?? '1');
$queued = $shop->enqueue('order.create', [
    'externalId' => "800-$number",
    'customer' => ['externalId' => "80$number"],
    'firstName' => 'Иван',
    'email' => "c80$number@example.com",
    'items' => [['offer' => ['externalId' => '5'], 'productName' => 'Чайник', 'initialPrice' => 1000, 'quantity' => 1]],
]);
register_shutdown_function([$shop, 'deliverAfterResponse'], 60);
echo json_encode(['sapi' => php_sapi_name(), 'state' => $queued['state']]);
