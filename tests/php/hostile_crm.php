<?php
// A hostile CRM (tests/common/hostile.rs, one server per scenario) cannot make the extension
// lie, leak, balloon or stall: every failure is one of its own exceptions, a redirect is not
// followed and the change stays queued, huge and endless answers are cut, a trickling one
// ends at the timeout, wrong shapes are not successes, and the CRM's texts arrive cleaned
// and bounded. Prints the process's peak RSS (VmHWM) for the Rust side to check.
require __DIR__ . '/lib.php';

use ModRetailCrm\{ApiException, Client, Integration, TransportException};

function hostile(string $url, array $options = []): Client
{
    return new Client(env($url), env('CRM_KEY'), 'shop', $options + ['rate_limit' => 0, 'max_retries' => 0, 'timeout' => 10]);
}

$order = order_payload('h-1', '7');

// A redirect: not followed, named, and the key goes nowhere else.
$e = throws(ApiException::class, fn () => hostile('REDIRECT_URL')->ordersCreate($order), 'the CRM URL is wrong');
same(302, $e->getCode());
same('account_missing', $e->errorClass);
check(str_contains($e->getMessage(), env('OTHER_URL') . '/api/v5/orders/create'), 'the Location is named: ' . $e->getMessage());

// Through the outbox: the change is not counted delivered, it waits for a fixed URL.
$dir = temp_dir();
$shop = new Integration(settings($dir, ['modretailcrm_url' => env('REDIRECT_URL'), 'modretailcrm_timeout' => '5']));
$shop->enqueue('order.create', $order);
$report = $shop->flush(2.0);
same(0, $report['delivered'], 'nothing delivered');
same(1, $shop->status()['pending'], 'the change is still pending');
check(str_contains($shop->status()['last_error']['message'], 'the CRM URL is wrong'), 'the status says why: ' . json_encode($shop->status()['last_error']));

// A 100 MB answer and an endless one: cut at the cap, no memory blow-up.
throws(TransportException::class, fn () => hostile('HUGE_URL')->apiVersions(), 'announced 104857600 bytes');
throws(TransportException::class, fn () => hostile('ENDLESS_URL')->apiVersions(), 'is larger than the 8388608 bytes accepted');
throws(TransportException::class, fn () => hostile('ENDLESS_URL', ['max_response_bytes' => 1 << 20])->apiVersions(), 'is larger than the 1048576 bytes accepted');
throws(\ModRetailCrm\ConfigException::class, fn () => hostile('ENDLESS_URL', ['max_response_bytes' => -1]), 'max_response_bytes');

// An answer trickling in one byte per 100 ms ends at the timeout.
throws(TransportException::class, fn () => hostile('TRICKLE_URL', ['timeout' => 1])->apiVersions(), 'Timeout');

// A success of the wrong shape is an error kept for retry.
$e = throws(ApiException::class, fn () => hostile('SHAPE_URL')->ordersCreate($order), '"success" is "yes" rather than true');
same('transient', $e->errorClass);

// A NUL byte in errorMsg and errors: our exception, the NUL escaped.
$e = throws(ApiException::class, fn () => hostile('NUL_URL')->ordersCreate($order), 'bad\\0thing');
same('bad\\0thing', $e->errorMsg);
same(['a\\0b' => 'c\\0d'], $e->errors);

// A 5 MiB errorMsg: message, property, kept answer and a verbose log line all bounded.
$log = "$dir/verbose.log";
$e = throws(ApiException::class, fn () => hostile('BIG_URL', ['log' => true, 'log_file' => $log])->ordersCreate($order), '… [cut 5240832 bytes]');
check(strlen($e->getMessage()) < 2200, 'a short message: ' . strlen($e->getMessage()));
check(strlen($e->errorMsg) < 2200, 'a short errorMsg: ' . strlen($e->errorMsg));
check(strlen(json_encode($e->response)) < 4096, 'a short answer kept: ' . strlen(json_encode($e->response)));
clearstatcache();
check(filesize($log) > 0 && filesize($log) < 40 * 1024, 'a short log line: ' . filesize($log));

// Through the outbox: the refused change's dead letter keeps the bounded texts.
$refused = new Integration(settings(temp_dir(), ['modretailcrm_url' => env('BIG_URL'), 'modretailcrm_timeout' => '5']));
$refused->enqueue('order.create', $order);
$refused->flush(2.0);
$dead = $refused->status()['dead_letters'];
same(1, count($dead), 'the refused change is a dead letter');
check(str_contains($dead[0]['error'], '… [cut 5240832 bytes]'), 'the stored error says what was cut');
check(strlen(json_encode($dead[0])) < 8192, 'a short dead letter: ' . strlen(json_encode($dead[0])));
check(strlen(json_encode($refused->status()['last_error'])) < 4096, 'a short last error');

preg_match('/VmHWM:\s+(\d+) kB/', file_get_contents('/proc/self/status'), $peak);
echo "VmHWM_KB {$peak[1]}\n";
done();
