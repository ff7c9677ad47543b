<?php
// Deferred mode: the checkout request only queues; the plugin registers the shutdown delivery
// (once), and the Rust side checks after this process has exited that the CRM got the changes.
require __DIR__ . '/lib.php';
require __DIR__ . '/modx/harness.php';

$modx = new modX(settings(temp_dir(), ['modretailcrm_send_mode' => 'deferred']));
give_crm_codes($modx);
foreach (captured_events(['OnUserSave', 'msOnCreateOrder']) as $event) {
    $order = $event['params']['msOrder']['value']['data'] ?? null;
    if ($event['context'] === 'web' && ($order === null || $order['id'] === 1)) {
        $modx->replay(plugin_file(), $event);
        if ($order !== null) {
            break;
        }
    }
}
same([], $modx->logged(modX::LOG_LEVEL_WARN));
same([], control('GET', 'requests')['requests'], 'nothing is sent while the request runs');
done();
