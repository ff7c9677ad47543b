<?php
// The custom snippets README shows (examples/snippets/*.php, each README's copy checked by
// tests/php_forms.rs) run as MODX runs a snippet, on a site whose modretailcrm_* settings name
// the CRM sandbox: an order found by its site number, products found by name with their
// stock, a call-back task created — each answer checked against what the CRM holds; a CRM
// that refuses is logged and the page gets the snippet's fallback, not an exception.

declare(strict_types=1);

require __DIR__ . '/lib.php';
require __DIR__ . '/modx/formit.php';

$examples = dirname(__DIR__, 2) . '/examples/snippets';
$config = ['modretailcrm_url' => env('CRM_URL'), 'modretailcrm_apiKey' => env('CRM_KEY'),
    'modretailcrm_siteCode' => 'shop', 'site_name' => 'Tom & Jerry'];

/** Runs examples/snippets/$name.php with $properties on a page of a site with $config; its output and its MODX log. */
function run_example(string $name, array $properties, array $config): array
{
    $modx = new FormModX($config);
    $output = $modx->runSnippet(dirname(__DIR__, 2) . "/examples/snippets/$name.php", $properties);
    return [$output, $modx->logged(modX::LOG_LEVEL_ERROR)];
}

// A MODX site has its log folder, where the client logs failures by default.
mkdir(MODX_CORE_PATH . 'cache/logs', 0700, true);
register_shutdown_function(fn() => exec('rm -rf ' . escapeshellarg(MODX_CORE_PATH)));
control('POST', 'reset');
$crm = sandbox_client();

// Search an order.
$crm->customersCreate(['externalId' => '17', 'firstName' => 'Иван']);
$crm->ordersCreate(order_payload('2611-1', '17'));
same(['Order 2611/1: new', []], run_example('crmOrderStatus', ['number' => '2611/1'], $config), 'found by its number');
control('POST', 'orders/2611-1/status', ['status' => 'complete']);
same(['Order 2611/1: complete', []], run_example('crmOrderStatus', ['number' => '2611/1'], $config), 'the status the CRM has now');
same(['Order 2611/2: not in the CRM yet', []], run_example('crmOrderStatus', ['number' => '2611/2'], $config));

// Find a product.
control('POST', 'offers', ['offers' => [['externalId' => '3', 'name' => 'Test T-Shirt <XL>'],
    ['externalId' => '4', 'name' => 'Blue T-Shirt'], ['externalId' => '5', 'name' => 'Test Cap']]]);
$crm->storeInventoriesUpload([['externalId' => '3', 'stores' => [['code' => 'main', 'available' => 7]]]]);
same(["Test T-Shirt &lt;XL&gt;: 7 in stock\nBlue T-Shirt: 0 in stock", []],
    run_example('crmFindProduct', ['name' => 'T-Shirt'], $config), 'the products with the name, escaped for the page');
same(['', []], run_example('crmFindProduct', ['name' => 'Hat'], $config), 'none found');

// Create a task.
[$output, $logged] = run_example('crmCallbackTask', ['phone' => '+7 900 123-45-67', 'manager' => '7'], $config);
same([], $logged);
$tasks = crm_state()['tasks'];
same(1, count($tasks), 'one task');
same("Thank you: we will call you back (request {$tasks[0]['id']}).", $output);
same(['Call back +7 900 123-45-67', 7], [$tasks[0]['text'], $tasks[0]['performerId']]);
check(str_starts_with($tasks[0]['commentary'], 'Asked on Tom & Jerry at '), $tasks[0]['commentary']);

// A CRM that refuses: logged, the page gets the fallback.
[$output, $logged] = run_example('crmCallbackTask', ['phone' => '1'], ['modretailcrm_apiKey' => 'wrong-key'] + $config);
same('Sorry, we could not take your request: please call us.', $output);
same(1, count($logged), 'one error logged');
check(str_starts_with($logged[0], '[crmCallbackTask] ') && !str_contains($logged[0], 'wrong-key'), "logged: $logged[0]");
same(1, count(crm_state()['tasks']), 'no task created');

done();
