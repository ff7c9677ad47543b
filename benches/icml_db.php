<?php
// One step of the catalogue-from-database benchmark run by benches/icml_db.sh, against the
// private MariaDB at the socket SOCKET, database `icml_bench`:
//   fill N       a generated miniShop2 catalogue of N products (tests/php/modx/catalog_mysql.php)
//   extension    the export the `icml` snippet and CLI run on a MySQL/MariaDB site: IcmlCatalog
//                (php-plugin/lib) with the site's connection, read by the extension
//                (ModRetailCrm\Icml\Writer::exportDatabase), to OUT
//   php-reader   IcmlCatalog reading through PDO (what SQLite sites run) into the same writer
//   reference    the same catalogue the way PHP integrations export it: PDO unbuffered, the
//                same queries, PHP's XMLWriter writing each offer, to OUT
// Prints one line of key=value figures: wall and CPU seconds (cpu_seconds) of this PHP process, its peak
// RSS (VmHWM), offers and bytes written.

declare(strict_types=1);

require dirname(__DIR__) . '/tests/php/modx/catalog_mysql.php';
require dirname(__DIR__) . '/php-plugin/lib/IcmlCatalog.php';

use ModRetailCrm\Plugin\IcmlCatalog;

[, $mode, $arg] = $argv + [null, 'extension', '/tmp/icml-db-bench.xml'];
$pdo = new PDO('mysql:unix_socket=' . getenv('SOCKET') . ';charset=utf8mb4', 'root', '',
    [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]);
if ($mode === 'fill') {
    $expected = mysql_catalog($pdo, 'icml_bench', (int) $arg);
    echo "filled products={$expected['products']} offers={$expected['offers']}\n";
    exit(0);
}
$pdo->exec('USE icml_bench');

const SETTINGS = ['site_name' => 'Bench', 'site_url' => 'https://shop.example/', 'friendly_urls' => '1',
    'modretailcrm_allow_msoptionsprice' => '1'];

/** The reference exporter: PDO unbuffered, the reader's queries, XMLWriter. Returns the offers written. */
function reference(PDO $pdo, string $out): int
{
    $pdo->setAttribute(PDO::MYSQL_ATTR_USE_BUFFERED_QUERY, false);
    $xml = new XMLWriter();
    $xml->openURI($out);
    $xml->setIndent(true);
    $xml->startDocument('1.0', 'UTF-8');
    $xml->startElement('yml_catalog');
    $xml->writeAttribute('date', date('Y-m-d H:i:s'));
    $xml->startElement('shop');
    $xml->writeElement('name', SETTINGS['site_name']);
    $xml->writeElement('company', SETTINGS['site_name']);
    $xml->startElement('categories');
    $categories = [];
    foreach ($pdo->query("SELECT id, parent, pagetitle FROM modx_site_content WHERE class_key = 'msCategory'"
        . ' AND published = 1 AND deleted = 0 ORDER BY id')->fetchAll(PDO::FETCH_ASSOC) as $row) {
        $categories[(int) $row['id']] = true;
        $xml->startElement('category');
        $xml->writeAttribute('id', (string) $row['id']);
        if ((int) $row['parent'] > 0) {
            $xml->writeAttribute('parentId', (string) $row['parent']);
        }
        $xml->text((string) $row['pagetitle']);
        $xml->endElement();
    }
    $xml->endElement();
    $xml->startElement('offers');
    $captions = array_column($pdo->query('SELECT `key`, caption FROM modx_ms2_options')->fetchAll(PDO::FETCH_ASSOC), 'caption', 'key');
    $offers = 0;
    $after = 0;
    $products = $pdo->prepare('SELECT c.id, c.pagetitle, c.longtitle, c.parent, c.uri, c.published, d.*, v.name AS `vendor.name`'
        . ' FROM modx_site_content c FORCE INDEX (PRIMARY) JOIN modx_ms2_products d ON d.id = c.id'
        . ' LEFT JOIN modx_ms2_vendors v ON v.id = d.vendor'
        . " WHERE c.id > ? AND c.class_key = 'msProduct' AND c.published = 1 AND c.deleted = 0 ORDER BY c.id LIMIT 500");
    $related = array_map(fn(string $sql) => $pdo->prepare($sql), [
        'SELECT 1 AS kind, product_id, `key` AS name, value, 0 AS n1, 0 AS n2 FROM modx_ms2_product_options WHERE product_id BETWEEN ? AND ?',
        'SELECT 2 AS kind, product_id, NULL AS name, NULL AS value, category_id AS n1, 0 AS n2 FROM modx_ms2_product_categories WHERE product_id BETWEEN ? AND ?',
        "SELECT 3 AS kind, product_id, NULL AS name, url AS value, `rank` AS n1, id AS n2 FROM modx_ms2_product_files WHERE product_id BETWEEN ? AND ? AND parent = 0 AND type = 'image' AND active = 1",
    ]);
    $modifications = $pdo->prepare('SELECT m.*, o.`key` AS `option.key`, o.value AS `option.value` FROM modx_msop_modifications m'
        . ' LEFT JOIN modx_msop_modification_options o ON o.mid = m.id WHERE m.rid BETWEEN ? AND ?');
    while (true) {
        $products->execute([$after]);
        $rows = $products->fetchAll(PDO::FETCH_ASSOC);
        if ($rows === []) {
            break;
        }
        $page = [];
        foreach ($rows as $row) {
            $after = (int) $row['id'];
            if (isset($categories[(int) $row['parent']])) {
                $row['categories'] = [(int) $row['parent']];
                $row['pictures'] = $row['image'] !== null && $row['image'] !== '' ? [$row['image']] : [];
                $row['params'] = [];
                $row['modifications'] = [];
                $page[$after] = $row;
            }
        }
        if ($page === []) {
            continue;
        }
        $range = [min(array_keys($page)), max(array_keys($page))];
        $rows = [];
        foreach ($related as $statement) {
            $statement->execute($range);
            $rows = [...$rows, ...$statement->fetchAll(PDO::FETCH_ASSOC)];
        }
        foreach ($rows as $row) {
            $id = (int) $row['product_id'];
            if (!isset($page[$id])) {
                continue;
            }
            $kind = (int) $row['kind'];
            if ($kind === 1) {
                $page[$id]['params'][] = [$captions[$row['name']] ?? $row['name'], $row['value']];
            } elseif ($kind === 2 && isset($categories[(int) $row['n1']])) {
                $page[$id]['categories'][] = (int) $row['n1'];
            } elseif ($kind === 3) {
                $page[$id]['pictures'][] = $row['value'];
            }
        }
        $modifications->execute($range);
        $rows = $modifications->fetchAll(PDO::FETCH_ASSOC);
        usort($rows, fn(array $a, array $b) => [$a['rid'], $a['rank'], $a['id']] <=> [$b['rid'], $b['rank'], $b['id']]);
        foreach ($rows as $row) {
            if (isset($page[(int) $row['rid']])) {
                $page[(int) $row['rid']]['modifications'][(int) $row['id']] = $row;
            }
        }
        foreach ($page as $product) {
            $offers += reference_offer($xml, $product, (string) $product['id'], $product['price']);
            foreach ($product['modifications'] as $mid => $modification) {
                $offers += reference_offer($xml, $product, "mod-{$product['id']}-$mid", $modification['price']);
            }
        }
        $xml->flush();
    }
    $xml->endElement();
    $xml->endElement();
    $xml->endElement();
    $xml->endDocument();
    $xml->flush();
    return $offers;
}

/** One ICML offer of $product with the id $id and the price $price; returns 1. */
function reference_offer(XMLWriter $xml, array $product, string $id, mixed $price): int
{
    $xml->startElement('offer');
    $xml->writeAttribute('id', $id);
    $xml->writeAttribute('productId', (string) $product['id']);
    $xml->writeAttribute('quantity', (string) $product['remains']);
    $xml->writeElement('url', SETTINGS['site_url'] . $product['uri']);
    $xml->writeElement('price', number_format((float) $price, 2, '.', ''));
    foreach ($product['categories'] as $category) {
        $xml->writeElement('categoryId', (string) $category);
    }
    foreach ($product['pictures'] as $picture) {
        $xml->writeElement('picture', rtrim(SETTINGS['site_url'], '/') . $picture);
    }
    $xml->writeElement('name', (string) $product['pagetitle']);
    $xml->writeElement('productName', (string) $product['pagetitle']);
    if ($product['vendor.name'] !== null) {
        $xml->writeElement('vendor', (string) $product['vendor.name']);
    }
    $params = [['Артикул', $product['article']], ...$product['params']];
    foreach (['color' => 'Цвет', 'size' => 'Размер'] as $field => $name) {
        foreach ((array) json_decode((string) $product[$field], true) as $value) {
            $params[] = [$name, $value];
        }
    }
    if ((float) $product['weight'] > 0) {
        $xml->writeElement('weight', (string) $product['weight']);
    }
    foreach ($params as [$name, $value]) {
        $xml->startElement('param');
        $xml->writeAttribute('name', (string) $name);
        $xml->text((string) $value);
        $xml->endElement();
    }
    $xml->endElement();
    return 1;
}

$start = hrtime(true);
$database = ['dsn' => 'mysql:unix_socket=' . getenv('SOCKET') . ';dbname=icml_bench', 'user' => 'root', 'password' => '',
    'prefix' => 'modx_'];
$offers = match ($mode) {
    'reference' => reference($pdo, $arg),
    'php-reader' => (new IcmlCatalog($pdo, IcmlCatalog::tables('modx_')))->export($arg, [], SETTINGS)['offers'],
    default => (new IcmlCatalog($pdo, IcmlCatalog::tables('modx_'), IcmlCatalog::PAGE_SIZE, $database))
        ->export($arg, [], SETTINGS)['offers'],
};
$wall = (hrtime(true) - $start) / 1e9;
$usage = getrusage();
$cpu = $usage['ru_utime.tv_sec'] + $usage['ru_utime.tv_usec'] / 1e6 + $usage['ru_stime.tv_sec'] + $usage['ru_stime.tv_usec'] / 1e6;
preg_match('/^VmHWM:\s+(\d+) kB/m', (string) file_get_contents('/proc/self/status'), $hwm);
clearstatcache();
printf("mode=%s seconds=%.3f cpu_seconds=%.3f peak_rss_kib=%d offers=%d bytes=%d\n",
    $mode, $wall, $cpu, (int) ($hwm[1] ?? 0), $offers, filesize($arg));
