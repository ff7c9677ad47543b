<?php
// The client-side limit keeps a burst within RetailCRM's 10 requests/s, so the sandbox (which
// enforces that limit like the real service) never has to refuse one; clients that share a key
// in one process share the limit.
require __DIR__ . '/lib.php';

control('POST', 'rate-limit', ['per_second' => 10]);
control('DELETE', 'requests');
$a = new \ModRetailCrm\Client(env('CRM_URL'), env('CRM_KEY'), 'shop', ['retry_delay' => 0.01, 'max_retries' => 0]);
$b = new \ModRetailCrm\Client(env('CRM_URL'), env('CRM_KEY'), 'shop', ['retry_delay' => 0.01, 'max_retries' => 0]);
for ($i = 0; $i < 15; $i++) {
    $a->apiVersions();
    $b->apiVersions();
}
$statuses = array_count_values(array_map('strval', array_column(control('GET', 'requests')['requests'], 'status')));
same(['200' => 30], $statuses, 'thirty answers, no 503');

// Without the client-side limit the sandbox refuses the excess with 503, and the client, told
// not to retry, reports it.
$unlimited = sandbox_client(['max_retries' => 0]);
$refused = 0;
for ($i = 0; $i < 30; $i++) {
    try {
        $unlimited->apiVersions();
    } catch (\ModRetailCrm\RateLimitException $e) {
        same(503, $e->getCode());
        $refused++;
    }
}
check($refused > 0, 'the sandbox enforces its limit');
done();
