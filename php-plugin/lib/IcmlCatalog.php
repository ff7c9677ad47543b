<?php
/**
 * modRetailCRM — the miniShop2 catalogue read from the MODX database and streamed to the
 * modretailcrm extension's ICML writer (ModRetailCrm\Icml\Writer), for the `icml` snippet
 * and the `icml` CLI command.
 *
 * Thin: rows are gathered into miniShop2-shaped arrays (msProduct + msProductData fields,
 * `options`, msOptionsPrice2 `modifications`); the ICML mapping happens in the extension.
 *
 * Memory does not grow with the catalogue: rows are read in pages (`WHERE id > ? ORDER BY
 * id LIMIT n`, on the primary key: MySQL and MariaDB are held to it by an index hint, so a
 * page costs the same wherever it is), each page read completely before the next query,
 * each product written before the next page. A page is four queries (five with
 * msOptionsPrice2), each by the page's range of ids on an index: the products; their options;
 * their categories; their pictures; their modifications with their options (joined). Rows are
 * sorted here, not by the database: an ORDER BY or a UNION of these made MariaDB copy the rows
 * into a temporary table first (measured at 100,000 products: the UNION ALL of options,
 * categories and pictures cost it 1.14-1.21 s of CPU, the three queries 0.74-0.87 s; the
 * modifications' ORDER BY 0.26-0.32 s against 0.19-0.20 s). On MySQL the
 * queries are unbuffered (the rows come from the server as they are read, not copied into
 * PHP first), and a page keeps each statement short, so MyISAM tables (miniShop2's default)
 * are not locked for the whole export. Only the categories (few) are held.
 */

declare(strict_types=1);

namespace ModRetailCrm\Plugin;

require_once __DIR__ . '/PrivateFolder.php';

use ModRetailCrm\Icml\Writer;
use ModRetailCrm\ValidationException;
use PDO;
use PDOException;
use RuntimeException;

final class IcmlCatalog
{
    /** Rows per query. */
    public const PAGE_SIZE = 500;

    /** Refused products whose message is kept in the summary (the rest are counted). */
    private const REFUSALS_KEPT = 20;

    /** The tables read, by miniShop2/MODX class, with their names without the prefix. */
    public const TABLES = [
        'modResource' => 'site_content',
        'msProductData' => 'ms2_products',
        'msProductOption' => 'ms2_product_options',
        'msCategoryMember' => 'ms2_product_categories',
        'msProductFile' => 'ms2_product_files',
        'msVendor' => 'ms2_vendors',
        'msOption' => 'ms2_options',
        'msopModification' => 'msop_modifications',
        'msopModificationOption' => 'msop_modification_options',
    ];

    /** The unit of every offer, as the older modRetailCRM snippet wrote it. */
    private const UNIT = ['code' => 'pcs', 'name' => 'Штука', 'sym' => 'шт.'];

    /** Param names of msProductData fields; msOption captions are added for options. */
    private const PARAMS = ['article' => 'Артикул', 'color' => 'Цвет', 'size' => 'Размер'];

    /**
     * @param array<string, string> $tables class => quoted table name (as
     *   $modx->getTableName() gives it), for every key of TABLES; see tables()
     * @param array{dsn: string, user: string, password: string, prefix: string}|null $database
     *   the site's connection (MODX's `dsn`, `username`, `password`, `table_prefix`): on a
     *   MySQL/MariaDB site the extension reads the catalogue itself with it
     *   (Writer::exportDatabase, no PHP array per product; the same document); without it, or
     *   on SQLite, this class reads it through $pdo
     */
    public function __construct(
        private readonly PDO $pdo,
        private readonly array $tables,
        private readonly int $pageSize = self::PAGE_SIZE,
        private readonly ?array $database = null,
    ) {
        foreach (array_keys(self::TABLES) as $class) {
            if (!isset($tables[$class])) {
                throw new RuntimeException("IcmlCatalog: no table name for $class");
            }
        }
        if ($pageSize < 1) {
            throw new RuntimeException('IcmlCatalog: the page size must be at least 1');
        }
    }

    /**
     * Table names for a database whose tables have the prefix $prefix (`modx_`), quoted
     * with backticks (MySQL; SQLite accepts them too). $known: class => name already known
     * (from $modx->getTableName()), kept.
     *
     * @param array<string, string|null> $known
     * @return array<string, string>
     */
    public static function tables(string $prefix, array $known = []): array
    {
        $tables = [];
        foreach (self::TABLES as $class => $name) {
            $given = $known[$class] ?? null;
            $tables[$class] = is_string($given) && $given !== '' ? $given : '`' . $prefix . $name . '`';
        }
        return $tables;
    }

    /** The file in the integration's private folder that keeps the last export's summary. */
    public const LAST_RUN = 'icml-last.json';

    /**
     * Keeps the $summary of an export finished at $at (Unix time) in the integration's
     * private folder (the `modretailcrm_data_path` setting, `{core_path}` from `core_path`
     * in $settings), where the manager page reads it (see lastRun). False when the setting
     * is empty or the folder cannot be written: the export itself stands.
     *
     * @param array<string, mixed> $settings
     * @param array<string, mixed> $summary what export() returned
     */
    public static function remember(array $settings, array $summary, int $at): bool
    {
        $file = self::lastRunFile($settings);
        if ($file === null || !is_dir(dirname($file))) {
            return false;
        }
        $kept = ['at' => $at] + array_intersect_key($summary, array_flip(['path', 'categories', 'offers', 'bytes', 'changed']));
        $json = json_encode($kept, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE);
        $temp = $file . '.' . getmypid() . '.tmp';
        if ($json === false || @file_put_contents($temp, $json) === false) {
            return false;
        }
        @chmod($temp, 0600);
        if (@rename($temp, $file)) {
            return true;
        }
        @unlink($temp);
        return false;
    }

    /**
     * The summary remember() kept for the site whose $settings are given (`at`, `path`,
     * `categories`, `offers`, `bytes`, `changed`), or null when there is none.
     *
     * @param array<string, mixed> $settings
     * @return array<string, mixed>|null
     */
    public static function lastRun(array $settings): ?array
    {
        $file = self::lastRunFile($settings);
        $json = $file !== null && is_file($file) ? @file_get_contents($file) : false;
        $run = is_string($json) ? json_decode($json, true) : null;
        return is_array($run) && is_int($run['at'] ?? null) && is_int($run['offers'] ?? null) ? $run : null;
    }

    /** Where remember() keeps the summary, or null without a private folder setting. */
    private static function lastRunFile(array $settings): ?string
    {
        $folder = trim((string) ($settings[PrivateFolder::SETTING] ?? ''));
        return $folder === '' ? null : PrivateFolder::path($folder, (string) ($settings['core_path'] ?? '')) . self::LAST_RUN;
    }

    /**
     * The path of the ICML file: $file, else the `modretailcrm_icml_file` setting, else
     * `{assets_path}modretailcrm/icml.xml`; `{assets_path}`, `{core_path}` and `{base_path}`
     * are replaced from $settings. It must be a `.xml` or `.xml.gz` file inside the site's
     * `assets_path` or the `modretailcrm_icml_folder` setting's folder: the path is
     * returned resolved (no `..`, no symbolic link), anything else is refused with a
     * ModRetailCrm\ConfigException saying why (see Writer::publishedPath).
     *
     * @param array<string, mixed> $settings
     */
    public static function path(?string $file, array $settings): string
    {
        $file = trim((string) $file);
        if ($file === '') {
            $file = trim((string) ($settings['modretailcrm_icml_file'] ?? ''));
        }
        if ($file === '') {
            $file = '{assets_path}modretailcrm/icml.xml';
        }
        return Writer::publishedPath(self::expand($file, $settings), self::folders($settings));
    }

    /**
     * The folders a catalogue may be published in: `assets_path` and the
     * `modretailcrm_icml_folder` setting's folder (placeholders replaced), when set.
     *
     * @param array<string, mixed> $settings
     * @return list<string>
     */
    public static function folders(array $settings): array
    {
        $folders = [(string) ($settings['assets_path'] ?? ''), trim((string) ($settings['modretailcrm_icml_folder'] ?? ''))];
        return array_values(array_filter(array_map(fn(string $folder) => self::expand($folder, $settings), $folders),
            fn(string $folder) => $folder !== ''));
    }

    /** $path with `{assets_path}`, `{core_path}` and `{base_path}` replaced from $settings. */
    private static function expand(string $path, array $settings): string
    {
        $placeholders = [];
        foreach (['assets_path', 'core_path', 'base_path'] as $key) {
            $placeholders['{' . $key . '}'] = (string) ($settings[$key] ?? '');
        }
        return strtr($path, $placeholders);
    }

    /**
     * Writes the catalogue to $path and publishes it (atomic rename; an unchanged catalogue
     * leaves the file as it was).
     *
     * $params: `shop`, `company` (default: `site_name`), `parents` (comma list of resource ids,
     * default 0 = the whole catalogue: the categories listed and every category below them).
     * $settings: `site_name`, `site_url` (the extension makes URLs and pictures absolute
     * against it; when set, it must be an http(s) address), `friendly_urls`,
     * `modretailcrm_allow_msoptionsprice`.
     *
     * Returns the writer's summary (`categories`, `offers` — products and modifications —,
     * `bytes`, `path`, `changed`) plus `products` (written), `refused` (count) and `refusals`
     * (the first messages): a product the writer refuses is left out (with its
     * modifications), the rest is published.
     *
     * @param array<string, mixed> $params
     * @param array<string, mixed> $settings
     * @return array<string, mixed>
     */
    public function export(string $path, array $params, array $settings): array
    {
        $siteName = (string) ($settings['site_name'] ?? '');
        $shop = [
            'name' => self::text($params['shop'] ?? null) ?? $siteName,
            'company' => self::text($params['company'] ?? null) ?? $siteName,
        ];
        $siteUrl = trim((string) ($settings['site_url'] ?? ''));
        $friendly = self::flag($settings['friendly_urls'] ?? false);

        $options = ['params' => self::PARAMS, 'unit' => self::UNIT];
        if ($siteUrl !== '') {
            $options['base_url'] = $siteUrl;
        }
        if (str_starts_with(trim((string) ($this->database['dsn'] ?? '')), 'mysql:')) {
            return Writer::exportDatabase($this->database, $path, $shop, $options, [
                'parents' => self::ids((string) ($params['parents'] ?? '0')),
                'friendly_urls' => $friendly,
                'modifications' => self::flag($settings['modretailcrm_allow_msoptionsprice'] ?? false),
            ]);
        }
        $buffered = $this->unbuffered();
        try {
            $options['params'] += $this->optionCaptions();
            $modifications = self::flag($settings['modretailcrm_allow_msoptionsprice'] ?? false)
                && $this->exists('msopModification');
            $modificationOptions = $modifications && $this->exists('msopModificationOption');
            $gallery = $this->exists('msProductFile');
            $categories = $this->categories(self::ids((string) ($params['parents'] ?? '0')));
            $writer = new Writer($path, $shop, $options);
            foreach ($categories as $category) {
                $writer->addCategory($category);
            }
            $counts = ['products' => 0, 'refused' => 0, 'refusals' => []];
            $after = 0;
            while (($page = $this->products($after, $categories)) !== null) {
                [$after, $products] = $page;
                if ($products === []) {
                    continue;
                }
                $ids = array_keys($products);
                $products = $this->withRelated($products, $ids, $categories, $gallery);
                if ($modifications) {
                    $products = $this->withModifications($products, $ids, $modificationOptions);
                }
                foreach ($products as $product) {
                    $this->write($writer, $this->shaped($product, $friendly), $counts);
                }
            }
            $summary = $writer->finish();
        } finally {
            $this->restore($buffered);
        }
        return $summary + $counts;
    }

    /** Writes one product (with its modifications); a refused one is counted and left out. */
    private function write(Writer $writer, array $product, array &$counts): void
    {
        try {
            $writer->addOffer($product);
            $counts['products']++;
        } catch (ValidationException $e) {
            $counts['refused']++;
            if (count($counts['refusals']) < self::REFUSALS_KEPT) {
                $counts['refusals'][] = $e->getMessage();
            }
        }
    }

    /**
     * The published, not deleted msCategory resources under $parents (all of them for [0]),
     * id => ['id', 'pagetitle', 'parent'], in id order. Folders that are not categories are
     * followed, so categories below a plain document count as under it.
     *
     * @param list<int> $parents
     * @return array<int, array{id: int, pagetitle: string, parent: int}>
     */
    private function categories(array $parents): array
    {
        $table = $this->tables['modResource'];
        $sql = "SELECT id, parent, pagetitle, class_key, published, deleted FROM $table"
            . " WHERE id > ? AND (class_key = 'msCategory' OR isfolder = 1) ORDER BY id LIMIT {$this->pageSize}";
        $children = [];
        $exportable = [];
        $after = 0;
        do {
            $rows = $this->page($sql, [$after]);
            foreach ($rows as $row) {
                $id = (int) $row['id'];
                $after = $id;
                $children[(int) $row['parent']][] = $id;
                if ($row['class_key'] === 'msCategory' && self::flag($row['published']) && !self::flag($row['deleted'])) {
                    $exportable[$id] = ['id' => $id, 'pagetitle' => (string) $row['pagetitle'], 'parent' => (int) $row['parent']];
                }
            }
        } while (count($rows) === $this->pageSize);

        if (in_array(0, $parents, true)) {
            return $exportable;
        }
        $under = [];
        $queue = $parents;
        while ($queue !== []) {
            $id = array_pop($queue);
            if (isset($under[$id])) {
                continue;
            }
            $under[$id] = true;
            foreach ($children[$id] ?? [] as $child) {
                $queue[] = $child;
            }
        }
        return array_intersect_key($exportable, $under);
    }

    /**
     * The next page of published, not deleted products after id $after, keeping those whose
     * parent is an exported category: [last id read, id => row], or null when none is left.
     *
     * @param array<int, mixed> $categories
     * @return array{0: int, 1: array<int, array<string, mixed>>}|null
     */
    private function products(int $after, array $categories): ?array
    {
        $t = $this->tables;
        $sql = "SELECT c.id, c.pagetitle, c.longtitle, c.parent, c.uri, c.published, d.*, v.name AS `vendor.name`"
            . " FROM {$t['modResource']} c{$this->primaryKey()} JOIN {$t['msProductData']} d ON d.id = c.id"
            . " LEFT JOIN {$t['msVendor']} v ON v.id = d.vendor"
            . " WHERE c.id > ? AND c.class_key = 'msProduct' AND c.published = 1 AND c.deleted = 0"
            . " ORDER BY c.id LIMIT {$this->pageSize}";
        $rows = $this->page($sql, [$after]);
        if ($rows === []) {
            return null;
        }
        $products = [];
        foreach ($rows as $row) {
            $after = (int) $row['id'];
            if (isset($categories[(int) $row['parent']])) {
                $products[$after] = $row;
            }
        }
        return [$after, $products];
    }

    /**
     * Adds what a page's products have in other tables: `options` (key => value, or a list
     * when the key has several) from msProductOption; the exported categories a product is
     * also a member of (msCategoryMember: its `parent` becomes the list `categoryId`); with
     * $gallery, the product's gallery (msProductFile: the original images — not their
     * thumbnails — that are active, in the manager's order) after its main `image`, which
     * becomes the list of its pictures.
     */
    private function withRelated(array $products, array $ids, array $categories, bool $gallery): array
    {
        $t = $this->tables;
        $inPage = 'product_id BETWEEN ? AND ?';
        $range = [min($ids), max($ids)];
        // Rows of one shape: kind (1 option, 2 category, 3 picture), product, option key, option
        // value or picture URL, category or picture rank, picture id.
        $queries = [
            "SELECT 1 AS kind, product_id, `key` AS name, value, 0 AS n1, 0 AS n2 FROM {$t['msProductOption']} WHERE $inPage",
            "SELECT 2 AS kind, product_id, NULL AS name, NULL AS value, category_id AS n1, 0 AS n2"
                . " FROM {$t['msCategoryMember']} WHERE $inPage",
        ];
        if ($gallery) {
            $queries[] = "SELECT 3 AS kind, product_id, NULL AS name, url AS value, `rank` AS n1, id AS n2"
                . " FROM {$t['msProductFile']} WHERE $inPage AND parent = 0 AND type = 'image' AND active = 1";
        }
        $rows = array_merge(...array_map(fn(string $sql) => $this->page($sql, $range, PDO::FETCH_NUM), $queries));
        $options = [];
        foreach (self::sorted($rows) as [$kind, $id, $name, $value, $n1]) {
            $id = (int) $id;
            if (!isset($products[$id])) {
                continue; // in the page's range but not exported
            }
            $kind = (int) $kind;
            if ($kind === 1 && $value !== null && $value !== '') {
                $options[$id][$name][] = $value;
            } elseif ($kind === 2) {
                $products[$id] = self::withCategory($products[$id], (int) $n1, $categories);
            } elseif ($kind === 3) {
                $products[$id]['image'] = self::withPicture($products[$id]['image'] ?? null, $value);
            }
        }
        foreach ($options as $id => $values) {
            $products[$id]['options'] = array_map(fn(array $v) => count($v) === 1 ? $v[0] : $v, $values);
        }
        return $products;
    }

    /**
     * The rows of withRelated() in the order it reads them: by kind, product, option key
     * (bytes), then category, or picture rank and id.
     */
    private static function sorted(array $rows): array
    {
        [$kind, $product, $name, $n1, $n2] = array_map(fn(int $column) => array_column($rows, $column), [0, 1, 2, 4, 5]);
        array_multisort($kind, SORT_NUMERIC, $product, SORT_NUMERIC, $name, SORT_STRING, $n1, SORT_NUMERIC,
            $n2, SORT_NUMERIC, $rows);
        return $rows;
    }

    /** $product also in $category when that is exported: its `parent` becomes the list `categoryId`. */
    private static function withCategory(array $product, int $category, array $categories): array
    {
        if (!isset($categories[$category])) {
            return $product;
        }
        $product['categoryId'] ??= [(int) $product['parent']];
        if (!in_array($category, $product['categoryId'], true)) {
            $product['categoryId'][] = $category;
        }
        unset($product['parent']);
        return $product;
    }

    /** The pictures $image (one or a list) with $url after them, unless empty or there already. */
    private static function withPicture(mixed $image, ?string $url): array
    {
        $pictures = (array) ($image ?? []);
        if ($url !== null && $url !== '' && !in_array($url, $pictures, true)) {
            $pictures[] = $url;
        }
        return $pictures;
    }

    /**
     * Adds `modifications`: the product's msopModification rows with their `options` (from
     * msopModificationOption, joined, when $withOptions).
     */
    private function withModifications(array $products, array $ids, bool $withOptions): array
    {
        $t = $this->tables;
        $sql = $withOptions
            ? "SELECT m.*, o.`key` AS `option.key`, o.value AS `option.value` FROM {$t['msopModification']} m"
                . " LEFT JOIN {$t['msopModificationOption']} o ON o.mid = m.id"
            : "SELECT m.* FROM {$t['msopModification']} m";
        $rows = $this->page("$sql WHERE m.rid BETWEEN ? AND ?", [min($ids), max($ids)]);
        // In the product's order, the manager's order of its modifications, then option keys (bytes).
        [$rid, $rank, $mid, $key] = array_map(fn(string $column) => array_column($rows, $column),
            ['rid', 'rank', 'id', 'option.key']);
        $key = array_pad($key, count($rows), null);
        array_multisort($rid, SORT_NUMERIC, $rank, SORT_NUMERIC, $mid, SORT_NUMERIC, $key, SORT_STRING, $rows);
        $found = [];
        foreach ($rows as $row) {
            $rid = (int) $row['rid'];
            if (!isset($products[$rid])) {
                continue; // in the page's range but not exported
            }
            $mid = (int) $row['id'];
            $option = $withOptions ? [$row['option.key'], $row['option.value']] : [null, null];
            unset($row['option.key'], $row['option.value']);
            $found[$rid][$mid] ??= $row + ['options' => []];
            if ($option[0] !== null) {
                $found[$rid][$mid]['options'][$option[0]] = $option[1];
            }
        }
        foreach ($found as $rid => $modifications) {
            $products[$rid]['modifications'] = array_values($modifications);
        }
        return $products;
    }

    /**
     * The row as the extension reads it: `uri` as MODX links the page. Pictures stay as
     * miniShop2 stores them; the extension makes them and the `uri` absolute against
     * `base_url` (the site URL).
     */
    private function shaped(array $product, bool $friendly): array
    {
        $uri = (string) ($product['uri'] ?? '');
        $product['uri'] = $friendly && $uri !== '' ? $uri : 'index.php?id=' . $product['id'];
        return $product;
    }

    /** msOption key => caption, for naming product options as params. */
    private function optionCaptions(): array
    {
        if (!$this->exists('msOption')) {
            return [];
        }
        $table = $this->tables['msOption'];
        $captions = [];
        $after = 0;
        do {
            $rows = $this->page("SELECT id, `key`, caption FROM $table WHERE id > ? ORDER BY id LIMIT {$this->pageSize}", [$after]);
            foreach ($rows as $row) {
                $after = (int) $row['id'];
                $caption = trim((string) $row['caption']);
                $captions[(string) $row['key']] = $caption !== '' ? $caption : (string) $row['key'];
            }
        } while (count($rows) === $this->pageSize);
        return $captions;
    }

    /**
     * Runs one query and reads all its rows (at most a page) before returning, keyed by
     * column name (or as $mode says).
     */
    private function page(string $sql, array $values, int $mode = PDO::FETCH_ASSOC): array
    {
        $statement = $this->pdo->prepare($sql);
        $statement->execute(array_values($values));
        $rows = $statement->fetchAll($mode);
        $statement->closeCursor();
        return $rows;
    }

    /**
     * The index hint that keeps MySQL and MariaDB on the primary key for a keyset page of
     * resources (` FORCE INDEX (PRIMARY)`; without it they may walk the `published` index
     * from its start on every page); nothing on other databases.
     */
    private function primaryKey(): string
    {
        return $this->pdo->getAttribute(PDO::ATTR_DRIVER_NAME) === 'mysql' ? ' FORCE INDEX (PRIMARY)' : '';
    }

    /** Whether the table of $class exists. */
    private function exists(string $class): bool
    {
        try {
            $this->page("SELECT 1 FROM {$this->tables[$class]} WHERE 1 = 0", []);
            return true;
        } catch (PDOException) {
            return false;
        }
    }

    /** Errors as exceptions and, on MySQL, unbuffered queries; returns what to restore. */
    private function unbuffered(): array
    {
        $before = ['mode' => $this->pdo->getAttribute(PDO::ATTR_ERRMODE)];
        $this->pdo->setAttribute(PDO::ATTR_ERRMODE, PDO::ERRMODE_EXCEPTION);
        if ($this->pdo->getAttribute(PDO::ATTR_DRIVER_NAME) === 'mysql') {
            $before['buffered'] = $this->pdo->getAttribute(PDO::MYSQL_ATTR_USE_BUFFERED_QUERY);
            $this->pdo->setAttribute(PDO::MYSQL_ATTR_USE_BUFFERED_QUERY, false);
        }
        return $before;
    }

    private function restore(array $before): void
    {
        $this->pdo->setAttribute(PDO::ATTR_ERRMODE, $before['mode']);
        if (isset($before['buffered'])) {
            $this->pdo->setAttribute(PDO::MYSQL_ATTR_USE_BUFFERED_QUERY, $before['buffered']);
        }
    }

    /**
     * The resource ids of a `parents` list (`0` or empty: the whole catalogue).
     *
     * @return list<int>
     */
    public static function ids(string $list): array
    {
        $ids = [];
        foreach (explode(',', $list) as $part) {
            $part = trim($part);
            if (preg_match('/^\d+$/', $part)) {
                $ids[] = (int) $part;
            }
        }
        return $ids === [] ? [0] : array_values(array_unique($ids));
    }

    /** A MODX setting's truth: 1, true, yes, on. */
    public static function flag(mixed $value): bool
    {
        if (is_bool($value)) {
            return $value;
        }
        return in_array(strtolower(trim((string) $value)), ['1', 'true', 'yes', 'on'], true);
    }

    private static function text(mixed $value): ?string
    {
        $text = is_scalar($value) ? trim((string) $value) : '';
        return $text === '' ? null : $text;
    }
}
