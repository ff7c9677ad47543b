<?php
// A miniShop2 catalogue database for the ICML tests: SQLite tables with the column names of
// MODX 2.8 / miniShop2 4.x / msOptionsPrice2 (modx_site_content, modx_ms2_products, …), rows
// shaped like the captured ones in tests/fixtures/minishop2/db (msProduct.json and
// msProductData.json raw rows: DECIMAL as text, JSON lists as text, flags as 0/1), plus a
// modX for the harness that has the PDO connection and table names a snippet uses.
//
// Needs pdo_sqlite.

declare(strict_types=1);

require_once __DIR__ . '/harness.php';

final class CatalogDb
{
    /** The column lists no captured row gives: name => SQL type. */
    private const TABLES = [
        'ms2_product_options' => ['product_id' => 'INTEGER NOT NULL', 'key' => 'TEXT NOT NULL', 'value' => 'TEXT'],
        'ms2_product_categories' => ['product_id' => 'INTEGER NOT NULL', 'category_id' => 'INTEGER NOT NULL'],
        'ms2_vendors' => ['id' => 'INTEGER PRIMARY KEY', 'name' => 'TEXT NOT NULL', 'resource' => 'INTEGER', 'country' => 'TEXT',
            'logo' => 'TEXT', 'address' => 'TEXT', 'phone' => 'TEXT', 'fax' => 'TEXT', 'email' => 'TEXT',
            'description' => 'TEXT', 'properties' => 'TEXT'],
        'ms2_options' => ['id' => 'INTEGER PRIMARY KEY', 'key' => 'TEXT NOT NULL', 'caption' => 'TEXT NOT NULL',
            'description' => 'TEXT', 'measure_unit' => 'TEXT', 'category' => 'INTEGER', 'type' => 'TEXT', 'properties' => 'TEXT'],
        'msop_modifications' => ['id' => 'INTEGER PRIMARY KEY', 'name' => 'TEXT', 'rid' => 'INTEGER', 'type' => 'INTEGER',
            'price' => 'TEXT', 'old_price' => 'TEXT', 'article' => 'TEXT', 'weight' => 'TEXT', 'count' => 'INTEGER',
            'image' => 'INTEGER', 'active' => 'INTEGER', 'rank' => 'INTEGER', 'sync_id' => 'TEXT',
            'sync_service' => 'TEXT', 'description' => 'TEXT'],
        'msop_modification_options' => ['mid' => 'INTEGER', 'rid' => 'INTEGER', 'key' => 'TEXT', 'value' => 'TEXT'],
        'ms2_product_files' => ['id' => 'INTEGER PRIMARY KEY', 'product_id' => 'INTEGER NOT NULL', 'source' => 'INTEGER',
            'parent' => 'INTEGER NOT NULL', 'name' => 'TEXT', 'description' => 'TEXT', 'path' => 'TEXT', 'file' => 'TEXT',
            'type' => 'TEXT', 'createdon' => 'TEXT', 'createdby' => 'INTEGER', 'rank' => 'INTEGER', 'url' => 'TEXT',
            'properties' => 'TEXT', 'hash' => 'TEXT', 'active' => 'INTEGER'],
        'system_settings' => ['key' => 'TEXT PRIMARY KEY', 'value' => 'TEXT', 'xtype' => 'TEXT', 'namespace' => 'TEXT',
            'area' => 'TEXT', 'editedon' => 'TEXT'],
        'context_setting' => ['context_key' => 'TEXT', 'key' => 'TEXT', 'value' => 'TEXT', 'xtype' => 'TEXT',
            'namespace' => 'TEXT', 'area' => 'TEXT', 'editedon' => 'TEXT'],
    ];

    /** The indexes of the schemas that the reader's lookups by product use. */
    private const INDEXES = [
        'ms2_product_options' => ['product_id'],
        'ms2_product_categories' => ['product_id'],
        'ms2_product_files' => ['product_id'],
        'msop_modifications' => ['rid'],
        'msop_modification_options' => ['mid'],
    ];

    public function __construct(public readonly PDO $pdo, public readonly string $prefix = 'modx_')
    {
    }

    /**
     * A new database in $file with every table; $without: tables or `table.column`s left
     * out (`msop_modifications`, `ms2_products.remains`).
     */
    public static function create(string $file, array $without = [], string $prefix = 'modx_'): self
    {
        if (is_file($file)) {
            unlink($file);
        }
        $db = new self(new PDO("sqlite:$file", null, null, [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]), $prefix);
        $tables = self::TABLES + [
            'site_content' => self::columns(ShopFixtures::json('db/msProduct.json')['raw_row']),
            'ms2_products' => self::columns(ShopFixtures::json('db/msProductData.json')['raw_row']),
        ];
        foreach ($tables as $table => $columns) {
            if (in_array($table, $without, true)) {
                continue;
            }
            $sql = [];
            foreach ($columns as $column => $type) {
                if (!in_array("$table.$column", $without, true)) {
                    $sql[] = "`$column` $type";
                }
            }
            $db->pdo->exec("CREATE TABLE `$prefix$table` (" . implode(', ', $sql) . ')');
            foreach (self::INDEXES[$table] ?? [] as $column) {
                $db->pdo->exec("CREATE INDEX `{$prefix}{$table}_$column` ON `$prefix$table` (`$column`)");
            }
        }
        return $db;
    }

    /** SQL types for the columns of a captured raw row (`id` the primary key). */
    private static function columns(array $row): array
    {
        $columns = [];
        foreach ($row as $column => $value) {
            $columns[$column] = $column === 'id' ? 'INTEGER PRIMARY KEY' : (is_int($value) ? 'INTEGER' : 'TEXT');
        }
        return $columns;
    }

    /** Inserts $row into $table (without the prefix), the columns it names. */
    public function insert(string $table, array $row): void
    {
        $columns = implode(', ', array_map(fn($c) => "`$c`", array_keys($row)));
        $values = implode(', ', array_fill(0, count($row), '?'));
        $this->pdo->prepare("INSERT INTO `{$this->prefix}$table` ($columns) VALUES ($values)")
            ->execute(array_values($row));
    }

    /** The captured product's modx_site_content row with $changes. */
    public static function resource(array $changes): array
    {
        return array_merge(ShopFixtures::json('db/msProduct.json')['raw_row'], $changes);
    }

    /** An msCategory resource, shaped like the captured product's resource row. */
    public function category(int $id, string $title, int $parent, array $changes = []): void
    {
        $this->insert('site_content', self::resource([
            'id' => $id, 'pagetitle' => $title, 'alias' => "category-$id", 'parent' => $parent, 'isfolder' => 1,
            'class_key' => 'msCategory', 'uri' => "category-$id/", 'content' => '', 'introtext' => '',
        ] + $changes));
    }

    /**
     * An msProduct: the captured resource row and msProductData row with $resource and
     * $data changes (the columns a table lacks are left out).
     */
    public function product(int $id, array $resource, array $data = []): void
    {
        $this->insert('site_content', self::resource(['id' => $id, 'alias' => "product-$id"] + $resource));
        $row = array_merge(ShopFixtures::json('db/msProductData.json')['raw_row'], ['id' => $id], $data);
        $columns = array_column($this->pdo->query("PRAGMA table_info(`{$this->prefix}ms2_products`)")->fetchAll(), 'name');
        $this->insert('ms2_products', array_intersect_key($row, array_flip($columns)));
    }

    /** A system setting (and, with $context, a context setting of that context). */
    public function setting(string $key, string $value, ?string $context = null): void
    {
        if ($context === null) {
            $this->pdo->prepare("DELETE FROM `{$this->prefix}system_settings` WHERE `key` = ?")->execute([$key]);
            $this->insert('system_settings', ['key' => $key, 'value' => $value, 'xtype' => 'textfield', 'namespace' => 'core']);
        } else {
            $this->insert('context_setting', ['context_key' => $context, 'key' => $key, 'value' => $value]);
        }
    }
}

/** modX with what the icml snippet uses: connect() and $pdo, loaded classes in $map with getTableName(), $resource. */
final class CatalogModX extends modX
{
    public ?PDO $pdo = null;
    public ?xPDOObjectStub $resource = null;

    public function __construct(private readonly CatalogDb $catalog, array $config = [])
    {
        parent::__construct($config + ['table_prefix' => $catalog->prefix]);
        foreach (['modResource' => 'site_content', 'msProductData' => 'ms2_products', 'msVendor' => 'ms2_vendors'] as $class => $table) {
            $this->map[$class] = ['table' => $table];
        }
    }

    public function connect(): bool
    {
        $this->pdo = $this->catalog->pdo;
        return true;
    }

    /** xPDO::getTableName() for the classes in $map. */
    public function getTableName($className, $includeDb = false)
    {
        $table = $this->map[$className]['table'] ?? null;
        return $table === null ? null : '`' . $this->catalog->prefix . $table . '`';
    }
}

/** The repository's icml snippet file. */
function icml_snippet_file(): string
{
    return dirname(__DIR__, 3) . '/php-plugin/elements/snippets/icml.php';
}

/**
 * The test catalogue: published, unpublished, deleted and nested categories, a folder that is
 * not a category, the captured product with a vendor, options, an extra category and two
 * msOptionsPrice2 modifications (one inactive), escaping cases, products that are not
 * exported, and one whose price the writer refuses.
 */
function fill_catalog(CatalogDb $db): void
{
    $db->category(1, 'Каталог', 0);
    $db->category(2, 'Shirts & "Tees" <new>', 1);
    $db->category(5, 'Hidden', 1, ['published' => 0]);
    $db->category(6, 'Deleted', 1, ['deleted' => 1]);
    $db->category(7, "Kids' 👶", 2);
    $db->insert('site_content', CatalogDb::resource(['id' => 8, 'pagetitle' => 'Other shop', 'alias' => 'other',
        'parent' => 0, 'isfolder' => 1, 'class_key' => 'modDocument']));
    $db->category(9, 'Other shop category', 8);
    $db->category(10, 'Under the hidden one', 5);
    $db->insert('ms2_vendors', ['id' => 4, 'name' => 'Acme & Co']);
    $db->insert('ms2_options', ['id' => 1, 'key' => 'material', 'caption' => 'Материал', 'category' => 0, 'type' => 'textfield']);

    $db->product(3, ['uri' => 'shirts/test-t-shirt.html'], ['vendor' => 4, 'image' => '/assets/images/products/3/t-shirt.jpg']);
    foreach ([['material', 'cotton'], ['material', 'lycra'], ['fit', 'slim'], ['empty', '']] as [$key, $value]) {
        $db->insert('ms2_product_options', ['product_id' => 3, 'key' => $key, 'value' => $value]);
    }
    // The gallery as miniShop2 keeps it: originals (parent 0) with their thumbnails, in rank order;
    // the first original is the product's main image.
    $files = [
        [1, 0, 'products/3/', 't-shirt.jpg', 'image', 0, 1],
        [2, 1, 'products/3/small/', 't-shirt.jpg', 'image', 0, 1],
        [3, 0, 'products/3/', 'back&side.jpg', 'image', 2, 1],
        [4, 0, 'products/3/', 'label.jpg', 'image', 1, 1],
        [5, 0, 'products/3/', 'size-chart.pdf', 'pdf', 3, 1],
        [6, 0, 'products/3/', 'old.jpg', 'image', 4, 0],
    ];
    foreach ($files as [$id, $parent, $path, $file, $type, $rank, $active]) {
        $db->insert('ms2_product_files', ['id' => $id, 'product_id' => 3, 'source' => 2, 'parent' => $parent,
            'name' => pathinfo($file, PATHINFO_FILENAME), 'path' => $path, 'file' => $file, 'type' => $type,
            'rank' => $rank, 'url' => "/assets/images/$path$file", 'active' => $active]);
    }
    $db->insert('ms2_product_categories', ['product_id' => 3, 'category_id' => 7]);
    $db->insert('ms2_product_categories', ['product_id' => 3, 'category_id' => 5]);
    $modifications = [
        [1, 'Red L', '1500', 'TS-001-RL', '0.000', 2, 1, ['color' => 'red', 'size' => 'L']],
        [2, 'Blue M', '1400', 'TS-001-BM', '0.300', 0, 0, ['color' => 'blue']],
        [3, 'Green & <XL>', '1600.5', '', '0.400', 7, 1, ['color' => 'green', 'material' => 'silk']],
    ];
    foreach ($modifications as $rank => [$id, $name, $price, $article, $weight, $count, $active, $options]) {
        $db->insert('msop_modifications', ['id' => $id, 'name' => $name, 'rid' => 3, 'type' => 1, 'price' => $price,
            'old_price' => '0', 'article' => $article, 'weight' => $weight, 'count' => $count, 'active' => $active, 'rank' => $rank]);
        foreach ($options as $key => $value) {
            $db->insert('msop_modification_options', ['mid' => $id, 'rid' => 3, 'key' => $key, 'value' => $value]);
        }
    }

    $db->product(11, ['pagetitle' => "Tom & Jerry <b>\"x\"</b> 'q' 👕 שלום", 'parent' => 7, 'uri' => 'kids/tom-jerry.html'],
        ['article' => 'TJ-<1>', 'price' => '2967.18', 'weight' => '0.000', 'remains' => 0, 'color' => '[]',
            'size' => '["XS"]', 'vendor' => 0, 'image' => 'assets/images/products/11/tj.png']);
    $db->product(12, ['pagetitle' => 'Unpublished', 'published' => 0]);
    $db->product(13, ['pagetitle' => 'Deleted', 'deleted' => 1]);
    $db->product(14, ['pagetitle' => 'In the hidden category', 'parent' => 5]);
    $db->product(15, ['pagetitle' => 'Other shop product', 'parent' => 9], ['image' => null, 'price' => '99.90']);
    $db->product(16, ['pagetitle' => 'Broken price', 'parent' => 2], ['price' => 'abc']);
    $db->product(17, ['pagetitle' => 'Under the hidden category', 'parent' => 10], ['price' => '10']);
    $db->insert('site_content', CatalogDb::resource(['id' => 18, 'pagetitle' => 'A page, not a product', 'parent' => 2,
        'class_key' => 'modDocument']));

    $db->setting('site_name', 'Tom & Jerry <Shop>');
    $db->setting('friendly_urls', '1');
    $db->setting('modretailcrm_allow_msoptionsprice', '1');
}
