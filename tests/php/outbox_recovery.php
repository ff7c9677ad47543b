<?php
// Recovery is prompt: 30 changes queued during an outage, the CRM back, and one flush within
// its budget delivers all 30, in order, at the rate limit — the change that failed during
// the outage does not sit out its backoff (15–30 s here) once the CRM answers again.
require __DIR__ . '/lib.php';

use ModRetailCrm\Integration;

$dir = temp_dir();
$shop = new Integration(settings($dir, [
    'modretailcrm_timeout' => '0.5',
    'modretailcrm_retry_delay' => '30',
    'modretailcrm_retry_delay_max' => '600',
    'modretailcrm_rate_limit' => '10',
]));
control('POST', 'faults', ['mode' => 'reset']);
$numbers = [];
for ($n = 1; $n <= 30; $n++) {
    $numbers[] = "r$n";
    $shop->enqueue('customer.create', ['externalId' => "r$n", 'firstName' => 'Иван']);
}
$outage = $shop->flush(3);
same(0, $outage['delivered']);
check($outage['retried'] >= 1, 'the outage was met: ' . json_encode($outage));
same(30, $shop->status()['pending']);

// The CRM is back.
control('DELETE', 'faults');
wait_out_breaker($shop);
$recovery = $shop->flush(10);
same(30, $recovery['delivered'], 'one flush delivers the backlog: ' . json_encode($recovery));
same(false, $recovery['budget_exhausted']);
same(0, $shop->status()['pending']);
same([], $shop->status()['breakers']);
same($numbers, array_map(fn ($c) => $c['externalId'], crm_state()['customers']), 'in order');
done();
