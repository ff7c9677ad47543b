<?php
// The checkout must complete whatever state the integration is in: no settings at all, partly
// filled settings, or a CRM that cannot be reached. No exception escapes the plugin, and the log
// says what happened (once, not on every event).
require __DIR__ . '/lib.php';
// The site's core folder: where the note that the integration is inactive is kept, shared by
// every PHP process of the site (a child process of this test is given the same folder).
define('MODX_CORE_PATH', getenv('TEST_CORE_PATH') ?: temp_dir() . '/core/');
require __DIR__ . '/modx/harness.php';

const CHECKOUT = ['OnUserSave', 'msOnCreateOrder', 'msOnChangeOrderStatus'];

/** The first checkout (register, order, status New) as one request, then Paid as a second. */
function checkout(modX $modx): void
{
    foreach (captured_events(CHECKOUT) as $event) {
        $order = $event['params']['msOrder']['value']['data'] ?? $event['params']['order']['value']['data'] ?? null;
        if ($order !== null && $order['id'] !== 1) {
            continue;
        }
        if ($event['event'] === 'msOnChangeOrderStatus' && $event['params']['status']['value'] === 2) {
            $modx->newRequest();
        }
        same(null, $modx->replay(plugin_file(), $event), 'the plugin returns normally');
    }
}

/** The MODX log of the checkout run by another PHP process of the same site with $config. */
function checkout_in_another_process(array $config): array
{
    $command = [PHP_BINARY, '-n', '-d', 'extension=' . env('MODRETAILCRM_SO'), __FILE__, 'child'];
    $process = proc_open($command, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, null,
        ['TEST_CORE_PATH' => MODX_CORE_PATH, 'TEST_CONFIG' => json_encode($config)] + getenv());
    $out = stream_get_contents($pipes[1]);
    $err = stream_get_contents($pipes[2]);
    same(0, proc_close($process), "the other process ran: $out $err");
    return json_decode($out, true, 512, JSON_THROW_ON_ERROR);
}

if (($argv[1] ?? '') === 'child') {
    $modx = new modX(json_decode(getenv('TEST_CONFIG'), true));
    checkout($modx);
    echo json_encode($modx->logged());
    exit(0);
}

// 1. Not configured at all: nothing sent, and MODX's error log (which by default shows errors
// only) says so once — not on every request, nor in every PHP worker.
$empty = ['modretailcrm_url' => '', 'modretailcrm_apiKey' => '', 'modretailcrm_siteCode' => ''];
$modx = new modX($empty);
checkout($modx);
same(1, count($modx->logged(modX::LOG_LEVEL_ERROR)), 'one error line for two requests: ' . json_encode($modx->logged()));
same($modx->logged(), $modx->logged(modX::LOG_LEVEL_ERROR), 'and nothing else');
check(str_contains($modx->logged()[0], 'modretailcrm_url, modretailcrm_apiKey and modretailcrm_siteCode are empty'),
    $modx->logged()[0]);
same([], checkout_in_another_process($empty), 'another worker of the site does not say it again');
same([], control('GET', 'requests')['requests'], 'nothing sent');

// 2. Partly configured, every web event of the capture in one request: one clear error naming what is missing, nothing sent.
$modx = new modX(['modretailcrm_url' => env('CRM_URL'), 'modretailcrm_apiKey' => '', 'modretailcrm_siteCode' => 'shop',
    'modretailcrm_queue_path' => temp_dir() . '/outbox.sqlite']);
foreach (captured_events(CHECKOUT) as $event) {
    if ($event['context'] === 'web') {
        same(null, $modx->replay(plugin_file(), $event), 'the plugin returns normally');
    }
}
$errors = $modx->logged(modX::LOG_LEVEL_ERROR);
same(1, count($errors), 'a new reason, one error line: ' . json_encode($modx->logged()));
check(str_contains($errors[0], 'modretailcrm_apiKey'), 'the error names the missing setting: ' . $errors[0]);
same([], checkout_in_another_process($modx->config), 'said once for the whole site');
same([], control('GET', 'requests')['requests'], 'nothing sent');

// 3. The CRM is down (connection refused), sync mode: the checkout completes, the changes stay
// in the outbox, the MODX log says so.
$dir = temp_dir();
$down = settings($dir, ['modretailcrm_url' => 'http://127.0.0.1:9', 'modretailcrm_send_mode' => 'sync',
    'modretailcrm_sync_budget' => '0.5', 'modretailcrm_sync_statuses' => '2,3']);
$modx = new modX($down);
give_crm_codes($modx);
$started = microtime(true);
checkout($modx);
check(microtime(true) - $started < 10, 'the checkout was not held long');
$errors = $modx->logged(modX::LOG_LEVEL_ERROR);
check(count($errors) >= 1, 'the failure is logged: ' . json_encode($modx->logged()));
check(str_contains(implode("\n", $errors), 'kept in the outbox'), 'the log says the change is kept: ' . json_encode($errors));
$status = (new ModRetailCrm\Integration($down))->status();
check($status['pending'] > 0, 'the order stays queued: ' . json_encode($status));

// ... and once the CRM is back, the queued changes arrive.
$up = new ModRetailCrm\Integration(['modretailcrm_url' => env('CRM_URL')] + $down);
flush_until_empty($up);
$orders = array_column(crm_state()['orders'], null, 'externalId');
check(isset($orders['2611-1']), 'the order arrived after the outage: ' . json_encode(array_keys($orders)));
same('prepayed', $orders['2611-1']['status']);

// 4. The outbox file is corrupt: the checkout completes, one clear error names the file, the
// file is left as it was, nothing is sent.
control('DELETE', 'requests');
$broken = temp_dir() . '/outbox.sqlite';
file_put_contents($broken, str_repeat('not a database ', 200));
$before = md5_file($broken);
$modx = new modX(settings(dirname($broken), ['modretailcrm_queue_path' => $broken]));
give_crm_codes($modx);
checkout($modx);
$errors = $modx->logged(modX::LOG_LEVEL_ERROR);
check($errors !== [] && str_contains($errors[0], $broken), 'the error names the outbox file: ' . json_encode($modx->logged()));
same($before, md5_file($broken), 'the corrupt file was not touched');
same([], control('GET', 'requests')['requests'], 'nothing sent');
done();
