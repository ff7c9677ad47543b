<?php
// The router of the built-in server (`php -S`, SAPI cli-server) that tests/php_delivery.rs
// starts for a shop without cron: every request is an ordinary page of the MODX harness
// (miniShop2's service included) whose plugin runs OnMODXInit, as MODX runs it on every
// request; the plugin registers its work after the response. After the page come the status
// changes miniShop2 was asked for meanwhile.
declare(strict_types=1);

define('MODX_CORE_PATH', __DIR__ . '/modx/site/core/');
require __DIR__ . '/lib.php';
require __DIR__ . '/modx/harness.php';

$modx = new modX(settings((string) getenv('OUTBOX_DIR'), [
    'modretailcrm_lib_path' => dirname(__DIR__, 2) . '/php-plugin/lib',
    'modretailcrm_sync_statuses' => '1,2,3,4',
    'core_path' => MODX_CORE_PATH,
]));
give_crm_codes($modx);
// The plugin runs on miniShop2's status change, as the installer registers it.
$modx->eventPlugins = ['msOnChangeOrderStatus' => [plugin_file()]];
$modx->runPlugin(plugin_file(), 'OnMODXInit', ['contextKey' => 'web', 'options' => null]);
register_shutdown_function(static function () use ($modx): void {
    // After the plugin's work (registered first): what miniShop2 was asked, to the client (the
    // built-in server answers until the shutdown functions are done), what went wrong, to the
    // server log.
    echo 'miniShop2: ', json_encode($modx->miniShop2?->calls ?? []), "\n";
    foreach ($modx->logged(modX::LOG_LEVEL_ERROR) as $line) {
        error_log($line);
    }
});
header('Content-Type: text/plain');
echo "a page\n";
