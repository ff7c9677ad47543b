<?php
/**
 * The MODX a command-line test site loads as core/model/modx/modx.class.php: modX over the
 * site's database (its core/config/config.inc.php) with what lib/CrmStatus.php uses — orders
 * and statuses (`{prefix}ms2_orders`: id, num, status; `{prefix}ms2_order_statuses`: id,
 * retailcrm_status_code, final) and miniShop2's changeOrderStatus(), which refuses to leave a
 * final status and counts its calls in `{prefix}ms2_status_calls`.
 */

declare(strict_types=1);

final class CliRow
{
    public function __construct(private readonly array $row)
    {
    }

    public function get(string $key): mixed
    {
        return $this->row[$key] ?? null;
    }
}

final class CliMiniShop2
{
    public function __construct(private readonly modX $modx)
    {
    }

    public function changeOrderStatus($orderId, $statusId): bool|string
    {
        $this->modx->exec('INSERT INTO `%sms2_status_calls` (order_id, status) VALUES (?, ?)', [(int) $orderId, (int) $statusId]);
        $order = $this->modx->getObject('msOrder', (int) $orderId);
        if ($order === null) {
            return 'ms2_err_order_nf';
        }
        if ($this->modx->getObject('msOrderStatus', (int) $order->get('status'))?->get('final')) {
            return 'ms2_err_status_final';
        }
        $this->modx->exec('UPDATE `%sms2_orders` SET status = ? WHERE id = ?', [(int) $statusId, (int) $orderId]);
        return true;
    }
}

class modX
{
    public const LOG_LEVEL_ERROR = 1;
    private const TABLES = ['msOrder' => 'ms2_orders', 'msOrderStatus' => 'ms2_order_statuses'];

    private PDO $pdo;
    private string $prefix;

    public function __construct()
    {
        $config = (static function (): array {
            require MODX_CORE_PATH . 'config/' . MODX_CONFIG_KEY . '.inc.php';
            return get_defined_vars();
        })();
        $this->pdo = new PDO($config['database_dsn'], null, null, [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]);
        $this->prefix = $config['table_prefix'];
    }

    public function initialize(string $context = 'web'): void
    {
    }

    public function log(int $level, string $message): void
    {
        fwrite(STDERR, "MODX log: $message\n");
    }

    public function getService(string $name): ?object
    {
        return $name === 'miniShop2' ? new CliMiniShop2($this) : null;
    }

    /** @return list<CliRow> */
    public function getCollection(string $class, array $criteria = []): array
    {
        $where = implode(' AND ', array_map(fn($field) => "`$field` = ?", array_keys($criteria)));
        $statement = $this->pdo->prepare("SELECT * FROM `{$this->prefix}" . self::TABLES[$class] . '`' . ($where === '' ? '' : " WHERE $where"));
        $statement->execute(array_values($criteria));
        return array_map(fn(array $row) => new CliRow($row), $statement->fetchAll(PDO::FETCH_ASSOC));
    }

    public function getObject(string $class, int|array $criteria): ?CliRow
    {
        return $this->getCollection($class, is_array($criteria) ? $criteria : ['id' => $criteria])[0] ?? null;
    }

    /** Runs $sql, `%s` being the table prefix. */
    public function exec(string $sql, array $values): void
    {
        $this->pdo->prepare(sprintf($sql, $this->prefix))->execute($values);
    }
}
