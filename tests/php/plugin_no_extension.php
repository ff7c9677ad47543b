<?php
// Run with `php -n` and no modretailcrm extension: the plugin logs one clear error per request
// and returns; the checkout goes on.
require __DIR__ . '/lib.php';
require __DIR__ . '/modx/harness.php';

check(!extension_loaded('modretailcrm'), 'this test runs without the extension');
$modx = new modX(['modretailcrm_url' => 'http://127.0.0.1:9', 'modretailcrm_apiKey' => 'k', 'modretailcrm_siteCode' => 'shop']);
foreach (captured_events(['OnUserSave', 'msOnCreateOrder', 'msOnChangeOrderStatus']) as $event) {
    if ($event['context'] === 'web') {
        same(null, $modx->replay(plugin_file(), $event), 'the plugin returns normally');
    }
}
$errors = $modx->logged(modX::LOG_LEVEL_ERROR);
same(1, count($modx->logged()), 'one line: ' . json_encode($modx->logged()));
check(str_contains($errors[0] ?? '', 'extension "modretailcrm" is not loaded'), 'a clear message: ' . ($errors[0] ?? ''));
done();
