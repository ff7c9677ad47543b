<?php
// The ICML catalogue RetailCRM fetches, for a small demo shop: categories, miniShop2 products
// (as msProduct::toArray() gives them) with options as params, an msOptionsPrice2
// modification, and names that need escaping. Written by ModRetailCrm\Icml\Writer (streamed,
// published by atomic rename), then written again to show that an unchanged catalogue leaves
// the published file alone.
//
//   php -n -d extension=modretailcrm.so examples/icml.php [FILE]   (default: the temp folder)

declare(strict_types=1);

$path = $argv[1] ?? sys_get_temp_dir() . '/modretailcrm-demo-icml.xml';
$shop = ['name' => 'Tom & Jerry <Shop>', 'company' => 'ООО "Том и Джерри"'];
$options = [
    'base_url' => 'https://shop.example/',
    'params' => ['article' => 'Артикул', 'color' => 'Цвет', 'size' => 'Размер', 'material' => 'Материал'],
    'unit' => ['code' => 'pcs', 'name' => 'Штука', 'sym' => 'шт.'],
];

/** A miniShop2 product: the msProduct + msProductData fields the catalogue reads. */
function product(int $id, string $title, int $parent, string $price, array $more = []): array
{
    return $more + [
        'id' => $id, 'pagetitle' => $title, 'parent' => $parent, 'published' => true,
        'uri' => "index.php?id=$id", 'article' => "ART-$id", 'price' => $price, 'weight' => '0.250',
        'remains' => 10, 'image' => "/assets/images/products/$id/main.jpg", 'vendor.name' => 'Acme & Co',
        'color' => '["red","blue"]', 'size' => '["M","L"]',
    ];
}

$products = [
    product(3, 'Футболка "Люкс" 50/50', 2, '1500.00', [
        'options' => ['material' => ['cotton', 'lycra']],
        'modifications' => [
            ['id' => 1, 'rid' => 3, 'name' => 'Red L', 'price' => '1650.50', 'count' => 2, 'article' => 'ART-3-RL',
                'weight' => '0.000', 'active' => 1, 'options' => ['color' => 'red', 'size' => 'L']],
            ['id' => 2, 'rid' => 3, 'name' => 'Discontinued', 'price' => '900', 'count' => 0, 'active' => 0],
        ],
    ]),
    product(4, 'Tom & Jerry <b>"x"</b> 👕 שלום', 5, '2967.18', ['color' => '[]', 'remains' => 0]),
    product(5, "Cap with a bell\x07", 1, '0.1', ['size' => '["One size"]', 'image' => null]),
];

foreach (['first run' => true, 'second run, same catalogue' => false] as $run => $expectChanged) {
    $writer = new ModRetailCrm\Icml\Writer($path, $shop, $options);
    $writer->addCategory(['id' => 1, 'pagetitle' => 'Одежда & аксессуары', 'parent' => 0]);
    $writer->addCategory(['id' => 2, 'pagetitle' => 'Футболки', 'parent' => 1]);
    $writer->addCategory(['id' => 5, 'pagetitle' => "Kids' <new>", 'parent' => 2]);
    $writer->addOffers($products);
    $summary = $writer->finish();
    printf("%-28s %d categories, %d offers, %d bytes, %s: %s\n", $run . ':', $summary['categories'], $summary['offers'],
        $summary['bytes'], $summary['changed'] ? 'published' : 'unchanged, the file is left as it was', $summary['path']);
    if ($summary['changed'] !== $expectChanged) {
        fwrite(STDERR, "unexpected: changed = " . var_export($summary['changed'], true) . "\n");
        exit(1);
    }
}

echo "\nThe modification's offer (the id order items carry for it):\n";
$xml = (string) file_get_contents($path);
if (preg_match('~ *<offer id="mod-3-1".*?</offer>~s', $xml, $offer)) {
    echo $offer[0], "\n";
}
