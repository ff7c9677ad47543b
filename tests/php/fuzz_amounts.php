<?php
// Absurd amounts in a miniShop2 order are refused with a ValidationException naming the
// field, and nothing is queued or sent: never a silently different number in the CRM.
require __DIR__ . '/lib.php';

use ModRetailCrm\{Integration, ValidationException};

$jail = env('FUZZ_JAIL');
$integration = new Integration(settings($jail, ['modretailcrm_send_mode' => 'sync']));

function order_event(array $order = [], array $product = []): array
{
    return [
        'order' => $order + ['id' => 7, 'num' => '2612/1', 'cost' => 100, 'delivery_cost' => 0, 'user_id' => 1, 'createdon' => '2026-11-29 07:16:52'],
        'products' => [$product + ['product_id' => 3, 'name' => 'Kettle', 'count' => 1, 'price' => 100]],
        'user' => ['id' => 1, 'username' => 'u@example.com'],
        'profile' => ['fullname' => 'Ivan Petrov', 'email' => 'u@example.com'],
    ];
}

$cases = [
    'cost 1e300' => [['cost' => 1e300], [], 'order.cost'],
    'cost PHP_INT_MIN' => [['cost' => PHP_INT_MIN], [], 'order.cost'],
    'cost PHP_INT_MAX' => [['cost' => PHP_INT_MAX], [], 'order.cost'],
    'negative cost' => [['cost' => -100], [], 'order.cost'],
    'cost as huge text' => [['cost' => '1e20'], [], 'order.cost'],
    'delivery cost -INF as text' => [['delivery_cost' => '-1e400'], [], 'order.delivery_cost'],
    'price PHP_INT_MIN' => [[], ['price' => PHP_INT_MIN], 'products[0].price'],
    'price 1e300' => [[], ['price' => 1e300], 'products[0].price'],
    'count PHP_INT_MAX' => [[], ['count' => PHP_INT_MAX], 'products[0].count'],
    'count negative' => [[], ['count' => -2], 'products[0].count'],
    'weight 1e300' => [['weight' => 1e300], [], 'order.weight'],
];
foreach ($cases as $name => [$order, $product, $field]) {
    $e = throws(ValidationException::class, fn () => $integration->onOrderCreate(order_event($order, $product)), $field);
    check(!str_contains($e->getMessage(), '92233720368547758'), "$name: no capped number in " . $e->getMessage());
}
same(0, $integration->status()['pending'], 'nothing was queued');
same(0, $integration->status()['delivered'], 'nothing was sent');

// The status change that marks an order paid reads its cost the same way.
throws(ValidationException::class, fn () => $integration->onOrderStatusChange([
    'order' => ['num' => '2612/1', 'cost' => PHP_INT_MIN],
    'status' => ['id' => 2, 'retailcrm_status_code' => 'paid'],
    'paid_at' => '2026-11-29 07:16:52',
]), 'order.cost');

// A real order still goes through, with its amounts exact.
$sent = $integration->onOrderCreate(order_event(['cost' => 1234567.89], ['price' => 1234567.89]));
same('delivered', $sent['state'], json_encode($sent));
done();
