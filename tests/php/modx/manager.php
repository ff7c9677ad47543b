<?php
// miniShop2 4.4.1's order window in the manager, as it changes the database and fires its
// events, for the MODX-shaped harness. No capture of these events exists in
// tests/fixtures/minishop2: they follow miniShop2's source (v4.4.1-pl,
// core/components/minishop2/processors/mgr/orders/update.class.php and product/create,
// product/update, product/remove.class.php; msOrder::updateProducts() in
// model/minishop2/msorder.class.php) and MODX 2.8's modObject*Processor, which fire the after
// event with `mode` (not for a remove), the primary key, the object under its class name and
// under `object` — after the processor's afterSave()/afterRemove() recounted the order.
// The rows keep the types toArray() gives (see tests/fixtures/README.md).

declare(strict_types=1);

require_once __DIR__ . '/harness.php';

/** msOrder::updateProducts(): the order's cart cost, cost and weight from its products. */
function ms2_update_products(modX $modx, int $orderId): void
{
    $order = $modx->getObject('msOrder', $orderId);
    $cart = $weight = 0.0;
    foreach ($modx->getCollection('msOrderProduct', ['order_id' => $orderId]) as $product) {
        $cart += $product->get('price') * $product->get('count');
        $weight += $product->get('weight') * $product->get('count');
    }
    $order->set('cost', $cart + (float) $order->get('delivery_cost'));
    $order->set('cart_cost', $cart);
    $order->set('weight', $weight);
    $modx->store($order, true);
}

/**
 * mgr/orders/product/create: the manager adds a product to order $orderId in the order
 * window's grid ($fields: product_id, name, count, price, weight, options). Returns the new
 * msOrderProduct id.
 */
function manager_add_product(modX $modx, int $orderId, array $fields): int
{
    $id = $modx->nextId('msOrderProduct');
    $count = (int) $fields['count'];
    $price = (float) $fields['price'];
    $product = new xPDOObjectStub('msOrderProduct', [
        'id' => $id, 'product_id' => (int) $fields['product_id'], 'order_id' => $orderId,
        'name' => (string) $fields['name'], 'count' => $count, 'price' => $price,
        'weight' => (float) $fields['weight'], 'cost' => $price * $count,
        'options' => $fields['options'] ?? [], 'properties' => null,
    ]);
    $modx->store($product);
    ms2_update_products($modx, $orderId);
    $modx->runPlugin(plugin_file(), 'msOnCreateOrderProduct',
        ['mode' => 'new', 'id' => $id, 'msOrderProduct' => $product, 'object' => $product]);
    return $id;
}

/** mgr/orders/product/update: the manager changes a product row of an order ($fields). */
function manager_update_product(modX $modx, int $id, array $fields): void
{
    $product = $modx->getObject('msOrderProduct', $id);
    foreach ($fields as $key => $value) {
        $product->set($key, $value);
    }
    $product->set('cost', $product->get('price') * $product->get('count'));
    $modx->store($product, true);
    ms2_update_products($modx, (int) $product->get('order_id'));
    $modx->runPlugin(plugin_file(), 'msOnUpdateOrderProduct',
        ['mode' => 'upd', 'id' => $id, 'msOrderProduct' => $product, 'object' => $product]);
}

/** mgr/orders/product/remove: the manager removes a product row of an order. */
function manager_remove_product(modX $modx, int $id): void
{
    $product = $modx->getObject('msOrderProduct', $id);
    $modx->removeRow('msOrderProduct', $id);
    ms2_update_products($modx, (int) $product->get('order_id'));
    $modx->runPlugin(plugin_file(), 'msOnRemoveOrderProduct',
        ['id' => $id, 'msOrderProduct' => $product, 'object' => $product]);
}

/**
 * mgr/orders/update: the manager saves the order window with $changes — order fields
 * (`delivery`, `delivery_cost`, `order_comment` …) and the address as `addr_<field>`. The
 * status is kept (a new one goes through changeOrderStatus()), the cost is recounted as
 * delivery_cost + cart_cost.
 */
function manager_save_order(modX $modx, int $orderId, array $changes): void
{
    $order = $modx->getObject('msOrder', $orderId);
    $address = $modx->getObject('msOrderAddress', ['order_id' => $orderId]);
    $casts = ['delivery' => 'int', 'payment' => 'int', 'delivery_cost' => 'float'];
    foreach ($changes as $key => $value) {
        if (str_starts_with($key, 'addr_')) {
            $address?->set(substr($key, 5), $value);
        } elseif ($key !== 'status') {
            $order->set($key, match ($casts[$key] ?? null) {
                'int' => (int) $value,
                'float' => (float) $value,
                default => $value,
            });
        }
    }
    $order->set('updatedon', date('Y-m-d H:i:s'));
    $order->set('cost', (float) $order->get('delivery_cost') + (float) $order->get('cart_cost'));
    if ($address !== null) {
        $modx->store($address, true);
    }
    $modx->store($order, true);
    $modx->runPlugin(plugin_file(), 'msOnUpdateOrder',
        ['mode' => 'upd', 'id' => $orderId, 'msOrder' => $order, 'object' => $order]);
}

/** A second delivery method, shaped as the captured msDelivery row, with its CRM code. */
function add_pickup_delivery(modX $modx): int
{
    $courier = $modx->getObject('msDelivery', 2)->toArray();
    $pickup = ['id' => 3, 'name' => 'Pickup', 'description' => 'From the shop', 'price' => '0',
        'weight_price' => 0.0, 'requires' => 'receiver,phone', 'retailcrm_delivery_code' => 'self-delivery'] + $courier;
    $modx->store(new xPDOObjectStub('msDelivery', $pickup));
    return 3;
}
