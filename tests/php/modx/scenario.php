<?php
// A whole shop scenario run through the real plugin file in the MODX-shaped harness, from the
// captured checkout of order 2611/1 (tests/fixtures/minishop2): a manager adds two users
// (one of them in the Customers group), a customer registers at checkout and orders a T-shirt
// in a msOptionsPrice2 modification with a msPromoCode code, the order is paid, then shipped.
// Used by the demo (examples/shop.php) and by tests/php/plugin_shop_scenario.php.

declare(strict_types=1);

require_once __DIR__ . '/harness.php';

/** What the scenario adds to the captured shop. */
const SCENARIO = [
    'order_id' => 1,
    'modification' => 12,         // msopModification id of the red L T-shirt
    'promocode' => 'WINTER-100',
    'discount' => 100.0,          // what the code took off the order's cost
    'customer_group' => 'Customers',
    'shipped_status' => 3,
];

/**
 * Runs the scenario with these settings (modretailcrm_* and others) and returns the site: its
 * MODX log and the settings the plugin ran with are in it.
 */
function run_shop_scenario(array $settings): modX
{
    $modx = new modX($settings + [
        'modretailcrm_allow_msoptionsprice' => '1',
        'modretailcrm_user_groups' => SCENARIO['customer_group'],
        'extension_packages' => json_encode(['mspromocode' => ['path' => '[[++core_path]]components/mspromocode/model/']]),
    ]);
    give_crm_codes($modx);
    // The manager put user 3 (created in the manager) into the customers' group.
    $modx->userGroups[3] = [SCENARIO['customer_group']];
    // The T-shirt was ordered as a msOptionsPrice2 modification, with a msPromoCode code.
    $tshirt = $modx->getObject('msOrderProduct', ['order_id' => SCENARIO['order_id'], 'product_id' => 3]);
    $modx->setFields('msOrderProduct', (int) $tshirt->get('id'),
        ['options' => ['modification' => SCENARIO['modification']] + $tshirt->get('options')]);
    $modx->store(new xPDOObjectStub('mspcOrder', ['id' => 1, 'order_id' => SCENARIO['order_id'],
        'promocode' => SCENARIO['promocode'], 'discount_amount' => SCENARIO['discount']]));

    // The captured events up to the order's last one, other orders' left out.
    $events = captured_events(['OnUserSave', 'msOnCreateOrder', 'msOnChangeOrderStatus']);
    $ours = array_filter($events, fn(array $event) => scenario_order_id($event) === SCENARIO['order_id']);
    $last = end($ours);
    foreach (array_slice($events, 0, (int) array_key_last($ours) + 1) as $event) {
        if (!in_array(scenario_order_id($event), [null, SCENARIO['order_id']], true)) {
            continue;
        }
        if ($event['event'] === 'msOnChangeOrderStatus' && $event['params']['status']['value'] === 2) {
            $modx->newRequest(); // the payment came in a later request than the checkout
        }
        $modx->replay(plugin_file(), with_promo_discount($event));
    }
    // Days later the manager ships it: the same event, to the next status.
    $modx->newRequest();
    $shipped = $last;
    $shipped['params']['old_status']['value'] = $last['params']['status']['value'];
    $shipped['params']['status']['value'] = SCENARIO['shipped_status'];
    $shipped['params']['order']['value']['data']['status'] = SCENARIO['shipped_status'];
    $modx->replay(plugin_file(), with_promo_discount($shipped));
    return $modx;
}

/** The order a captured event concerns, or null. */
function scenario_order_id(array $event): ?int
{
    $order = $event['params']['msOrder']['value']['data'] ?? $event['params']['order']['value']['data'] ?? null;
    return $order === null ? null : (int) $order['id'];
}

/** The event with the order's cost lowered by the promo code's discount. */
function with_promo_discount(array $event): array
{
    foreach (['msOrder', 'order'] as $name) {
        if (isset($event['params'][$name]['value']['data']['cost'])) {
            $event['params'][$name]['value']['data']['cost'] -= SCENARIO['discount'];
        }
    }
    return $event;
}

/** The order's cost in the scenario. */
function scenario_order_cost(): float
{
    $order = ShopFixtures::json('db/msOrder.json')['toArray'];
    return round($order['cost'] - SCENARIO['discount'], 2);
}
