<?php
// The modRetailCrmForm FormIt hook (php-plugin/elements/snippets/modRetailCrmForm.php and
// php-plugin/lib/Form.php) on a page of the MODX-shaped harness, run by FormIt's hook runner
// (tests/php/modx/formit.php), with the real extension and the CRM sandbox:
// - a valid one-click order is queued (nothing sent in queue mode), then delivered as one
//   orders/create, byte for byte what PHP would send, its externalId the submission's key;
// - the same submission again within the minute is queued once and sent once; in the next
//   minute it is a new order;
// - no phone and no e-mail, an unknown product, an over-long or malformed value: readable
//   errors on their fields (English and Russian lexicons), nothing queued, nothing sent; a
//   typo in the properties: the form's general error and a log line naming the property;
// - the CRM down: the lead waits in the outbox and is delivered when the CRM is back;
// - a customer and a task, byte for byte;
// - in deferred mode the hook registers the delivery after the response: the last order is
//   delivered when this script ends (the Rust test checks the sandbox for the printed key; its
//   outbox is in the printed folder, which outlives the script's own temporary folder).

declare(strict_types=1);

require __DIR__ . '/lib.php';
require __DIR__ . '/modx/formit.php';

/** 2026-12-06 10:34:20 UTC. */
const T = 1796553260;
const FLAGS = JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES;

$dir = temp_dir();
$config = settings($dir, ['modretailcrm_lib_path' => dirname(__DIR__, 2) . '/php-plugin/lib']);
$shop = new ModRetailCrm\Integration($config);

/** A page with a form, on a site with $config (and $extra settings), in $language. */
function page(array $config, string $language = 'en'): FormModX
{
    $modx = new FormModX($config, null, $language);
    $modx->resource = new xPDOObjectStub('modResource', ['id' => 12, 'pagetitle' => 'Buy in one click']);
    return $modx;
}

/**
 * The submission's key as README documents it: `form-{form}-{minute, UTC}-` and 16 hex digits
 * of the SHA-256 of the form, the target, the minute and the values read (name, phone,
 * e-mail, comment, product, quantity), each after its length as 8 big-endian bytes.
 */
function form_key(string $form, string $target, int $time, array $values): string
{
    $minute = gmdate('YmdHi', intdiv($time, 60) * 60);
    $data = '';
    foreach ([$form, $target, $minute, ...$values] as $part) {
        $data .= pack('J', strlen((string) $part)) . $part;
    }
    return "form-$form-$minute-" . substr(hash('sha256', $data), 0, 16);
}

/** The API requests the sandbox received since the last call, as [path, body]. */
function received(): array
{
    $requests = control('GET', 'requests')['requests'];
    control('DELETE', 'requests');
    return array_map(fn(array $r) => [$r['path'], $r['body']], $requests);
}

/** Records in the outbox by state. */
function records(ModRetailCrm\Integration $shop): array
{
    $status = $shop->status();
    return ['pending' => $status['pending'], 'delivered' => $status['delivered'], 'dead' => $status['dead']];
}

control('POST', 'reset');
control('DELETE', 'requests');

// --- a valid one-click order ------------------------------------------------------------------
$properties = ['formName' => 'buy', 'crmOrderMethod' => 'one-click', 'crmQuantity' => 'count',
    'emailTo' => 'shop@example.com', 'validate' => 'name:required'];
$fields = ['name' => 'Иванов Иван Иванович', 'phone' => '+7 (900) 123-45-67', 'email' => 'ivan@example.com',
    'comment' => "Позвоните после 18:00 & \"до 21\"\r\nдомофон 12", 'product' => '3', 'count' => '2', 'nospam' => ''];
$_SERVER['REQUEST_TIME'] = T;
$modx = page($config);
[$passed, $errors] = submit_form($modx, $properties, $fields);
same([true, []], [$passed, $errors], 'a valid form passes the hook');
same([], $modx->logged(modX::LOG_LEVEL_WARN), 'nothing logged');
same(['pending' => 1, 'delivered' => 0, 'dead' => 0], records($shop), 'queued');
same([], received(), 'nothing sent in queue mode before a flush');

flush_until_empty($shop);
$comment = "Позвоните после 18:00 & \"до 21\"\nдомофон 12";
$key = form_key('buy', 'order', T, ['Иванов Иван Иванович', '+7 (900) 123-45-67', 'ivan@example.com', $comment, '3', '2']);
$order = ['externalId' => $key, 'orderMethod' => 'one-click', 'firstName' => 'Иван', 'lastName' => 'Иванов',
    'patronymic' => 'Иванович', 'email' => 'ivan@example.com', 'phone' => '+7 (900) 123-45-67', 'customerComment' => $comment,
    'items' => [['offer' => ['externalId' => '3'], 'productName' => 'Test T-Shirt', 'initialPrice' => 1250.5, 'quantity' => 2]]];
same([['/api/v5/orders/create', http_build_query(['order' => json_encode($order, FLAGS), 'site' => 'shop'])]], received(),
    'one orders/create, byte for byte');
$crmOrders = array_values(array_filter(crm_state()['orders'], fn(array $o) => $o['externalId'] === $key));
same(1, count($crmOrders), 'the CRM has the order');
same('one-click', $crmOrders[0]['orderMethod']);
same(2501.0, (float) $crmOrders[0]['totalSumm'], 'the CRM total: 2 × 1250.50');

// --- the same submission again within the minute: one order ----------------------------------
$_SERVER['REQUEST_TIME'] = T + 39;
[$passed, $errors] = submit_form(page($config), $properties, ['nospam' => 'changed'] + $fields);
same([true, []], [$passed, $errors], 'the repeated submission passes');
same(['pending' => 0, 'delivered' => 1, 'dead' => 0], records($shop), 'nothing queued again');
flush_until_empty($shop);
same([], received(), 'nothing sent again');
$_SERVER['REQUEST_TIME'] = T + 40;
submit_form(page($config), $properties, $fields);
flush_until_empty($shop);
$next = form_key('buy', 'order', T + 40, ['Иванов Иван Иванович', '+7 (900) 123-45-67', 'ivan@example.com', $comment, '3', '2']);
same([['/api/v5/orders/create', http_build_query(['order' => json_encode(['externalId' => $next] + $order, FLAGS), 'site' => 'shop'])]],
    received(), 'the next minute: a new order');

// --- bad input: readable errors on the fields, nothing queued ------------------------------------
$before = records($shop);
$bad = [
    'no phone, no e-mail' => ['en', ['name' => 'Ann', 'phone' => '  ', 'email' => ''],
        ['phone' => 'Enter a phone number or an e-mail address.', 'email' => 'Enter a phone number or an e-mail address.']],
    'unknown product' => ['en', ['phone' => '+7 900 1234567', 'product' => '99'], ['product' => 'This product is not available.']],
    'not a product id' => ['en', ['phone' => '+7 900 1234567', 'product' => '3; DROP TABLE'], ['product' => 'This product is not available.']],
    'over-long name, malformed e-mail, zero quantity' => ['en',
        ['name' => str_repeat('я', 256), 'phone' => '+7 900 1234567', 'email' => 'ivan@', 'product' => '3', 'count' => '0'],
        ['name' => 'At most 255 characters, please.', 'email' => 'This is not an e-mail address.',
            'count' => 'Enter a whole number from 1 to 10000.']],
    'over-long comment' => ['en', ['phone' => '+7 900 1234567', 'comment' => str_repeat('x', 5001)],
        ['comment' => 'At most 5000 characters, please.']],
    'in Russian' => ['ru', ['phone' => 'call me', 'email' => ''], ['phone' => 'Укажите номер телефона: цифры, можно с + ( ) - и пробелами.']],
];
foreach ($bad as $case => [$language, $values, $expected]) {
    $modx = page($config, $language);
    [$passed, $errors] = submit_form($modx, $properties, $values);
    // FormIt files a failing hook under its name too (its `false`, appended after a space).
    same([false, $expected + ['modRetailCrmForm' => ' ']], [$passed, $errors], $case);
    same([], $modx->logged(modX::LOG_LEVEL_WARN), "$case: the visitor's mistake is not logged");
}
$modx = page($config);
[$passed, $errors] = submit_form($modx, ['crmPhon' => 'tel'] + $properties, $fields);
same([false, ['modRetailCrmForm' => 'The form could not be sent. Please try again later or call us. ']], [$passed, $errors],
    'a typo in the properties: the general error');
$logged = $modx->logged(modX::LOG_LEVEL_ERROR);
same(1, count($logged), 'one error logged');
check(str_contains($logged[0], 'ConfigException') && str_contains($logged[0], '&crmPhon') && str_contains($logged[0], 'NOT sent'),
    "logged: $logged[0]");
same($before, records($shop), 'nothing queued for bad input');
flush_until_empty($shop);
same([], received(), 'nothing sent for bad input');

// --- the CRM down: queued, delivered later -------------------------------------------------------
control('POST', 'faults', ['mode' => 'status', 'status' => 503]);
$_SERVER['REQUEST_TIME'] = T + 120;
$down = ['name' => 'Пётр', 'phone' => '8 800 555-35-35', 'product' => '3'];
same([true, []], submit_form(page($config), $properties, $down), 'the form passes while the CRM is down');
$report = $shop->flush(2);
same(0, $report['delivered'], 'the CRM is down: nothing delivered');
check($report['retried'] >= 1, 'the CRM is down: tried, to be retried: ' . json_encode($report));
same(1, $shop->status()['pending'], 'kept in the outbox');
control('DELETE', 'faults');
control('DELETE', 'requests');
wait_out_breaker($shop);
flush_until_empty($shop);
$downKey = form_key('buy', 'order', T + 120, ['Пётр', '8 800 555-35-35', '', '', '3', '1']);
$sent = received();
same(['/api/v5/orders/create'], array_column($sent, 0), 'delivered once the CRM is back');
same(1, count(array_filter(crm_state()['orders'], fn(array $o) => $o['externalId'] === $downKey)), 'the CRM has it once');

// --- a customer and a task -------------------------------------------------------------------------
$_SERVER['REQUEST_TIME'] = T + 180;
$contact = ['name' => 'Jane Customer', 'tel' => '+1 555 0100 200', 'email' => 'jane@example.com', 'message' => "Line one\nline two"];
$customerForm = ['crmType' => 'customer', 'crmForm' => 'subscribe', 'crmPhone' => 'tel', 'crmComment' => 'message'];
same([true, []], submit_form(page($config), $customerForm, $contact), 'the customer form passes');
$taskForm = ['crmType' => 'task', 'formName' => 'callback', 'crmPhone' => 'tel', 'crmComment' => 'message', 'crmTaskPerformer' => '7'];
same([true, []], submit_form(page($config), $taskForm, $contact), 'the task form passes');
same([true, []], submit_form(page($config), $taskForm, $contact), 'the task form again');
flush_until_empty($shop);
$customerKey = form_key('subscribe', 'customer', T + 180, ['Jane Customer', '+1 555 0100 200', 'jane@example.com', "Line one\nline two", '', '1']);
$taskKey = form_key('callback', 'task', T + 180, ['Jane Customer', '+1 555 0100 200', 'jane@example.com', "Line one\nline two", '', '1']);
$customer = ['externalId' => $customerKey, 'firstName' => 'Jane Customer', 'email' => 'jane@example.com',
    'phones' => [['number' => '+1 555 0100 200']]];
$task = ['text' => 'Jane Customer, +1 555 0100 200, jane@example.com',
    'commentary' => "Jane Customer\n+1 555 0100 200\njane@example.com\nLine one\nline two", 'performerId' => 7];
same([
    ['/api/v5/customers/create', http_build_query(['customer' => json_encode($customer, FLAGS), 'site' => 'shop'])],
    ['/api/v5/tasks/create', http_build_query(['task' => json_encode($task, FLAGS)])],
], received(), 'a customer and one task, byte for byte');
check(str_starts_with($taskKey, 'form-callback-202612061037-'), $taskKey);
$tasks = crm_state()['tasks'];
same(1, count(array_filter($tasks, fn(array $t) => ($t['commentary'] ?? '') === $task['commentary'])), 'the CRM has the task once');

// --- deferred: delivered after the response ---------------------------------------------------------
$_SERVER['REQUEST_TIME'] = T + 240;
$deferredDir = sys_get_temp_dir() . '/modretailcrm-form-deferred-' . getmypid();
$deferred = page(['modretailcrm_send_mode' => 'deferred'] + settings($deferredDir, ['modretailcrm_lib_path' => $config['modretailcrm_lib_path']]));
same([true, []], submit_form($deferred, ['formName' => 'deferred'] + $properties, $fields), 'deferred: the form passes');
$deferredKey = form_key('deferred', 'order', T + 240, ['Иванов Иван Иванович', '+7 (900) 123-45-67', 'ivan@example.com', $comment, '3', '2']);
same(0, count(array_filter(crm_state()['orders'], fn(array $o) => $o['externalId'] === $deferredKey)), 'not sent during the request');
echo "DEFERRED $deferredKey $deferredDir\n";
done();
