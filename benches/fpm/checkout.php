<?php
// A checkout as the MODX plugin does it in `deferred` mode: the order change is queued, and
// delivery runs after the response (fastcgi_finish_request()) within the budget the plugin
// passes: `?budget=10` is what the plugin passed before the after-response budget setting,
// no `budget` is today's plugin (the setting, 3 s by default).
$shop = new ModRetailCrm\Integration([
    'modretailcrm_url' => getenv('CRM_URL'),
    'modretailcrm_apiKey' => 'sandbox-key',
    'modretailcrm_siteCode' => 'shop',
    'modretailcrm_queue_path' => getenv('OUTBOX'),
    'modretailcrm_log_file' => dirname(getenv('OUTBOX')) . '/api.log',
    'modretailcrm_send_mode' => 'deferred',
]);
$shop->enqueue('customer.create', ['externalId' => 'c' . bin2hex(random_bytes(6)), 'firstName' => 'Bench']);
$budget = isset($_GET['budget']) ? (float) $_GET['budget'] : null;
register_shutdown_function([$shop, 'deliverAfterResponse'], $budget);
echo "thank you for your order\n";
