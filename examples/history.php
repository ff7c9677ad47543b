<?php
// CRM → site through the history: a manager changes the order's status in the CRM; the shop's
// work after a response (or cron's `run`) pulls orders/history and applies the change through
// miniShop2's changeOrderStatus() (php-plugin/lib/CrmStatus.php), once, without sending it
// back. Run it with `make demo`, after examples/shop.php put order 2611-1 into the CRM.

declare(strict_types=1);

require_once __DIR__ . '/queue.php';

require dirname(__DIR__) . '/tests/php/modx/harness.php';
require dirname(__DIR__) . '/php-plugin/lib/CrmStatus.php';

use ModRetailCrm\Plugin\CrmStatus;

$settings = demo_queue('history_') + [
    'modretailcrm_url' => getenv('CRM_URL'),
    'modretailcrm_apiKey' => getenv('CRM_KEY'),
    'modretailcrm_siteCode' => 'shop',
    'modretailcrm_queue_path' => getenv('DEMO_DIR') . '/history-outbox.sqlite',
    'modretailcrm_log_file' => getenv('DEMO_DIR') . '/history-api.log',
    'modretailcrm_send_mode' => 'deferred',
    'modretailcrm_sync_statuses' => '1,2,3,4',
];
$modx = new modX($settings);
give_crm_codes($modx);
// The plugin runs on miniShop2's status change, as the installer registers it.
$modx->eventPlugins = ['msOnChangeOrderStatus' => [plugin_file()]];
$shop = new ModRetailCrm\Integration($settings);
$statusName = fn(int $id) => (string) $modx->getObject('msOrderStatus', $id)?->get('name');

echo "\n== CRM → site: a status set in RetailCRM reaches the order through orders/history\n";
$shop->pullChanges(CrmStatus::codes($modx));
printf("history sync started at the CRM's latest entry %d\n", $shop->status()['history']['cursor']);
printf("site order 2611/1: %s\n", $statusName($modx->orderStatus(1)));

file_get_contents(getenv('CRM_URL') . '/__control/orders/2611-1/status', false, stream_context_create(['http' => [
    'method' => 'POST', 'header' => 'Content-Type: application/json', 'content' => '{"status":"cancel-other"}']]));
echo "a manager cancels order 2611-1 in the CRM (status \"cancel-other\")\n";

$counts = CrmStatus::sync($modx, $shop);
printf("pulled and applied %d change(s) with miniShop2's changeOrderStatus(): %s\n", $counts['applied'],
    json_encode($modx->miniShop2?->calls ?? []));
printf("site order 2611/1: %s; queued back for the CRM: %d\n", $statusName($modx->orderStatus(1)), $shop->status()['pending']);
$again = CrmStatus::sync($modx, $shop);
$history = $shop->status()['history'];
printf("pulled again: %d applied (exactly once); cursor %d, lag %d, set aside %d\n", $again['applied'],
    $history['cursor'], $history['lag'], $history['set_aside_count']);
