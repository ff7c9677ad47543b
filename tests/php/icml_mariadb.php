<?php
// ModRetailCrm\Plugin\IcmlCatalog (php-plugin/lib) against a real MariaDB/MySQL server: a
// generated miniShop2 catalogue (MODX 2.8 / miniShop2 4.x / msOptionsPrice2 tables with their
// indexes, rows shaped like tests/fixtures/minishop2/db) in a database of the test's own, the
// export checked (every product and modification written), then every query the reader ran
// checked with EXPLAIN at the first and the last page: the products are read on the primary key
// in id order (no filesort, no other index walked from the start), the rows of a page by the
// product's index, no table read whole; a page is at most three queries.
//
// Needs pdo_mysql and SimpleXML. ICML_DIR: an empty directory; ICML_MYSQL_SOCKET: the server's
// socket (user root, no password); ICML_PRODUCTS: how many products (default 20000).
// With ICML_EXPLAIN=1 the plans are printed.

declare(strict_types=1);

require __DIR__ . '/lib.php';
require dirname(__DIR__, 2) . '/php-plugin/lib/IcmlCatalog.php';

use ModRetailCrm\Plugin\IcmlCatalog;

/** The statements run, with their values (PDO::ATTR_STATEMENT_CLASS). */
final class LoggedStatement extends PDOStatement
{
    /** @var list<array{0: string, 1: array}> */
    public static array $log = [];

    protected function __construct()
    {
    }

    public function execute(?array $params = null): bool
    {
        self::$log[] = [$this->queryString, $params ?? []];
        return parent::execute($params);
    }
}

/** The MODX / miniShop2 / msOptionsPrice2 tables the reader reads, with the indexes their schemas give. */
const SCHEMA = [
    'site_content' => "id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, type VARCHAR(20) NOT NULL DEFAULT 'document',
        contentType VARCHAR(50) NOT NULL DEFAULT 'text/html', pagetitle VARCHAR(191) NOT NULL DEFAULT '',
        longtitle VARCHAR(191) NOT NULL DEFAULT '', description TEXT, alias VARCHAR(191) DEFAULT '',
        published TINYINT UNSIGNED NOT NULL DEFAULT 0, parent INT NOT NULL DEFAULT 0,
        isfolder TINYINT UNSIGNED NOT NULL DEFAULT 0, introtext TEXT, content MEDIUMTEXT,
        template INT NOT NULL DEFAULT 0, menuindex INT NOT NULL DEFAULT 0, deleted TINYINT UNSIGNED NOT NULL DEFAULT 0,
        hidemenu TINYINT UNSIGNED NOT NULL DEFAULT 0, class_key VARCHAR(100) NOT NULL DEFAULT 'modDocument',
        context_key VARCHAR(100) NOT NULL DEFAULT 'web', uri TEXT, properties MEDIUMTEXT,
        KEY alias (alias), KEY published (published), KEY parent (parent), KEY isfolder (isfolder),
        KEY template (template), KEY menuindex (menuindex), KEY hidemenu (hidemenu), KEY class_key (class_key),
        KEY context_key (context_key), KEY uri (uri(191))",
    'ms2_products' => "id INT UNSIGNED NOT NULL PRIMARY KEY, article VARCHAR(50), price DECIMAL(12,2) DEFAULT 0,
        old_price DECIMAL(12,2) DEFAULT 0, weight DECIMAL(13,3) DEFAULT 0, remains INT DEFAULT 0, reserved INT DEFAULT 0,
        image VARCHAR(255), thumb VARCHAR(255), vendor INT UNSIGNED DEFAULT 0, made_in VARCHAR(100) DEFAULT '',
        new TINYINT UNSIGNED DEFAULT 0, popular TINYINT UNSIGNED DEFAULT 0, favorite TINYINT UNSIGNED DEFAULT 0,
        tags TEXT, color TEXT, size TEXT, source INT UNSIGNED DEFAULT 1,
        KEY article (article), KEY price (price), KEY old_price (old_price), KEY vendor (vendor), KEY new (new),
        KEY favorite (favorite), KEY popular (popular), KEY made_in (made_in)",
    'ms2_product_options' => "product_id INT UNSIGNED NOT NULL, `key` VARCHAR(191) NOT NULL, value TEXT,
        KEY product (product_id, `key`), KEY `key` (`key`)",
    'ms2_product_categories' => "product_id INT UNSIGNED NOT NULL, category_id INT UNSIGNED NOT NULL,
        PRIMARY KEY (product_id, category_id)",
    'ms2_product_files' => "id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, product_id INT UNSIGNED NOT NULL,
        source INT UNSIGNED DEFAULT 1, parent INT UNSIGNED NOT NULL DEFAULT 0, name VARCHAR(191) DEFAULT '',
        path VARCHAR(255) DEFAULT '', file VARCHAR(255) NOT NULL DEFAULT '', type VARCHAR(50) DEFAULT NULL,
        `rank` SMALLINT UNSIGNED DEFAULT 0, url VARCHAR(255) DEFAULT '', hash CHAR(40) DEFAULT '',
        active TINYINT UNSIGNED DEFAULT 1,
        KEY product_id (product_id), KEY type (type), KEY parent (parent), KEY hash (hash), KEY active (active)",
    'ms2_vendors' => "id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, name VARCHAR(100) NOT NULL",
    'ms2_options' => "id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, `key` VARCHAR(191) NOT NULL,
        caption VARCHAR(191) NOT NULL DEFAULT '', UNIQUE KEY `key` (`key`)",
    'msop_modifications' => "id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, name VARCHAR(255) DEFAULT '',
        rid INT UNSIGNED NOT NULL, type TINYINT UNSIGNED DEFAULT 1, price VARCHAR(20) DEFAULT '0',
        old_price VARCHAR(20) DEFAULT '0', article VARCHAR(50) DEFAULT '', weight DECIMAL(13,3) DEFAULT 0,
        count INT DEFAULT 0, image INT UNSIGNED DEFAULT 0, active TINYINT UNSIGNED DEFAULT 1,
        `rank` TINYINT UNSIGNED DEFAULT 0, sync_id VARCHAR(100) DEFAULT '', sync_service VARCHAR(100) DEFAULT '',
        description TEXT, KEY rid (rid), KEY type (type), KEY active (active)",
    'msop_modification_options' => "mid INT UNSIGNED NOT NULL, rid INT UNSIGNED NOT NULL, `key` VARCHAR(100) NOT NULL,
        value VARCHAR(191) DEFAULT '', KEY mid (mid), KEY rid (rid), KEY `key` (`key`)",
];

/** Multi-row INSERTs, flushed every 1000 rows. */
final class Inserts
{
    private array $rows = [];

    public function __construct(private readonly PDO $pdo)
    {
    }

    public function add(string $table, array $row): void
    {
        $this->rows[$table][] = $row;
        if (count($this->rows[$table]) >= 1000) {
            $this->flush($table);
        }
    }

    public function flush(?string $only = null): void
    {
        foreach ($only === null ? array_keys($this->rows) : [$only] as $table) {
            $rows = $this->rows[$table] ?? [];
            if ($rows === []) {
                continue;
            }
            $columns = implode(', ', array_map(fn($c) => "`$c`", array_keys($rows[0])));
            $tuple = '(' . implode(', ', array_fill(0, count($rows[0]), '?')) . ')';
            $this->pdo->prepare("INSERT INTO `modx_$table` ($columns) VALUES " . implode(', ', array_fill(0, count($rows), $tuple)))
                ->execute(array_merge(...array_map('array_values', $rows)));
            $this->rows[$table] = [];
        }
    }
}

$dir = env('ICML_DIR');
$products = (int) (getenv('ICML_PRODUCTS') ?: 20000);
$pdo = new PDO('mysql:unix_socket=' . env('ICML_MYSQL_SOCKET') . ';charset=utf8mb4', 'root', '',
    [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]);
$pdo->exec('DROP DATABASE IF EXISTS icml_shop');
$pdo->exec('CREATE DATABASE icml_shop CHARACTER SET utf8mb4');
$pdo->exec('USE icml_shop');
foreach (SCHEMA as $table => $columns) {
    $pdo->exec("CREATE TABLE `modx_$table` ($columns) ENGINE=InnoDB");
}

// 20 categories (ids 1-20) and a page of documents, then the products: every 9th unpublished,
// every 2nd with a gallery picture, every 3rd also in a second category, every 10th with two
// msOptionsPrice2 modifications.
$inserts = new Inserts($pdo);
$inserts->add('ms2_vendors', ['id' => 1, 'name' => 'Acme & Co']);
$inserts->add('ms2_options', ['id' => 1, 'key' => 'material', 'caption' => 'Материал']);
for ($id = 1; $id <= 20; $id++) {
    $inserts->add('site_content', ['id' => $id, 'pagetitle' => "Category $id", 'parent' => 0, 'isfolder' => 1,
        'published' => 1, 'class_key' => 'msCategory', 'uri' => "category-$id/"]);
}
$expected = ['products' => 0, 'offers' => 0];
$mid = 0;
for ($id = 21; $id < 21 + $products; $id++) {
    $published = $id % 9 !== 0;
    $inserts->add('site_content', ['id' => $id, 'pagetitle' => "Product $id", 'parent' => 1 + $id % 20, 'isfolder' => 0,
        'published' => (int) $published, 'class_key' => 'msProduct', 'uri' => "category/product-$id.html"]);
    $inserts->add('ms2_products', ['id' => $id, 'article' => "A-$id", 'price' => sprintf('%d.50', 100 + $id % 900),
        'old_price' => '0.00', 'weight' => '0.250', 'remains' => $id % 7, 'image' => "/assets/products/$id.jpg",
        'vendor' => $id % 4 === 0 ? 1 : 0, 'made_in' => 'Portugal', 'tags' => '["cotton"]', 'color' => '["red","blue"]',
        'size' => '["M"]', 'source' => 2]);
    $inserts->add('ms2_product_options', ['product_id' => $id, 'key' => 'material', 'value' => 'cotton']);
    $inserts->add('ms2_product_options', ['product_id' => $id, 'key' => 'fit', 'value' => 'slim']);
    if ($id % 3 === 0) {
        $inserts->add('ms2_product_categories', ['product_id' => $id, 'category_id' => 1 + ($id + 7) % 20]);
    }
    if ($id % 2 === 0) {
        $inserts->add('ms2_product_files', ['product_id' => $id, 'parent' => 0, 'file' => "$id-2.jpg", 'type' => 'image',
            'rank' => 1, 'url' => "/assets/products/$id-2.jpg", 'active' => 1]);
    }
    $modifications = $id % 10 === 0 ? 2 : 0;
    for ($m = 1; $m <= $modifications; $m++) {
        $mid++;
        $inserts->add('msop_modifications', ['id' => $mid, 'name' => "Size $m", 'rid' => $id, 'type' => 1,
            'price' => sprintf('%d.00', 200 + $m), 'article' => "A-$id-$m", 'count' => 3, 'active' => 1, 'rank' => $m]);
        $inserts->add('msop_modification_options', ['mid' => $mid, 'rid' => $id, 'key' => 'size', 'value' => "S$m"]);
    }
    if ($published) {
        $expected['products']++;
        $expected['offers'] += 1 + $modifications;
    }
}
$inserts->flush();
foreach (array_keys(SCHEMA) as $table) {
    $pdo->query("ANALYZE TABLE `modx_$table`")->fetchAll();
}

$pdo->setAttribute(PDO::ATTR_STATEMENT_CLASS, [LoggedStatement::class, []]);
$catalog = new IcmlCatalog($pdo, IcmlCatalog::tables('modx_'));
$summary = $catalog->export("$dir/catalog.xml", [], ['site_name' => 'Shop', 'site_url' => 'https://shop.example/',
    'friendly_urls' => '1', 'modretailcrm_allow_msoptionsprice' => '1']);
same($expected['products'], $summary['products'], 'every published product written');
same($expected['offers'], $summary['offers'], 'every product and modification an offer');
same(0, $summary['refused']);
$pdo->setAttribute(PDO::ATTR_STATEMENT_CLASS, [PDOStatement::class]);

// The reader's queries by shape (the values aside), each at its first and its last run.
$reads = array_values(array_filter(LoggedStatement::$log, fn(array $q) => !str_contains($q[0], 'WHERE 1 = 0')));
$shapes = [];
foreach ($reads as [$sql, $values]) {
    $shape = preg_replace('/\?(, \?)*/', '?', $sql);
    $shapes[$shape]['first'] ??= [$sql, $values];
    $shapes[$shape]['last'] = [$sql, $values];
    $shapes[$shape]['runs'] = ($shapes[$shape]['runs'] ?? 0) + 1;
}
$pages = intdiv($products + IcmlCatalog::PAGE_SIZE - 1, IcmlCatalog::PAGE_SIZE);

$pdo->setAttribute(PDO::MYSQL_ATTR_USE_BUFFERED_QUERY, true);
foreach ($shapes as $shape => $runs) {
    foreach (['first', 'last'] as $which) {
        [$sql, $values] = $runs[$which];
        $statement = $pdo->prepare("EXPLAIN $sql");
        $statement->execute($values);
        $plan = $statement->fetchAll(PDO::FETCH_ASSOC);
        if (getenv('ICML_EXPLAIN') === '1') {
            echo "--- $which of {$runs['runs']}: ", preg_replace('/\s+/', ' ', $shape), "\n";
            foreach ($plan as $row) {
                echo '  ', implode(' | ', array_map(fn($k) => "$k=" . ($row[$k] ?? 'NULL'),
                    ['id', 'select_type', 'table', 'type', 'key', 'rows', 'Extra'])), "\n";
            }
        }
        foreach ($plan as $row) {
            $table = (string) $row['table'];
            if (str_starts_with($table, '<union')) {
                continue; // the page's own rows, sorted once read
            }
            check($row['type'] !== 'ALL' && $row['type'] !== 'index',
                "no table read whole ($which run of $shape): " . json_encode($plan));
        }
        if (str_contains($shape, 'JOIN `modx_ms2_products`')) {
            foreach ($plan as $row) {
                check(!str_contains((string) $row['Extra'], 'filesort') && !str_contains((string) $row['Extra'], 'temporary'),
                    "the products read in id order, not sorted ($which): " . json_encode($plan));
            }
            same('c', $plan[0]['table'], "the products read from site_content first: " . json_encode($plan));
            same('PRIMARY', $plan[0]['key'], "the products page on the primary key ($which): " . json_encode($plan));
        }
    }
}
check(count($reads) <= 3 * ($pages + 1) + 4, count($reads) . " queries for $pages pages: at most three a page");
$pdo->exec('DROP DATABASE icml_shop');
unlink("$dir/catalog.xml");

done();
