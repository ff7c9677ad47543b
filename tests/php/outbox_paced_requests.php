<?php
// The shared rate limit paces every HTTP request, not every outbox record: orders whose
// customer the CRM lacks each take three requests (the refused create, the customer, the
// order again). With the CRM enforcing the same limit as the integration (5/s), a flush
// delivers them all without one 503, each order once.
require __DIR__ . '/lib.php';

$orders = 6;
same(true, control('POST', 'rate-limit', ['per_second' => 5])['success'] ?? null, 'the CRM enforces 5/s');

$dir = temp_dir();
$shop = new ModRetailCrm\Integration(settings($dir, [
    'modretailcrm_rate_limit' => '5',
    'modretailcrm_timeout' => '10',
]));
for ($n = 1; $n <= $orders; $n++) {
    $shop->enqueue('order.create', order_payload("700-$n", (string) (700 + $n)));
}

$report = $shop->flush(60);
$requests = control('GET', 'requests')['requests'];
$statuses = array_map(fn (array $r): string => "{$r['path']} {$r['status']}", $requests);
same([], array_values(array_filter($statuses, fn (string $s): bool => str_ends_with($s, ' 503'))), 'no request was refused by the rate limit');
same(['delivered' => $orders, 'retried' => 0, 'dead' => 0, 'budget_exhausted' => false, 'busy' => false, 'breaker_open_until' => null], $report, json_encode($shop->status()['last_error']));
$count = array_count_values($statuses);
ksort($count);
same([
    '/api/v5/customers/create 201' => $orders,
    '/api/v5/orders/create 201' => $orders,
    '/api/v5/orders/create 400' => $orders,
], $count, 'three requests an order');

$state = crm_state();
$delivered = array_count_values(array_map(fn (array $o): string => $o['externalId'], $state['orders']));
ksort($delivered);
same(array_combine(array_map(fn (int $n): string => "700-$n", range(1, $orders)), array_fill(0, $orders, 1)), $delivered, 'every order once');
same($orders, count($state['customers']), 'every customer once');

// A request whose token would come after the flush's budget is not sent: its record is
// retried later, by a flush with time enough, still without a 503.
control('POST', 'rate-limit', ['per_second' => 1]);
control('DELETE', 'requests');
$slow = new ModRetailCrm\Integration(settings(temp_dir(), ['modretailcrm_rate_limit' => '1', 'modretailcrm_timeout' => '10']));
$slow->enqueue('order.create', order_payload('710-1', '710'));
// One token: the order's create goes (refused: no customer); the customer's would wait a second.
same(['delivered' => 0, 'retried' => 1, 'dead' => 0, 'budget_exhausted' => true, 'busy' => false, 'breaker_open_until' => null], $slow->flush(0.5));
same(['/api/v5/orders/create 400'], array_map(fn (array $r): string => "{$r['path']} {$r['status']}", control('GET', 'requests')['requests']));
same(['delivered' => 1, 'retried' => 0, 'dead' => 0, 'budget_exhausted' => false, 'busy' => false, 'breaker_open_until' => null], $slow->flush(10));
same(
    ['/api/v5/orders/create 400', '/api/v5/orders/create 400', '/api/v5/customers/create 201', '/api/v5/orders/create 201'],
    array_map(fn (array $r): string => "{$r['path']} {$r['status']}", control('GET', 'requests')['requests']),
);
done();
