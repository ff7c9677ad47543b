<?php
// Nothing is lost: with the CRM down, blackholed, slow, failing with 500s, in a 503 storm or
// answering HTML pages, changes stay in the outbox; once it recovers, every change is
// delivered exactly once and the CRM holds exactly what the shop sent.
require __DIR__ . '/lib.php';

use ModRetailCrm\Integration;

$dir = temp_dir();
$shop = new Integration(settings($dir));
same('queue', $shop->sendMode());

$queued = $shop->enqueue('customer.create', ['externalId' => '17', 'firstName' => 'Иван', 'email' => 'c17@example.com']);
same('queued', $queued['state']);
check(is_int($queued['id']), 'a record id');
for ($n = 1; $n <= 6; $n++) {
    $shop->enqueue('order.create', order_payload("100-$n", '17'));
}
same(7, $shop->status()['pending']);
same([], control('GET', 'requests')['requests'], 'queue mode sends nothing while enqueueing');

// 1. The CRM is down (connection refused): nothing is delivered, nothing is lost; the circuit
// breaker says so.
$downDir = temp_dir();
$down = new Integration(settings($downDir, ['modretailcrm_url' => 'http://127.0.0.1:9']));
$down->enqueue('customer.create', ['externalId' => '99', 'firstName' => 'Пётр']);
$down->enqueue('customer.create', ['externalId' => '98', 'firstName' => 'Павел']);
$report = $down->flush(0.5);
same(0, $report['delivered']);
check($report['retried'] >= 1, 'attempts were made and failed');
same(2, $down->status()['pending']);
check(str_contains($down->status()['last_error']['message'], 'Connect'), 'the last error says why');
check(str_contains($down->status()['breakers'][0]['reason'], 'Connect'), 'the breaker says why');
same(7, $shop->status()['pending']);

// 2. Blackholed, 3. slow, 4. 500 pages, 5. a 503 storm, 6. the HTML page of a missing account.
// Each fault lasts until cleared, so the whole flush meets it.
$faults = [
    ['mode' => 'blackhole'],
    ['mode' => 'delay', 'delay_ms' => 1500],
    ['mode' => 'late_answer', 'delay_ms' => 1500],
    ['mode' => 'status', 'status' => 500],
    ['mode' => 'status', 'status' => 503],
    ['mode' => 'status', 'status' => 502, 'empty_body' => true],
    ['mode' => 'html405'],
    ['mode' => 'reset'],
];
foreach ($faults as $fault) {
    control('POST', 'faults', $fault);
    wait_out_breaker($shop);
    $report = $shop->flush(0.4);
    check($report['retried'] > 0 && $report['delivered'] === 0, 'failed attempts under ' . json_encode($fault) . ': ' . json_encode($report) . json_encode($shop->status()['dead_letters']));
    control('DELETE', 'faults');
}
check($shop->status()['pending'] > 0, 'changes still waiting after the outages');
same(0, $shop->status()['dead'], 'outages set nothing aside');

// Recovery: everything is delivered, exactly once.
flush_until_empty($shop);
$status = $shop->status();
same(0, $status['pending']);
same(7, $status['delivered']);
same(0, $status['dead']);
$state = crm_state();
same(1, count($state['customers']), 'one customer');
same(6, count($state['orders']), 'six orders, no duplicate');
same(['100-1', '100-2', '100-3', '100-4', '100-5', '100-6'], array_map(fn ($o) => $o['externalId'], $state['orders']), 'in order');
foreach ($state['orders'] as $order) {
    same(1300, (int) $order['totalSumm'], "order {$order['externalId']} as sent");
}
done();
