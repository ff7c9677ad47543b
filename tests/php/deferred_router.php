<?php
// The router of the built-in server (`php -S`, SAPI cli-server) that tests/php_delivery.rs
// starts: each request is a checkout in deferred mode, as the MODX plugin handles it. It
// queues the order `?order=N` (whose customer the CRM does not have yet), registers the
// delivery after the response, and answers with the queued record.
declare(strict_types=1);

$dir = (string) getenv('OUTBOX_DIR');
$shop = new ModRetailCrm\Integration([
    'modretailcrm_url' => (string) getenv('CRM_URL'),
    'modretailcrm_apiKey' => (string) getenv('CRM_KEY'),
    'modretailcrm_siteCode' => 'shop',
    'modretailcrm_queue_path' => "$dir/outbox.sqlite",
    'modretailcrm_send_mode' => 'deferred',
    'modretailcrm_rate_limit' => '0',
    'modretailcrm_retry_delay' => '0.001',
    'modretailcrm_retry_delay_max' => '0.001',
    // Longer than the test holds the CRM's answer back: the request stays in flight.
    'modretailcrm_timeout' => '60',
    'modretailcrm_log' => '1',
    'modretailcrm_log_file' => "$dir/api.log",
]);
$number = (string) (int) ($_GET['order'] ?? '1');
$queued = $shop->enqueue('order.create', [
    'externalId' => "800-$number",
    'customer' => ['externalId' => "80$number"],
    'firstName' => 'Иван',
    'email' => "c80$number@example.com",
    'items' => [['offer' => ['externalId' => '5'], 'productName' => 'Чайник', 'initialPrice' => 1000, 'quantity' => 1]],
]);
register_shutdown_function([$shop, 'deliverAfterResponse'], 60);
header('Content-Type: application/json');
echo json_encode(['sapi' => php_sapi_name(), 'state' => $queued['state']]);
