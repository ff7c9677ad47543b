<?php
// A MODX site's shop history for the upload and reconciliation tests: SQLite tables with the
// columns of MODX 2.8 / miniShop2 4.x (shop_users, shop_user_attributes, shop_ms2_orders,
// shop_ms2_order_addresses, shop_ms2_order_products, the deliveries, payments and statuses
// with their retailcrm_*_code columns), taken from the captured raw rows in
// tests/fixtures/minishop2/db, and generated customers and orders shaped like them
// (DECIMAL as text, JSON as text, modUser.createdon a Unix time).
//
// Needs pdo_sqlite.

declare(strict_types=1);

final class ShopDb
{
    /** Table (without the prefix) => the fixture whose raw row gives its columns. */
    private const CAPTURED = [
        'users' => 'db/modUser_customer.json',
        'user_attributes' => 'db/modUserProfile_customer.json',
        'ms2_orders' => 'db/msOrder.json',
        'ms2_order_addresses' => 'db/msOrderAddress.json',
        'ms2_order_products' => 'db/msOrderProduct.json',
        'ms2_deliveries' => 'db/msDelivery.json',
        'ms2_payments' => 'db/msPayment.json',
        'ms2_order_statuses' => 'db/msOrderStatus.json',
    ];

    /** The columns the plugin's installer adds to miniShop2's references. */
    private const CODES = [
        'ms2_deliveries' => 'retailcrm_delivery_code',
        'ms2_payments' => 'retailcrm_payment_code',
        'ms2_order_statuses' => 'retailcrm_status_code',
    ];

    /** Lookups by another column than the id, indexed as MODX's schema does. */
    private const INDEXES = [
        'user_attributes' => 'internalKey',
        'ms2_order_addresses' => 'order_id',
        'ms2_order_products' => 'order_id',
    ];

    /** The site's statuses: id => [name, CRM code]; 2 is miniShop2's "paid". */
    public const STATUSES = [1 => ['New', 'new'], 2 => ['Paid', 'prepayed'], 3 => ['Sent', 'delivering'], 4 => ['Done', 'complete']];

    /** @var array<string, array<string, mixed>> table => the captured raw row */
    private array $rows = [];

    /** @var array<string, PDOStatement> */
    private array $inserts = [];

    private function __construct(public readonly PDO $pdo, public readonly string $prefix)
    {
    }

    /** A new database in $file with every table, the references filled. */
    public static function create(string $file, string $prefix = 'shop_'): self
    {
        if (is_file($file)) {
            unlink($file);
        }
        $db = new self(new PDO("sqlite:$file", null, null, [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]), $prefix);
        foreach (self::CAPTURED as $table => $fixture) {
            $captured = self::fixture($fixture);
            $row = ($captured[0] ?? $captured)['raw_row'];
            if (isset(self::CODES[$table])) {
                $row[self::CODES[$table]] = '';
            }
            $db->rows[$table] = $row;
            $columns = [];
            foreach ($row as $column => $value) {
                $columns[] = "`$column` " . ($column === 'id' ? 'INTEGER PRIMARY KEY' : (is_int($value) ? 'INTEGER' : 'TEXT'));
            }
            $db->pdo->exec("CREATE TABLE `$prefix$table` (" . implode(', ', $columns) . ')');
            if (isset(self::INDEXES[$table])) {
                $db->pdo->exec("CREATE INDEX `{$prefix}{$table}_i` ON `$prefix$table` (`" . self::INDEXES[$table] . '`)');
            }
        }
        $db->pdo->exec("CREATE TABLE `{$prefix}system_settings` (`key` TEXT PRIMARY KEY, value TEXT, xtype TEXT, namespace TEXT, area TEXT, editedon TEXT)");
        $db->pdo->exec("CREATE TABLE `{$prefix}context_setting` (context_key TEXT, `key` TEXT, value TEXT, xtype TEXT, namespace TEXT, area TEXT, editedon TEXT)");
        foreach ([1 => ['Courier', 'courier'], 2 => ['Pickup', 'self-delivery']] as $id => [$name, $code]) {
            $db->insert('ms2_deliveries', ['id' => $id, 'name' => $name, 'retailcrm_delivery_code' => $code]);
        }
        foreach ([1 => ['Cash', 'cash'], 2 => ['Card', 'bank-card']] as $id => [$name, $code]) {
            $db->insert('ms2_payments', ['id' => $id, 'name' => $name, 'price' => '0', 'retailcrm_payment_code' => $code]);
        }
        foreach (self::STATUSES as $id => [$name, $code]) {
            $db->insert('ms2_order_statuses', ['id' => $id, 'name' => $name, 'rank' => $id, 'retailcrm_status_code' => $code]);
        }
        return $db;
    }

    private static function fixture(string $name): array
    {
        $path = dirname(__DIR__, 2) . "/fixtures/minishop2/$name";
        return json_decode((string) file_get_contents($path), true, 512, JSON_THROW_ON_ERROR);
    }

    /** Inserts the captured row of $table with $changes. */
    public function insert(string $table, array $changes): void
    {
        $row = array_merge($this->rows[$table], $changes);
        $statement = $this->inserts[$table] ??= $this->pdo->prepare(sprintf('INSERT INTO `%s%s` (%s) VALUES (%s)',
            $this->prefix, $table, implode(', ', array_map(fn($c) => "`$c`", array_keys($row))),
            implode(', ', array_fill(0, count($row), '?'))));
        $statement->execute(array_values($row));
    }

    /** A system setting. */
    public function setting(string $key, string $value): void
    {
        $this->pdo->prepare("DELETE FROM `{$this->prefix}system_settings` WHERE `key` = ?")->execute([$key]);
        $this->pdo->prepare("INSERT INTO `{$this->prefix}system_settings` (`key`, value, xtype, namespace) VALUES (?, ?, 'textfield', 'core')")
            ->execute([$key, $value]);
    }

    /** A user with its profile; $sudo for an administrator (no customer). */
    public function customer(int $id, bool $sudo = false): void
    {
        $email = "customer$id@example.com";
        $this->insert('users', ['id' => $id, 'username' => $email, 'sudo' => (int) $sudo, 'createdon' => 1700000000 + $id * 60]);
        $this->insert('user_attributes', ['id' => $id, 'internalKey' => $id, 'fullname' => "Customer Number$id",
            'email' => $email, 'phone' => '', 'mobilephone' => sprintf('+7 900 %07d', $id)]);
    }

    /**
     * Order $id of user $userId created at $createdOn, with 1–3 products, delivery, payment
     * and status from its id; returns its cost in cents.
     */
    public function order(int $id, int $userId, string $createdOn): int
    {
        $cart = 0;
        for ($line = 0; $line <= $id % 3; $line++) {
            $price = 10000 + ($id * 7 + $line * 13) % 90000 + 50;
            $count = 1 + ($id + $line) % 2;
            $cart += $price * $count;
            $this->insert('ms2_order_products', ['id' => $id * 4 + $line, 'product_id' => 3 + $line, 'order_id' => $id,
                'name' => "Product $line", 'count' => $count, 'price' => self::money($price), 'cost' => self::money($price * $count),
                'options' => '[]']);
        }
        $delivery = $id % 2 === 0 ? 30000 : 0;
        $cost = $cart + $delivery;
        $this->insert('ms2_orders', ['id' => $id, 'user_id' => $userId, 'createdon' => $createdOn, 'num' => "2611/$id",
            'cost' => self::money($cost), 'cart_cost' => self::money($cart), 'delivery_cost' => self::money($delivery),
            'weight' => '0.000', 'status' => 1 + $id % 4, 'delivery' => 1 + $id % 2, 'payment' => 1 + intdiv($id, 2) % 2]);
        $this->insert('ms2_order_addresses', ['id' => $id, 'order_id' => $id, 'user_id' => $userId, 'createdon' => $createdOn,
            'receiver' => "Customer Number$userId", 'phone' => sprintf('+7 900 %07d', $userId),
            'email' => "customer$userId@example.com", 'comment' => '']);
        return $cost;
    }

    /** Cents as DECIMAL text. */
    private static function money(int $cents): string
    {
        return sprintf('%d.%02d', intdiv($cents, 100), $cents % 100);
    }
}

/**
 * A shop history: an administrator (user 1) and customers 2 … $customers + 1; orders 1 …
 * $orders of customers in turn, the ones in $byAdministrator placed by the administrator
 * (the CRM has no such customer: it refuses them), created one a minute up to $until (a
 * Unix time). Returns order id => cost in cents.
 *
 * @param list<int> $byAdministrator
 * @return array<int, int>
 */
function fill_shop(ShopDb $db, int $customers, int $orders, array $byAdministrator, int $until): array
{
    $db->pdo->beginTransaction();
    $db->customer(1, true);
    for ($id = 2; $id <= $customers + 1; $id++) {
        $db->customer($id);
    }
    $costs = [];
    for ($id = 1; $id <= $orders; $id++) {
        $user = in_array($id, $byAdministrator, true) ? 1 : 2 + ($id - 1) % $customers;
        $costs[$id] = $db->order($id, $user, date('Y-m-d H:i:s', $until - ($orders - $id) * 60));
    }
    $db->pdo->commit();
    return $costs;
}

/**
 * The MODX site in $dir/site over the database $dir/site.sqlite, its settings for the
 * sandbox (CRM_URL, CRM_KEY) with the outbox in $dir and no rate limit unless given.
 */
function shop_site(string $dir, string $rateLimit = '0'): ShopDb
{
    cli_site("$dir/site", "$dir/site.sqlite");
    mkdir("$dir/site/core/cache/modretailcrm", 0777, true);
    $db = ShopDb::create("$dir/site.sqlite");
    foreach ([
        'modretailcrm_url' => env('CRM_URL'), 'modretailcrm_apiKey' => env('CRM_KEY'), 'modretailcrm_siteCode' => 'shop',
        'modretailcrm_queue_path' => "$dir/outbox.sqlite", 'modretailcrm_send_mode' => 'queue',
        'modretailcrm_rate_limit' => $rateLimit, 'modretailcrm_log' => '0', 'modretailcrm_retry_delay' => '0.001', 'modretailcrm_retry_delay_max' => '0.001',
    ] as $key => $value) {
        $db->setting($key, $value);
    }
    return $db;
}
