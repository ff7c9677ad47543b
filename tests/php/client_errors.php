<?php
// Every failure is a ModRetailCrm\Exception subclass that says what happened: CRM validation
// errors with status, errorMsg and errors readable from PHP; wrong key; partial uploads; the
// CRM unreachable, resetting, too slow, answering HTML pages or 5xx.
require __DIR__ . '/lib.php';

use ModRetailCrm\{ApiException, ConfigException, RateLimitException, TransportException};

$crm = sandbox_client(['retry_delay' => 0.01]);
$crm->customersCreate(['externalId' => '5', 'firstName' => 'Олег']);
$crm->ordersCreate(['externalId' => 'dup-1', 'customer' => ['externalId' => '5']]);

// Duplicate externalId: a 400 with the CRM's message and per-field errors.
$e = throws(ApiException::class, fn () => $crm->ordersCreate(['externalId' => 'dup-1', 'customer' => ['externalId' => '5']]));
same(400, $e->getCode());
same(400, $e->statusCode);
same('permanent', $e->errorClass);
check($e->errorMsg !== '', 'errorMsg is kept');
check(is_array($e->errors) && $e->errors !== [], 'errors are kept: ' . json_encode($e->errors));
check(str_contains(json_encode($e->errors, JSON_UNESCAPED_UNICODE), 'already exists'), 'the duplicate is named');
check(is_array($e->response) && $e->response['success'] === false, 'the whole answer is kept');
check(str_contains($e->getMessage(), '400'), 'the message has the status');
same(__FILE__, $e->getFile(), 'the exception points at the PHP call');

// Unknown customer, unknown site, missing entity, not found.
throws(ApiException::class, fn () => $crm->ordersCreate(['externalId' => 'x-1', 'customer' => ['externalId' => 'nobody']]));
throws(ApiException::class, fn () => $crm->ordersCreate(['externalId' => 'x-2'], 'no-such-site'));
$e = throws(ApiException::class, fn () => $crm->ordersGet('does-not-exist'));
same(404, $e->statusCode);
same('permanent', $e->errorClass);

// Wrong API key: 403, and the key appears nowhere in the message.
$wrong = sandbox_client([], 'wrong-key-123');
$e = throws(ApiException::class, fn () => $wrong->ordersGet('dup-1'));
same(403, $e->statusCode);
check(!str_contains($e->getMessage() . json_encode($e->response), 'wrong-key-123'), 'the key is not in the error');

// A partial upload (460): what was uploaded and what failed are both readable.
$e = throws(ApiException::class, fn () => $crm->ordersUpload([
    ['externalId' => 'up-1', 'customer' => ['externalId' => '5']],
    ['externalId' => 'up-2', 'customer' => ['externalId' => 'nobody']],
]));
same(460, $e->statusCode);
same('partial', $e->errorClass);
same(1, count($e->response['uploadedOrders']), 'one order uploaded');
check(count($e->response['failedOrders']) === 1, 'one order failed');
same('up-1', $crm->ordersGet('up-1')['order']['externalId']);

// More than 50 in one upload is refused before anything is sent.
throws(\ModRetailCrm\ValidationException::class, fn () => $crm->customersUpload(array_fill(0, 51, ['firstName' => 'x'])), 'at most 50');

// The CRM host answers 405 with an HTML page (no account there).
control('POST', 'faults', ['mode' => 'html405', 'count' => 1]);
$e = throws(ApiException::class, fn () => $crm->ordersGet('dup-1'));
same(405, $e->statusCode);
same('account_missing', $e->errorClass);
same(null, $e->response, 'an HTML answer is not parsed as JSON');

// 500 with an HTML page, 502 with an empty body: transient API errors.
control('POST', 'faults', ['mode' => 'status', 'status' => 500, 'count' => 1]);
$e = throws(ApiException::class, fn () => $crm->ordersGet('dup-1'), 'not JSON');
same('transient', $e->errorClass);
control('POST', 'faults', ['mode' => 'status', 'status' => 502, 'count' => 1, 'empty_body' => true]);
$e = throws(ApiException::class, fn () => $crm->ordersGet('dup-1'), 'empty body');
same(502, $e->statusCode);

// 503 twice, then an answer: the client backs off and retries by itself.
control('DELETE', 'requests');
control('POST', 'faults', ['mode' => 'status', 'status' => 503, 'count' => 2]);
same('dup-1', $crm->ordersGet('dup-1')['order']['externalId']);
same(3, count(control('GET', 'requests')['requests']), 'two refusals and the answer');

// 503 (or 429) until the retries run out: a RateLimitException with the status as code.
control('POST', 'faults', ['mode' => 'status', 'status' => 429, 'count' => 10]);
$e = throws(RateLimitException::class, fn () => $crm->ordersGet('dup-1'));
same(429, $e->getCode());
control('DELETE', 'faults');

// Connection reset, a CRM that never answers (timeout), a slow CRM, a closed port.
control('POST', 'faults', ['mode' => 'reset', 'count' => 1]);
throws(TransportException::class, fn () => $crm->ordersGet('dup-1'));
$quick = sandbox_client(['timeout' => 0.3]);
control('POST', 'faults', ['mode' => 'blackhole', 'count' => 1]);
throws(TransportException::class, fn () => $quick->ordersGet('dup-1'), 'Timeout');
control('DELETE', 'faults');
control('POST', 'faults', ['mode' => 'delay', 'delay_ms' => 1000, 'count' => 1]);
throws(TransportException::class, fn () => $quick->ordersGet('dup-1'), 'Timeout');
control('DELETE', 'faults');
$closed = new ModRetailCrm\Client('http://127.0.0.1:9', 'k', 'shop');
throws(TransportException::class, fn () => $closed->apiVersions(), 'Connect');

// After all that the client still works.
same('dup-1', $crm->ordersGet('dup-1')['order']['externalId']);

done();
