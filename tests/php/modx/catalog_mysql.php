<?php
// A generated miniShop2 catalogue in a MySQL/MariaDB database, for the ICML reader's test
// (tests/php/icml_mariadb.php) and benchmark (benches/icml_db.php): the MODX 2.8 / miniShop2 4.x
// / msOptionsPrice2 tables the reader reads, with the indexes their schemas give, rows shaped
// like tests/fixtures/minishop2/db. Needs pdo_mysql.

declare(strict_types=1);

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

/**
 * Creates the database $name (dropped first when it exists), selects it and fills it with 20
 * categories (ids 1-20) and $products products (ids from 21): every 9th unpublished, two
 * options each, every 2nd with a gallery picture, every 3rd also in a second category, every
 * 10th with two msOptionsPrice2 modifications. Returns what an export must write:
 * ['products' => published products, 'offers' => them and their modifications].
 */
function mysql_catalog(PDO $pdo, string $name, int $products): array
{
    $pdo->exec("DROP DATABASE IF EXISTS `$name`");
    $pdo->exec("CREATE DATABASE `$name` CHARACTER SET utf8mb4");
    $pdo->exec("USE `$name`");
    foreach (SCHEMA as $table => $columns) {
        $pdo->exec("CREATE TABLE `modx_$table` ($columns) ENGINE=InnoDB");
    }
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
    return $expected;
}
