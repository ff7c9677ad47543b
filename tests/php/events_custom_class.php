<?php
// modretailcrm_custom_customers_class / modretailcrm_custom_orders_class: the site's own class
// adjusts the mapped payload (as a plain autoloaded class name, or ["Class", "{core_path}file"]
// loaded from its file); a class that fails leaves the standard payload, logged, not lost.
require __DIR__ . '/lib.php';

final class ShopCustomers
{
    public static function map(array $payload, array $source): array
    {
        $payload['vip'] = true;
        $payload['lastName'] = 'Custom ' . $source['user']['username'];
        return $payload;
    }
}

final class BrokenOrders
{
    public static function map(array $payload, array $source): array
    {
        throw new RuntimeException('the hook broke');
    }
}

final class JunkOrders
{
    public static function map(array $payload, array $source)
    {
        return new stdClass();
    }
}

['order' => $order, 'related' => $related, 'user' => $user, 'profile' => $profile] = captured_order();
$data = fn (array $o) => ['order' => $o, 'address' => $related['Address'], 'products' => array_values($related['Products']),
    'delivery' => $related['Delivery'] + ['retailcrm_delivery_code' => 'courier'], 'payment' => $related['Payment'] + ['retailcrm_payment_code' => 'bank-card'],
    'status' => null, 'user' => $user, 'profile' => $profile, 'promo' => null];

$dir = temp_dir();
file_put_contents("$dir/shop_orders.php", <<<'PHP'
<?php
final class ShopOrders
{
    public static function map(array $payload, array $source): array
    {
        $payload['managerComment'] = 'products: ' . count($source['products']);
        return $payload;
    }
}
PHP);
ini_set('error_log', "$dir/php.log");
$shop = new ModRetailCrm\Integration(settings($dir, [
    'core_path' => "$dir/",
    'modretailcrm_send_mode' => 'sync',
    'modretailcrm_custom_customers_class' => 'ShopCustomers',
    'modretailcrm_custom_orders_class' => json_encode(['ShopOrders', '{core_path}shop_orders.php']),
]));
same('delivered', $shop->onUserSave($user, $profile, 'new', 'web')['state']);
same('delivered', $shop->onOrderCreate($data($order))['state']);
$state = crm_state();
same(true, $state['customers'][0]['vip']);
same('Custom ' . $user['username'], $state['customers'][0]['lastName']);
same('products: ' . count($related['Products']), $state['orders'][0]['managerComment']);

// A hook that throws: the standard payload goes, the log says why.
$broken = new ModRetailCrm\Integration(settings($dir, ['modretailcrm_send_mode' => 'sync', 'modretailcrm_custom_orders_class' => 'BrokenOrders']));
same('delivered', $broken->onOrderCreate($data(['num' => '2611/9', 'id' => 9] + $order))['state']);
same(2, count(crm_state()['orders']), 'the order was not lost');
check(str_contains(file_get_contents("$dir/php.log"), 'BrokenOrders::map threw RuntimeException'), 'logged');

// A hook that returns something other than the payload array: likewise.
$junk = new ModRetailCrm\Integration(settings($dir, ['modretailcrm_send_mode' => 'sync', 'modretailcrm_custom_orders_class' => 'JunkOrders']));
same('delivered', $junk->onOrderCreate($data(['num' => '2611/10', 'id' => 10] + $order))['state']);
same(3, count(crm_state()['orders']), 'the order was not lost');
check(str_contains(file_get_contents("$dir/php.log"), 'JunkOrders::map must return the payload array; the standard order.create payload is sent'), 'logged');

// Settings that cannot work are refused when the integration is built.
throws(ModRetailCrm\ConfigException::class, fn () => new ModRetailCrm\Integration(settings($dir, ['modretailcrm_custom_orders_class' => '["A", "{site}x.php"]'])), 'modretailcrm_custom_orders_class');
done();
