<?php
/**
 * modRetailCRM — what the shop already has, read from the MODX database for the upload and
 * the reconciliation (the `upload` and `reconcile` CLI commands): MODX users with their
 * profiles, and miniShop2 orders with what the plugin gathers for a new order (address,
 * products, delivery, payment, status, user, profile).
 *
 * Thin: rows are read as they are (DECIMAL as text, JSON columns as text, dates as stored)
 * and grouped into the arrays the extension takes (ModRetailCrm\Upload::addOrders()); the
 * mapping happens in the extension.
 *
 * Memory does not grow with the shop: rows are read in pages on the primary key (`WHERE id
 * > ? ORDER BY id LIMIT n`), each page read completely before the next query, each page
 * handed over before the next is read. A page of orders is four queries: the orders, their
 * addresses, their products, their users and profiles (one query each, by the page's ids).
 * On MySQL the queries are unbuffered. Only the deliveries, payments and statuses (few)
 * are held.
 */

declare(strict_types=1);

namespace ModRetailCrm\Plugin;

use Generator;
use PDO;
use RuntimeException;

final class ShopHistory
{
    /** Rows per page. */
    public const PAGE_SIZE = 500;

    /** The tables read, by MODX/miniShop2 class, without the prefix. */
    public const TABLES = [
        'modUser' => 'users',
        'modUserProfile' => 'user_attributes',
        'msOrder' => 'ms2_orders',
        'msOrderAddress' => 'ms2_order_addresses',
        'msOrderProduct' => 'ms2_order_products',
        'msDelivery' => 'ms2_deliveries',
        'msPayment' => 'ms2_payments',
        'msOrderStatus' => 'ms2_order_statuses',
    ];

    /** @var array<string, string> class => quoted table name */
    private readonly array $tables;

    public function __construct(private readonly PDO $pdo, string $prefix, private readonly int $pageSize = self::PAGE_SIZE)
    {
        if ($pageSize < 1) {
            throw new RuntimeException('ShopHistory: the page size must be at least 1');
        }
        $tables = [];
        foreach (self::TABLES as $class => $name) {
            $tables[$class] = '`' . $prefix . $name . '`';
        }
        $this->tables = $tables;
        $this->pdo->setAttribute(PDO::ATTR_ERRMODE, PDO::ERRMODE_EXCEPTION);
        if ($this->pdo->getAttribute(PDO::ATTR_DRIVER_NAME) === 'mysql') {
            $this->pdo->setAttribute(PDO::MYSQL_ATTR_USE_BUFFERED_QUERY, false);
        }
    }

    /**
     * The ids of a `--ids` list (`1,2,5`), sorted, without repeats; anything but positive
     * integers is refused.
     *
     * @return list<int>
     */
    public static function ids(string $list): array
    {
        $ids = [];
        foreach (explode(',', $list) as $part) {
            $part = trim($part);
            if (!preg_match('/^[1-9]\d{0,18}$/', $part)) {
                throw new RuntimeException("--ids takes positive ids separated by commas, '$part' given");
            }
            $ids[(int) $part] = true;
        }
        $ids = array_keys($ids);
        sort($ids);
        return $ids;
    }

    /**
     * How many `customers` (users who are not sudo users) or `orders` come after id $after,
     * created at or after $since (`Y-m-d` or `Y-m-d H:i:s`), among $ids when given.
     *
     * @param list<int>|null $ids
     */
    public function count(string $kind, int $after, ?string $since, ?array $ids): int
    {
        [$table, $where, $values] = $this->selection($kind, $after, $since, $ids);
        $statement = $this->pdo->prepare("SELECT COUNT(*) FROM $table WHERE $where");
        $statement->execute($values);
        $count = (int) $statement->fetchColumn();
        $statement->closeCursor();
        return $count;
    }

    /**
     * Pages of users after id $after (see count()), each a list of `['user' => row,
     * 'profile' => row or null]` in the order of their ids.
     *
     * @param list<int>|null $ids
     * @return Generator<int, list<array<string, mixed>>>
     */
    public function customers(int $after, ?string $since, ?array $ids): Generator
    {
        while (($users = $this->page('customers', $after, $since, $ids)) !== []) {
            $after = (int) $users[count($users) - 1]['id'];
            $profiles = $this->byColumn('modUserProfile', 'internalKey', array_column($users, 'id'));
            yield array_map(fn(array $user) => ['user' => $user, 'profile' => $profiles[(int) $user['id']][0] ?? null], $users);
        }
    }

    /**
     * Pages of orders after id $after (see count()), each a list of arrays shaped as
     * Integration::onOrderCreate() takes them, in the order of their ids.
     *
     * @param list<int>|null $ids
     * @return Generator<int, list<array<string, mixed>>>
     */
    public function orders(int $after, ?string $since, ?array $ids): Generator
    {
        $references = [];
        foreach (['msDelivery', 'msPayment', 'msOrderStatus'] as $class) {
            $references[$class] = $this->byColumn($class, 'id', null);
        }
        while (($orders = $this->page('orders', $after, $since, $ids)) !== []) {
            $after = (int) $orders[count($orders) - 1]['id'];
            $orderIds = array_column($orders, 'id');
            $addresses = $this->byColumn('msOrderAddress', 'order_id', $orderIds);
            $products = $this->byColumn('msOrderProduct', 'order_id', $orderIds);
            $userIds = array_values(array_unique(array_column($orders, 'user_id')));
            $users = $this->byColumn('modUser', 'id', $userIds);
            $profiles = $this->byColumn('modUserProfile', 'internalKey', $userIds);
            $page = [];
            foreach ($orders as $order) {
                $id = (int) $order['id'];
                $userId = (int) $order['user_id'];
                $page[] = [
                    'order' => $order,
                    'address' => $addresses[$id][0] ?? null,
                    'products' => $products[$id] ?? [],
                    'delivery' => $references['msDelivery'][(int) $order['delivery']][0] ?? null,
                    'payment' => $references['msPayment'][(int) $order['payment']][0] ?? null,
                    'status' => $references['msOrderStatus'][(int) $order['status']][0] ?? null,
                    'user' => $users[$userId][0] ?? [],
                    'profile' => $profiles[$userId][0] ?? [],
                    'promo' => null,
                ];
            }
            yield $page;
        }
    }

    /**
     * The table, condition and values of a selection.
     *
     * @param list<int>|null $ids
     * @return array{0: string, 1: string, 2: list<mixed>}
     */
    private function selection(string $kind, int $after, ?string $since, ?array $ids): array
    {
        $where = ['id > ?'];
        $values = [$after];
        if ($kind === 'customers') {
            $table = $this->tables['modUser'];
            $where[] = 'sudo = 0';
            if ($since !== null) {
                // modUser.createdon is a Unix time.
                $time = strtotime($since);
                if ($time === false) {
                    throw new RuntimeException("--since takes a date (Y-m-d or Y-m-d H:i:s), '$since' given");
                }
                $where[] = 'createdon >= ?';
                $values[] = $time;
            }
        } elseif ($kind === 'orders') {
            $table = $this->tables['msOrder'];
            if ($since !== null) {
                if (strtotime($since) === false) {
                    throw new RuntimeException("--since takes a date (Y-m-d or Y-m-d H:i:s), '$since' given");
                }
                $where[] = 'createdon >= ?';
                $values[] = date('Y-m-d H:i:s', (int) strtotime($since));
            }
        } else {
            throw new RuntimeException("nothing to read for '$kind': customers or orders");
        }
        if ($ids !== null) {
            $ids = $ids === [] ? [0] : $ids;
            $where[] = 'id IN (' . implode(', ', array_fill(0, count($ids), '?')) . ')';
            array_push($values, ...$ids);
        }
        return [$table, implode(' AND ', $where), $values];
    }

    /**
     * The next page of users or orders.
     *
     * @param list<int>|null $ids
     * @return list<array<string, mixed>>
     */
    private function page(string $kind, int $after, ?string $since, ?array $ids): array
    {
        [$table, $where, $values] = $this->selection($kind, $after, $since, $ids);
        $statement = $this->pdo->prepare("SELECT * FROM $table WHERE $where ORDER BY id LIMIT {$this->pageSize}");
        $statement->execute($values);
        $rows = $statement->fetchAll(PDO::FETCH_ASSOC);
        $statement->closeCursor();
        return $rows;
    }

    /**
     * Rows of $class whose $column is one of $values (every row when null), grouped by it
     * in the order of their ids.
     *
     * @param list<int|string>|null $values
     * @return array<int, list<array<string, mixed>>>
     */
    private function byColumn(string $class, string $column, ?array $values): array
    {
        if ($values === []) {
            return [];
        }
        $sql = "SELECT * FROM {$this->tables[$class]}";
        if ($values !== null) {
            $sql .= " WHERE `$column` IN (" . implode(', ', array_fill(0, count($values), '?')) . ')';
        }
        $statement = $this->pdo->prepare("$sql ORDER BY id");
        $statement->execute($values ?? []);
        $grouped = [];
        while (($row = $statement->fetch(PDO::FETCH_ASSOC)) !== false) {
            $grouped[(int) $row[$column]][] = $row;
        }
        $statement->closeCursor();
        return $grouped;
    }
}
