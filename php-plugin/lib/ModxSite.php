<?php
/**
 * modRetailCRM — a MODX Revolution 2.x site as the command line sees it, without starting
 * MODX: its database connection, table prefix and paths from config.core.php and
 * core/config/{MODX_CONFIG_KEY}.inc.php, and its settings from the database.
 */

declare(strict_types=1);

namespace ModRetailCrm\Plugin;

use PDO;
use RuntimeException;

final class ModxSite
{
    /**
     * @param array<string, string> $paths core_path, base_path, assets_path
     * @param array{0: string, 1: string, 2: string} $connection the site's DSN, user and
     *     password (for the outbox in the site's database, see QueueConnection)
     */
    private function __construct(
        public readonly PDO $pdo,
        public readonly string $prefix,
        public readonly array $paths,
        private readonly string $siteUrl,
        private readonly array $connection,
    ) {
    }

    /**
     * Opens the site installed in $dir (the folder holding config.core.php). Defines the
     * MODX_* constants the site's configuration defines, so call it once per process.
     */
    public static function open(string $dir): self
    {
        $dir = rtrim($dir, '/');
        $core = "$dir/config.core.php";
        if (!is_file($core)) {
            throw new RuntimeException("$dir is not a MODX site: $core is missing");
        }
        require_once $core;
        if (!defined('MODX_CORE_PATH')) {
            throw new RuntimeException("$core does not define MODX_CORE_PATH");
        }
        $key = defined('MODX_CONFIG_KEY') ? MODX_CONFIG_KEY : 'config';
        $file = MODX_CORE_PATH . "config/$key.inc.php";
        if (!is_file($file)) {
            throw new RuntimeException("the MODX configuration $file is missing");
        }
        $config = (static function (string $file): array {
            require $file;
            return get_defined_vars();
        })($file);
        if (!isset($config['database_dsn'])) {
            throw new RuntimeException("$file does not set \$database_dsn");
        }
        $pdo = new PDO(
            (string) $config['database_dsn'],
            isset($config['database_user']) ? (string) $config['database_user'] : null,
            isset($config['database_password']) ? (string) $config['database_password'] : null,
            [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION],
        );
        $constant = static fn(string $name, string $default): string => defined($name) ? (string) constant($name) : $default;
        $base = $constant('MODX_BASE_PATH', "$dir/");
        $paths = [
            'core_path' => MODX_CORE_PATH,
            'base_path' => $base,
            'assets_path' => $constant('MODX_ASSETS_PATH', $base . 'assets/'),
        ];
        $connection = [
            (string) $config['database_dsn'],
            (string) ($config['database_user'] ?? ''),
            (string) ($config['database_password'] ?? ''),
        ];
        return new self($pdo, (string) ($config['table_prefix'] ?? 'modx_'), $paths, $constant('MODX_SITE_URL', ''), $connection);
    }

    /**
     * The site's connection for the catalogue reader of the extension (IcmlCatalog).
     *
     * @return array{dsn: string, user: string, password: string, prefix: string}
     */
    public function database(): array
    {
        [$dsn, $user, $password] = $this->connection;
        return ['dsn' => $dsn, 'user' => $user, 'password' => $password, 'prefix' => $this->prefix];
    }

    /**
     * Settings as MODX gives them in the `web` context: system settings whose key starts
     * with $prefix or is one of $keys, overridden by the web context's settings; `site_url`
     * from the context, else the configuration's MODX_SITE_URL; plus the paths. With the
     * outbox in MySQL, its blank connection settings are the site's (QueueConnection).
     *
     * @param list<string> $keys
     * @return array<string, mixed>
     */
    public function settings(string $prefix, array $keys = []): array
    {
        $settings = ['site_url' => $this->siteUrl];
        $where = "`key` LIKE ? ESCAPE '!'" . ($keys === [] ? '' : ' OR `key` IN (' . implode(', ', array_fill(0, count($keys), '?')) . ')');
        $like = strtr($prefix, ['!' => '!!', '%' => '!%', '_' => '!_']) . '%';
        $queries = [
            "SELECT `key`, value FROM `{$this->prefix}system_settings` WHERE $where" => [$like, ...$keys],
            "SELECT `key`, value FROM `{$this->prefix}context_setting` WHERE context_key = 'web' AND ($where)" => [$like, ...$keys],
        ];
        foreach ($queries as $sql => $values) {
            $statement = $this->pdo->prepare($sql);
            $statement->execute($values);
            foreach ($statement->fetchAll(PDO::FETCH_ASSOC) as $row) {
                $settings[(string) $row['key']] = $row['value'];
            }
        }
        [$dsn, $user, $password] = $this->connection;
        return QueueConnection::fill($settings + $this->paths, $dsn, $user, $password, $this->prefix);
    }
}
