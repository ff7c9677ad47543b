<?php
// A CRM that does not answer holds one worker once per period: after a timeout the circuit
// breaker in the outbox keeps every worker (pages and cron alike) from trying it until its
// time (retry_delay, here 2 s, doubling with each failure in a row); a flush whose budget ends
// before returns at once; status() says until when and why; the first answer closes it.
require __DIR__ . '/lib.php';

use ModRetailCrm\Integration;

$dir = temp_dir();
$shop = new Integration(settings($dir, [
    'modretailcrm_timeout' => '2',
    'modretailcrm_retry_delay' => '2',
    'modretailcrm_retry_delay_max' => '60',
    'modretailcrm_after_response_budget' => '1',
]));
for ($n = 1; $n <= 3; $n++) {
    $shop->enqueue('customer.create', ['externalId' => "b$n", 'firstName' => 'Иван']);
}
control('DELETE', 'requests');
control('POST', 'faults', ['mode' => 'blackhole']);
$sent = fn () => count(control('GET', 'requests')['requests']);

$first = $shop->flush(3);
same(0, $first['delivered']);
same(1, $first['retried'], 'one record tried: ' . json_encode($first));
check(is_float($first['breaker_open_until']) && $first['breaker_open_until'] > microtime(true), 'the breaker is open: ' . json_encode($first));
same(1, $sent(), 'one request met the hanging CRM');

// Every other delivery keeps away until then, sending nothing.
$page = $shop->deliverAfterResponse();
same(0, $page['retried'] + $page['delivered']);
same($first['breaker_open_until'], $page['breaker_open_until']);
$cron = $shop->flush(1);
same(0, $cron['retried'] + $cron['delivered']);
same($first['breaker_open_until'], $cron['breaker_open_until']);
same(1, $sent(), 'no second request while the breaker is open');
$breaker = $shop->status()['breakers'][0];
same(1, $breaker['failures']);
same($first['breaker_open_until'], $breaker['open_until']);
check(str_contains($breaker['reason'], 'timed out') || str_contains($breaker['reason'], 'timeout'), 'why: ' . $breaker['reason']);

// Past its time one flush probes the CRM; still failing, the breaker opens again for longer.
control('DELETE', 'faults');
control('POST', 'faults', ['mode' => 'reset']);
wait_out_breaker($shop);
$probe = $shop->flush(3);
same(1, $probe['retried'], 'one probe: ' . json_encode($probe));
$breaker = $shop->status()['breakers'][0];
same(2, $breaker['failures']);
check($breaker['open_until'] > $first['breaker_open_until'] + 3, 'the period doubled: ' . json_encode($breaker));
same(2, $sent());

// The CRM answers again: the breaker closes and everything goes.
control('DELETE', 'faults');
wait_out_breaker($shop);
$back = $shop->flush(10);
same(3, $back['delivered'], json_encode($back));
same(null, $back['breaker_open_until']);
same([], $shop->status()['breakers']);
same(0, $shop->status()['pending']);
done();
