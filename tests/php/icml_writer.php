<?php
// ModRetailCrm\Icml\Writer from miniShop2-shaped arrays: the catalogue it publishes, the
// exceptions bad input gets (the process and the writer carry on), and no file left behind
// by a writer that was dropped or aborted. Needs SimpleXML (-d extension=simplexml) and
// ICML_DIR, an empty directory.

declare(strict_types=1);

require __DIR__ . '/lib.php';

use ModRetailCrm\ConfigException;
use ModRetailCrm\Icml\Writer;
use ModRetailCrm\ValidationException;

$dir = env('ICML_DIR');
$path = "$dir/catalog.xml";
$shop = ['name' => 'Tom & Jerry <Shop>', 'company' => 'Shop "Quotes" Ltd', 'date' => '2026-11-29 07:16:52'];
$options = [
    'base_url' => 'https://shop.example/',
    'params' => ['article' => 'Артикул', 'color' => 'Цвет', 'size' => 'Размер', 'made_in' => 'Страна', 'material' => 'Материал'],
    'vendors' => [4 => 'Acme & Co'],
    'unit' => ['code' => 'pcs', 'name' => 'Штука', 'sym' => 'шт.'],
];

/** msCategory::toArray(), the fields that matter plus some that do not. */
function category(int $id, string $title, int $parent): array
{
    return ['id' => $id, 'type' => 'document', 'pagetitle' => $title, 'parent' => $id === $parent ? 0 : $parent,
        'class_key' => 'msCategory', 'published' => true, 'deleted' => false, 'uri' => "catalog/$id/"];
}

/** msProduct::toArray() as captured in tests/fixtures/minishop2/db/msProduct.json. */
function product(array $changes = []): array
{
    return array_merge([
        'id' => 3, 'type' => 'document', 'contentType' => 'text/html', 'pagetitle' => 'Test T-Shirt',
        'longtitle' => '', 'description' => '', 'alias' => 'test-t-shirt', 'alias_visible' => true,
        'link_attributes' => '', 'published' => true, 'pub_date' => 0, 'unpub_date' => 0, 'parent' => 2,
        'isfolder' => false, 'introtext' => 'A shirt', 'content' => '<p>Cotton shirt</p>', 'richtext' => true,
        'template' => 0, 'menuindex' => 0, 'searchable' => true, 'cacheable' => true, 'createdby' => 1,
        'createdon' => '2026-11-29 07:16:51', 'editedby' => 0, 'editedon' => 0, 'deleted' => false,
        'deletedon' => 0, 'deletedby' => 0, 'publishedon' => '2026-11-29 07:16:51', 'publishedby' => 1,
        'menutitle' => '', 'donthit' => false, 'privateweb' => false, 'privatemgr' => false,
        'content_dispo' => 0, 'hidemenu' => false, 'class_key' => 'msProduct', 'context_key' => 'web',
        'content_type' => 1, 'uri' => 'catalog/test-t-shirt.html', 'uri_override' => 0,
        'hide_children_in_tree' => 0, 'show_in_tree' => 0, 'properties' => null, 'article' => 'TS-001',
        'price' => 1250.5, 'old_price' => 1500.0, 'weight' => 0.25, 'remains' => 10, 'reserved' => 0,
        'image' => '/assets/images/products/3/t-shirt.jpg', 'thumb' => null, 'vendor' => 0,
        'made_in' => 'Portugal', 'new' => true, 'popular' => false, 'favorite' => false,
        'tags' => ['cotton', 'summer'], 'color' => ['red', 'blue'], 'size' => ['M', 'L'], 'source' => 2,
        'vendor.id' => null, 'vendor.rank' => 0, 'vendor.name' => null, 'vendor.resource' => 0,
        'vendor.country' => null, 'vendor.logo' => null, 'vendor.address' => null, 'vendor.phone' => null,
        'vendor.fax' => null, 'vendor.email' => null, 'vendor.description' => null, 'vendor.properties' => null,
    ], $changes);
}

// --- a catalogue replacing a published one ---------------------------------------------------
file_put_contents($path, 'previous catalogue');
$writer = new Writer($path, $shop, $options);
$writer->addCategory(category(1, 'Одежда', 0));
$writer->addCategory(category(2, 'Shirts & "Tees"', 1));
$writer->addCategory(['id' => 'caps', 'name' => 'Caps', 'parentId' => 99]);
$writer->addOffer(product());
same(3, $writer->addOffers([
    product(['id' => 4, 'pagetitle' => 'Tom & Jerry <b>"x"</b>', 'price' => '2967.18', 'vendor' => 4,
        'color' => '["green"]', 'size' => [], 'image' => null, 'weight' => 0.0, 'published' => false,
        'options' => ['material' => ['cotton', 'lycra']]]),
    product(['id' => 5, 'pagetitle' => "Bell\x07 שלום 👕", 'price' => 0.1 + 0.2, 'uri' => 'https://cdn.example/p/5',
        'parent' => 404, 'vendor.name' => 'Named', 'article' => '', 'remains' => 0]),
    ['id' => 'mod-3-1', 'productId' => 3, 'name' => 'Test T-Shirt - Red', 'productName' => 'Test T-Shirt',
        'price' => 1500, 'quantity' => 2, 'categoryId' => 2, 'picture' => ['/a.jpg', 'https://x.example/b.jpg'],
        'param' => [['name' => 'Цвет', 'code' => 'color', 'value' => 'red']], 'vatRate' => 'none',
        'barcode' => ['4600000000001'], 'dimensions' => '10/20/30.5', 'xmlId' => 'x-1'],
]), 'addOffers returns how many it wrote');

// --- bad input: an exception naming the offer, nothing written, the writer goes on -----------
$e = throws(ValidationException::class, fn () => $writer->addOffer(product(['id' => 'mod-5-3', 'price' => 'abc'])),
    'offer "mod-5-3": price must be a number, got "abc"');
throws(ValidationException::class, fn () => $writer->addOffer(product(['price' => '1 500'])), 'offer "3": price must be a number, got "1 500"');
throws(ValidationException::class, fn () => $writer->addOffer(product(['price' => -1])), 'offer "3": price must not be negative, got -1');
throws(ValidationException::class, fn () => $writer->addOffer(product(['price' => new stdClass()])), 'offer "3": price must be a number, got object');
throws(ValidationException::class, fn () => $writer->addOffer(['pagetitle' => 'no id']), 'offer without an id: id is missing');
// Bytes that are not UTF-8 are named as such, not as a wrong type.
throws(ValidationException::class, fn () => $writer->addOffer(product(['pagetitle' => "T-Shirt \xff"])), 'offer "3": name is not valid UTF-8');
throws(ValidationException::class, fn () => $writer->addOffer(product(['price' => "1\xff"])), 'offer "3": price is not valid UTF-8');
throws(ValidationException::class, fn () => $writer->addOffer('not an array'), '$offer must be an array, string given');
throws(ValidationException::class, fn () => $writer->addOffers([product(['id' => 6]), product(['id' => 7, 'weight' => 'heavy'])]),
    '$offers[1]: offer "7": weight must be a number, got "heavy"');
throws(ValidationException::class, fn () => $writer->addOffers([product(['id' => 6]), product(['id' => 7, 'price' => -1]),
    product(['id' => 8, 'weight' => 'heavy'])]), '$offers[2]: offer "8": weight must be a number, got "heavy"');
throws(ValidationException::class, fn () => $writer->addOffers([product(['id' => 6]), product(['id' => 7, 'price' => -1])]),
    'offer "7": price must not be negative, got -1');
throws(ValidationException::class, fn () => $writer->addCategory(category(9, 'Late', 1)),
    'category "9" comes after the first offer');
$writer->addOffer(product(['id' => 8, 'pagetitle' => 'After the errors']));
$summary = $writer->finish();
same(['categories' => 3, 'offers' => 5, 'bytes' => filesize($path), 'path' => $path, 'changed' => true], $summary, 'finish() summary');
throws(ValidationException::class, fn () => $writer->finish(), 'already finished');
throws(ValidationException::class, fn () => $writer->addOffer(product()), 'already finished');
same(['catalog.xml'], array_values(array_diff(scandir($dir), ['.', '..'])), 'files after finish');

// --- the published document ------------------------------------------------------------------
$xml = simplexml_load_file($path);
check($xml !== false, 'the catalogue parses');
same('2026-11-29 07:16:52', (string) $xml['date']);
same('Tom & Jerry <Shop>', (string) $xml->shop->name);
same('Shop "Quotes" Ltd', (string) $xml->shop->company);
$categories = [];
foreach ($xml->shop->categories->category as $c) {
    $categories[] = [(string) $c['id'], isset($c['parentId']) ? (string) $c['parentId'] : null, (string) $c];
}
same([['1', null, 'Одежда'], ['2', '1', 'Shirts & "Tees"'], ['caps', null, 'Caps']], $categories, 'categories');

$offers = [];
foreach ($xml->shop->offers->offer as $o) {
    $offers[(string) $o['id']] = $o;
}
same([3, 4, 5, 'mod-3-1', 8], array_keys($offers), 'offer ids in order (numeric keys become ints in PHP)');

$o = $offers['3'];
same(['id' => '3', 'productId' => '3', 'quantity' => '10'], current((array) $o->attributes()), 'offer 3 attributes');
same('https://shop.example/catalog/test-t-shirt.html', (string) $o->url);
same('1250.5', (string) $o->price);
same('2', (string) $o->categoryId);
same('https://shop.example/assets/images/products/3/t-shirt.jpg', (string) $o->picture);
same('Test T-Shirt', (string) $o->name);
same('Test T-Shirt', (string) $o->productName);
$params = [];
foreach ($o->param as $p) {
    $params[] = [(string) $p['name'], (string) $p['code'], (string) $p];
}
same([['Артикул', 'article', 'TS-001'], ['Цвет', 'color', 'red, blue'], ['Размер', 'size', 'M, L'], ['Страна', 'made_in', 'Portugal']],
    $params, 'offer 3 params');
check(!isset($o->vendor), 'vendor id 0 has no name: no <vendor>');
same(['code' => 'pcs', 'name' => 'Штука', 'sym' => 'шт.'], current((array) $o->unit->attributes()), 'default unit');
same('0.25', (string) $o->weight);
same('Y', (string) $o->productActivity);

$o = $offers['4'];
same('Tom & Jerry <b>"x"</b>', (string) $o->name);
same('2967.18', (string) $o->price);
same('Acme & Co', (string) $o->vendor, 'vendor named through the vendors option');
same(0, count($o->picture));
check(!isset($o->weight), 'zero weight is left out');
same('N', (string) $o->productActivity);
$params = [];
foreach ($o->param as $p) {
    $params[(string) $p['code']] = (string) $p;
}
same(['article' => 'TS-001', 'color' => 'green', 'made_in' => 'Portugal', 'material' => 'cotton, lycra'], $params, 'offer 4 params');

$o = $offers['5'];
same('Bell שלום 👕', (string) $o->name, 'control character removed, RTL and emoji kept');
same('0.3', (string) $o->price, '0.1 + 0.2 at money precision');
same('https://cdn.example/p/5', (string) $o->url);
same(0, count($o->categoryId), 'a category not in the catalogue is left out');
same('Named', (string) $o->vendor);
same('0', (string) $o['quantity']);

$o = $offers['mod-3-1'];
same(['id' => 'mod-3-1', 'productId' => '3', 'quantity' => '2'], current((array) $o->attributes()));
same(['https://shop.example/a.jpg', 'https://x.example/b.jpg'], array_map('strval', iterator_to_array($o->picture, false)));
same('Test T-Shirt - Red', (string) $o->name);
same('Test T-Shirt', (string) $o->productName);
same('x-1', (string) $o->xmlId);
same('none', (string) $o->vatRate);
same('4600000000001', (string) $o->barcode);
same('10/20/30.5', (string) $o->dimensions);
same('1500', (string) $o->price);

// --- configuration errors ----------------------------------------------------------------
throws(ConfigException::class, fn () => new Writer("$dir/missing/catalog.xml", $shop), 'cannot create a temporary file in');
throws(ConfigException::class, fn () => new Writer($dir, $shop), 'not a file path');
throws(ConfigException::class, fn () => new Writer($path, $shop, ['map' => ['title' => 'pagetitle']]), '"title" is not an ICML offer field');
throws(ConfigException::class, fn () => new Writer($path, $shop, ['colour' => 1]), 'unknown option "colour"');
throws(ValidationException::class, fn () => new Writer($path, ['name' => 'Shop']), 'shop company is missing');
throws(ValidationException::class, fn () => new Writer($path, ['name' => "Shop \xc3"] + $shop), 'shop name is not valid UTF-8');
throws(ValidationException::class, fn () => new Writer($path, ['date' => 'yesterday'] + $shop), 'date must have the form');

// --- a mapping for a site with its own field names --------------------------------------
$custom = new Writer("$dir/custom.xml", ['name' => 'S', 'company' => 'C'], [
    'map' => ['name' => 'longtitle', 'price' => 'old_price', 'quantity' => 'stock', 'picture' => null],
    'params' => ['made_in' => 'Made in'],
]);
$custom->addOffer(product(['longtitle' => 'Long title', 'stock' => '3.5']));
same(1, $custom->finish()['offers']);
$o = simplexml_load_file("$dir/custom.xml")->shop->offers->offer;
same('Long title', (string) $o->name);
same('Test T-Shirt', (string) $o->productName);
same('1500', (string) $o->price);
same('3.5', (string) $o['quantity']);
same(0, count($o->picture));
same('Made in', (string) $o->param['name']);

// --- a writer dropped or aborted leaves the published file and nothing else -------------
$before = file_get_contents($path);
$dropped = new Writer($path, $shop);
$dropped->addOffer(product());
same(3, count(array_diff(scandir($dir), ['.', '..'])), 'a temporary file while writing');
unset($dropped);
$aborted = new Writer($path, $shop);
$aborted->addOffer(product());
$aborted->abort();
$aborted->abort();
throws(ValidationException::class, fn () => $aborted->addOffer(product()), 'already finished or aborted');
(function () use ($path, $shop) {
    $scoped = new Writer($path, $shop);
    $scoped->addOffer(product());
})();
same(['catalog.xml', 'custom.xml'], array_values(array_diff(scandir($dir), ['.', '..'])), 'no temporary file left');
same($before, file_get_contents($path), 'the published file is untouched');

// --- msOptionsPrice2 modifications: offers of their own, counted, refused with their product ---
$mods = new Writer("$dir/modifications.xml", $shop);
same(3, $mods->addOffers([
    product(['modifications' => [['id' => 1, 'rid' => 3, 'name' => 'Red', 'price' => '1500', 'count' => 2, 'options' => ['color' => 'red']],
        ['id' => 2, 'rid' => 3, 'name' => 'Gone', 'active' => false]]]),
    product(['id' => 4]),
]), 'addOffers counts the modifications written');
throws(ValidationException::class, fn () => $mods->addOffers([product(['id' => 5]), product(['id' => 6, 'modifications' => [['id' => 1, 'price' => 'abc']]])]),
    '$offers[1]: offer "mod-6-1": price must be a number, got "abc"');
throws(ValidationException::class, fn () => $mods->addOffer(product(['id' => 7, 'modifications' => [['name' => 'no id']]])),
    'offer "7": a modification has no id');
same(3, $mods->finish()['offers'], 'nothing of the refused products was written');
$o = simplexml_load_file("$dir/modifications.xml")->shop->offers->offer;
same(['3', 'mod-3-1', '4'], [(string) $o[0]['id'], (string) $o[1]['id'], (string) $o[2]['id']]);
same(['Test T-Shirt - Red', '3', '1500', '2'], [(string) $o[1]->name, (string) $o[1]['productId'], (string) $o[1]->price, (string) $o[1]['quantity']]);

done();
