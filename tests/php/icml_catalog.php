<?php
// ModRetailCrm\Plugin\IcmlCatalog (php-plugin/lib) against a miniShop2-shaped SQLite database
// (tests/php/modx/catalog.php): which categories, products and modifications are exported, the
// document byte for byte (icml_catalog.expected.xml, the date aside) and parsed back, a second
// run that finds the catalogue unchanged, `parents`, databases without `remains` or without
// msOptionsPrice2, a site in a folder (links made absolute by the extension), and reading in
// pages. Needs pdo_sqlite, SimpleXML and ICML_DIR, an empty
// directory; the Rust side runs xmllint on the files left there.

declare(strict_types=1);

require __DIR__ . '/lib.php';
require __DIR__ . '/modx/catalog.php';
require dirname(__DIR__, 2) . '/php-plugin/lib/IcmlCatalog.php';

use ModRetailCrm\Plugin\IcmlCatalog;

$dir = env('ICML_DIR');
$settings = ['site_name' => 'Tom & Jerry <Shop>', 'site_url' => 'https://shop.example/', 'friendly_urls' => '1',
    'modretailcrm_allow_msoptionsprice' => '1'];

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

/** The file with its date replaced by {date}, checking it has one. */
function undated(string $path): string
{
    $text = (string) file_get_contents($path);
    $undated = preg_replace('/^(<\?xml[^\n]*\n<yml_catalog date=")\d{4}-\d\d-\d\d \d\d:\d\d:\d\d"/', '$1{date}"', $text, 1, $count);
    same(1, $count, "$path has a catalogue date");
    return $undated;
}

/** offer id => [attributes, child elements as [name, attributes, text]] of a published file. */
function offers(string $path): array
{
    $xml = simplexml_load_file($path);
    check($xml !== false, "$path parses");
    $offers = [];
    foreach ($xml->shop->offers->offer as $offer) {
        $children = [];
        foreach ($offer->children() as $name => $child) {
            $children[] = [$name, array_map('strval', iterator_to_array($child->attributes())), (string) $child];
        }
        $offers[(string) $offer['id']] = [array_map('strval', iterator_to_array($offer->attributes())), $children];
    }
    return $offers;
}

/** category id => [parentId or null, name]. */
function categories(string $path): array
{
    $categories = [];
    foreach (simplexml_load_file($path)->shop->categories->category ?? [] as $category) {
        $categories[(string) $category['id']] = [isset($category['parentId']) ? (string) $category['parentId'] : null, (string) $category];
    }
    return $categories;
}

// --- the whole catalogue -------------------------------------------------------------------
$db = CatalogDb::create("$dir/shop.sqlite");
fill_catalog($db);
$catalog = new IcmlCatalog($db->pdo, IcmlCatalog::tables('modx_'));
$path = "$dir/catalog.xml";
$summary = $catalog->export($path, [], $settings);
same(['categories' => 5, 'offers' => 6, 'bytes' => filesize($path), 'path' => $path, 'changed' => true,
    'products' => 4, 'refused' => 1, 'refusals' => ['offer "16": price must be a number, got "abc"']], $summary, 'summary');
same(undated(__DIR__ . '/icml_catalog.expected.xml'), undated($path), 'the document, byte for byte');

same(['1' => [null, 'Каталог'], '2' => ['1', 'Shirts & "Tees" <new>'], '7' => ['2', "Kids' 👶"],
    '9' => [null, 'Other shop category'], '10' => [null, 'Under the hidden one']], categories($path),
    'published, not deleted msCategory resources, below a plain folder too; parentId only when exported');
$offers = offers($path);
same(['3', 'mod-3-1', 'mod-3-3', '11', '15', '17'], array_map('strval', array_keys($offers)),
    'products in id order, each followed by its active modifications; unpublished, deleted, hidden-category and refused ones left out');
$unit = ['unit', ['code' => 'pcs', 'name' => 'Штука', 'sym' => 'шт.'], ''];
$product = [
    ['url', [], 'https://shop.example/shirts/test-t-shirt.html'],
    ['price', [], '1250.5'],
    ['categoryId', [], '2'],
    ['categoryId', [], '7'],
    ['picture', [], 'https://shop.example/assets/images/products/3/t-shirt.jpg'],
    // The gallery's other originals in the manager's order (thumbnails, a PDF and an inactive
    // image left out).
    ['picture', [], 'https://shop.example/assets/images/products/3/label.jpg'],
    ['picture', [], 'https://shop.example/assets/images/products/3/back&side.jpg'],
    ['name', [], 'Test T-Shirt'],
    ['productName', [], 'Test T-Shirt'],
    ['param', ['name' => 'Артикул', 'code' => 'article'], 'TS-001'],
    ['param', ['name' => 'Цвет', 'code' => 'color'], 'red, blue'],
    ['param', ['name' => 'Размер', 'code' => 'size'], 'M, L'],
    ['param', ['name' => 'Материал', 'code' => 'material'], 'cotton, lycra'],
    ['vendor', [], 'Acme & Co'],
    $unit,
    ['weight', [], '0.25'],
    ['productActivity', [], 'Y'],
];
same([['id' => '3', 'productId' => '3', 'quantity' => '10'], $product], $offers['3'], 'the captured product');
$modification = [
    ['url', [], 'https://shop.example/shirts/test-t-shirt.html'],
    ['price', [], '1500'],
    ['categoryId', [], '2'],
    ['categoryId', [], '7'],
    ['picture', [], 'https://shop.example/assets/images/products/3/t-shirt.jpg'],
    ['picture', [], 'https://shop.example/assets/images/products/3/label.jpg'],
    ['picture', [], 'https://shop.example/assets/images/products/3/back&side.jpg'],
    ['name', [], 'Test T-Shirt - Red L'],
    ['productName', [], 'Test T-Shirt'],
    ['param', ['name' => 'Артикул', 'code' => 'article'], 'TS-001-RL'],
    ['param', ['name' => 'Цвет', 'code' => 'color'], 'red'],
    ['param', ['name' => 'Размер', 'code' => 'size'], 'L'],
    ['vendor', [], 'Acme & Co'],
    $unit,
    ['weight', [], '0.25'],
    ['productActivity', [], 'Y'],
];
same([['id' => 'mod-3-1', 'productId' => '3', 'quantity' => '2'], $modification], $offers['mod-3-1'],
    'a modification: its own price, count, article and options, the product\'s url, pictures, categories, vendor (and weight when it has none)');
same('Test T-Shirt - Green & <XL>', $offers['mod-3-3'][1][7][2]);
same(['param', ['name' => 'Материал', 'code' => 'material'], 'silk'], $offers['mod-3-3'][1][10], 'a modification option named by its msOption');
same('Tom & Jerry <b>"x"</b> \'q\' 👕 שלום', $offers['11'][1][4][2], 'markup, quotes, emoji and RTL kept as text');
same(['param', ['name' => 'Артикул', 'code' => 'article'], 'TJ-<1>'], $offers['11'][1][6]);
same(['url', [], 'https://shop.example/index.php?id=15'], $offers['15'][1][0], 'no uri: the ?id= link');

// --- a second run: nothing changed, the published file is left alone ------------------------
$before = file_get_contents($path);
touch($path, 1000000000);
clearstatcache();
$again = $catalog->export($path, [], $settings);
same(false, $again['changed'], 'second run: unchanged');
same(filesize($path), $again['bytes']);
clearstatcache();
same(1000000000, filemtime($path), 'the modification time is kept');
same($before, file_get_contents($path), 'the file, its date included, is kept');
same(['catalog.xml', 'shop.sqlite'], array_values(array_diff(scandir($dir), ['.', '..'])), 'no temporary file left');

// --- gzip: icml.xml.gz is written compressed -------------------------------------------
same(true, $catalog->export("$dir/catalog.xml.gz", [], $settings)['changed'], 'icml.xml.gz written');
same("\x1f\x8b", substr((string) file_get_contents("$dir/catalog.xml.gz"), 0, 2), 'icml.xml.gz: a gzip file');
same(undated($path), undated("compress.zlib://$dir/catalog.xml.gz"), 'icml.xml.gz: the same document, compressed');
unlink("$dir/catalog.xml.gz");

// A change in the database is published.
$db->pdo->exec("UPDATE modx_ms2_products SET price = '1300' WHERE id = 3");
same(true, $catalog->export($path, [], $settings)['changed'], 'a new price: changed');
check(str_contains((string) file_get_contents($path), '<price>1300</price>'), 'the new price is published');

// --- parents -------------------------------------------------------------------------------
$summary = $catalog->export("$dir/other.xml", ['parents' => '8', 'shop' => 'Other', 'company' => 'Other Ltd'], $settings);
same(['9' => [null, 'Other shop category']], categories("$dir/other.xml"), 'the categories below resource 8');
same(['15'], array_map('strval', array_keys(offers("$dir/other.xml"))));
$xml = simplexml_load_file("$dir/other.xml");
same(['Other', 'Other Ltd'], [(string) $xml->shop->name, (string) $xml->shop->company], 'shop and company parameters');
$catalog->export("$dir/shirts.xml", ['parents' => ' 7, 2 ,x'], $settings);
same(['2' => [null, 'Shirts & "Tees" <new>'], '7' => ['2', "Kids' 👶"]], categories("$dir/shirts.xml"),
    'the categories listed and those below them; parentId only for exported parents');
same(['3', 'mod-3-1', 'mod-3-3', '11'], array_map('strval', array_keys(offers("$dir/shirts.xml"))));
same([0], IcmlCatalog::ids(''));
same([2, 7], IcmlCatalog::ids('2,7,2'));

// --- without msOptionsPrice2, without the setting, without remains ---------------------------
$catalog->export("$dir/off.xml", [], ['modretailcrm_allow_msoptionsprice' => '0'] + $settings);
same(['3', '11', '15', '17'], array_map('strval', array_keys(offers("$dir/off.xml"))), 'setting off: no modifications');
$bare = CatalogDb::create("$dir/bare.sqlite", ['msop_modifications', 'msop_modification_options', 'ms2_products.remains']);
fill_catalog_without_modifications($bare);
$bareCatalog = new IcmlCatalog($bare->pdo, IcmlCatalog::tables('modx_'));
same(2, $bareCatalog->export("$dir/bare.xml", [], ["friendly_urls" => "0"] + $settings)["offers"], "no msop tables: products only");
$bareOffers = offers("$dir/bare.xml");
same(['id' => '3', 'productId' => '3'], $bareOffers['3'][0], 'no remains column: no quantity');
same(['url', [], 'https://shop.example/index.php?id=3'], $bareOffers['3'][1][0], 'friendly_urls off: the ?id= link');
same(['picture', [], 'https://shop.example/assets/images/products/3/t-shirt.jpg'], $bareOffers['3'][1][3]);
unset($bareCatalog, $bare);
unlink("$dir/bare.sqlite");

/** Two products in one category, in a database without msOptionsPrice2's tables. */
function fill_catalog_without_modifications(CatalogDb $db): void
{
    $db->category(2, 'Shirts', 0);
    $db->product(3, ['uri' => 'shirts/a.html'], ['image' => '/assets/images/products/3/t-shirt.jpg']);
    $db->product(4, ['uri' => 'shirts/b.html']);
}

// --- a site in a folder: the extension resolves the links stored against site_url ---------
$folder = CatalogDb::create("$dir/folder.sqlite");
$folder->category(2, 'Shirts', 0);
$folder->product(3, ['uri' => 'shirts/a.html'], ['image' => '/shop/assets/images/products/3/t-shirt.jpg']);
$folder->insert('ms2_product_files', ['id' => 1, 'product_id' => 3, 'source' => 2, 'parent' => 0, 'name' => 'back',
    'path' => 'p/3/', 'file' => 'back side.jpg', 'type' => 'image', 'rank' => 1, 'url' => '//cdn.example/p/3/back side.jpg',
    'active' => 1]);
$folderCatalog = new IcmlCatalog($folder->pdo, IcmlCatalog::tables('modx_'));
$folderCatalog->export("$dir/folder.xml", [], ['site_url' => 'https://shop.example/shop'] + $settings);
same([
    ['url', [], 'https://shop.example/shop/shirts/a.html'],
    ['picture', [], 'https://shop.example/shop/assets/images/products/3/t-shirt.jpg'],
    ['picture', [], 'https://cdn.example/p/3/back%20side.jpg'],
], array_values(array_filter(offers("$dir/folder.xml")['3'][1], fn(array $child) => in_array($child[0], ['url', 'picture'], true))),
    'uri below the site\'s folder, a picture from the host\'s root, a protocol-relative one on the site\'s scheme, spaces encoded');
throws(ModRetailCrm\ConfigException::class, fn() => $folderCatalog->export("$dir/schemeless.xml", [], ['site_url' => 'shop.example/'] + $settings),
    'base_url must be an http(s) address');
same(false, is_file("$dir/schemeless.xml"), 'a site_url without http(s): nothing written');
unset($folderCatalog, $folder);
unlink("$dir/folder.sqlite");

// --- pages ---------------------------------------------------------------------------------
$paged = CatalogDb::create("$dir/paged.sqlite");
$paged->category(2, 'Shirts', 0);
foreach ([21, 22, 23, 24, 25] as $id) {
    $paged->product($id, ['pagetitle' => "Product $id"], ['price' => (string) $id]);
}
$paged->pdo->setAttribute(PDO::ATTR_STATEMENT_CLASS, [LoggedStatement::class, []]);
LoggedStatement::$log = [];
$pagedCatalog = new IcmlCatalog($paged->pdo, IcmlCatalog::tables('modx_'), 2);
same(5, $pagedCatalog->export("$dir/paged.xml", [], $settings)['offers'], 'page size 2, 5 products: all written');
same(['21', '22', '23', '24', '25'], array_map('strval', array_keys(offers("$dir/paged.xml"))), 'in order');
$productQueries = array_values(array_filter(LoggedStatement::$log, fn(array $q) => str_contains($q[0], 'JOIN `modx_ms2_products`')));
same([[0], [22], [24], [25]], array_column($productQueries, 1), 'keyset pages: after 0, 22, 24, 25 (the empty last page ends it)');
foreach ($productQueries as [$sql]) {
    check(str_contains($sql, 'WHERE c.id > ?') && str_ends_with($sql, 'ORDER BY c.id LIMIT 2'), "a keyset page query: $sql");
}
foreach (['ms2_product_options' => 'options', 'ms2_product_categories' => 'categories', 'ms2_product_files' => 'pictures',
    'msop_modifications' => 'modifications'] as $table => $what) {
    $queries = array_values(array_filter(LoggedStatement::$log, fn(array $q) => str_contains($q[0], "FROM `modx_$table`")
        && !str_contains($q[0], 'WHERE 1 = 0')));
    same([[21, 22], [23, 24], [25, 25]], array_column($queries, 1), "$what read in one query per page of products, by its range of ids");
}
unset($pagedCatalog, $paged);
unlink("$dir/paged.sqlite");

// --- errors --------------------------------------------------------------------------------
throws(ModRetailCrm\ValidationException::class, fn() => $catalog->export("$dir/nameless.xml", [], ['site_name' => ''] + $settings),
    'shop name is missing');
same(false, is_file("$dir/nameless.xml"));
unset($catalog, $db);
unlink("$dir/shop.sqlite");

done();
