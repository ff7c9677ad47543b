<?php
// The router of the built-in server (`php -S`) that tests/php_webhook.rs starts: one request of
// a MODX site with miniShop2 and the plugin, registered for OnHandleRequest and
// msOnChangeOrderStatus as the installer registers it, in `sync` mode (a status sent back to
// the CRM would reach it before the answer). The site's database lives on between requests in
// $SITE_DIR/site.json; every changeOrderStatus() call is appended to $SITE_DIR/calls.jsonl and
// every MODX log line to $SITE_DIR/modx.log. A request the plugin does not answer gets the page.
declare(strict_types=1);

require_once __DIR__ . '/modx/harness.php';

$dir = (string) getenv('SITE_DIR');
$saved = is_file("$dir/site.json") ? json_decode((string) file_get_contents("$dir/site.json"), true) : null;
$modx = new modX([
    'modretailcrm_url' => (string) getenv('CRM_URL'),
    'modretailcrm_apiKey' => (string) getenv('CRM_KEY'),
    'modretailcrm_siteCode' => 'shop',
    'modretailcrm_queue_path' => "$dir/outbox.sqlite",
    'modretailcrm_log_file' => "$dir/api.log",
    'modretailcrm_send_mode' => 'sync',
    'modretailcrm_rate_limit' => '0',
    'modretailcrm_sync_statuses' => '1,2,3,4',
    'modretailcrm_webhook_secret' => (string) getenv('WEBHOOK_SECRET'),
    'modretailcrm_lib_path' => dirname(__DIR__, 2) . '/php-plugin/lib',
], is_array($saved) ? $saved : null);
if (!is_array($saved)) {
    give_crm_codes($modx);
    // A second order, New: the captured one (2611/1) is Paid.
    $order = $modx->getObject('msOrder', 1)->toArray();
    $modx->store(new xPDOObjectStub('msOrder', ['id' => 2, 'num' => '2611/2', 'status' => 1] + $order));
}
$modx->eventPlugins = ['msOnChangeOrderStatus' => [plugin_file()]];

register_shutdown_function(static function () use ($modx, $dir): void {
    file_put_contents("$dir/site.json", json_encode($modx->rows()));
    foreach ($modx->getService('miniShop2')->calls as $call) {
        file_put_contents("$dir/calls.jsonl", json_encode($call) . "\n", FILE_APPEND);
    }
    foreach ($modx->logged() as $line) {
        file_put_contents("$dir/modx.log", $line . "\n", FILE_APPEND);
    }
});

$modx->runPlugin(plugin_file(), 'OnHandleRequest', []);
echo 'the page';
