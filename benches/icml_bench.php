<?php
// One side of the ICML benchmark run by benches/icml.sh: N generated miniShop2 products
// (msProduct::toArray() shape, with article/color/size params and a picture) written as an
// ICML catalogue to a temporary file and renamed onto OUT, by
//   extension        ModRetailCrm\Icml\Writer, addOffer() per product
//   extension-batch  ModRetailCrm\Icml\Writer, addOffers() per 1000 products
//   xmlwriter        PHP's XMLWriter, the way PHP modules write YML/ICML (openURI, flush
//                    every 1000 offers, same mapping and number formatting)
//   generate         only generating the products (the cost both sides share)
// Prints one line of key=value figures (wall and CPU seconds, so that a busy machine shows).

declare(strict_types=1);

[, $mode, $n, $out] = $argv + [null, 'extension', '100000', '/tmp/icml-bench.xml'];
$n = (int) $n;

function status_kib(string $field): int
{
    preg_match("/^$field:\\s+(\\d+) kB/m", (string) file_get_contents('/proc/self/status'), $m);
    return (int) ($m[1] ?? 0);
}

const BASE_URL = 'https://shop.example';
const PARAMS = ['article' => 'Артикул', 'color' => 'Цвет', 'size' => 'Размер'];
const CATEGORIES = 50;
const SHOP = ['name' => 'Bench & Co', 'company' => 'Bench "Shop" Ltd', 'date' => '2026-11-29 07:16:52'];

/** A product shaped like msProduct::toArray() (tests/fixtures/minishop2/db/msProduct.json). */
function product(array $template, int $i): array
{
    $p = $template;
    $p['id'] = $i;
    $p['pagetitle'] = "Футболка «Люкс» & Co №$i";
    $p['alias'] = "t-shirt-$i";
    $p['uri'] = "catalog/t-shirts/t-shirt-$i.html";
    $p['parent'] = 1000 + $i % CATEGORIES;
    $p['article'] = "TS-$i";
    $p['price'] = 1000 + ($i % 997) + 0.5;
    $p['old_price'] = 1500.0;
    $p['weight'] = ($i % 5) * 0.25;
    $p['remains'] = $i % 17;
    $p['image'] = "/assets/images/products/$i/t-shirt.jpg";
    $p['color'] = $i % 2 ? ['red', 'blue'] : ['black'];
    return $p;
}

$template = [
    'id' => 0, 'type' => 'document', 'contentType' => 'text/html', 'pagetitle' => '', 'longtitle' => '',
    'description' => '', 'alias' => '', 'alias_visible' => true, 'link_attributes' => '', 'published' => true,
    'pub_date' => 0, 'unpub_date' => 0, 'parent' => 0, 'isfolder' => false, 'introtext' => 'A shirt',
    'content' => '<p>Cotton shirt</p>', 'richtext' => true, 'template' => 0, 'menuindex' => 0,
    'searchable' => true, 'cacheable' => true, 'createdby' => 1, 'createdon' => '2026-11-29 07:16:51',
    'editedby' => 0, 'editedon' => 0, 'deleted' => false, 'deletedon' => 0, 'deletedby' => 0,
    'publishedon' => '2026-11-29 07:16:51', 'publishedby' => 1, 'menutitle' => '', 'donthit' => false,
    'privateweb' => false, 'privatemgr' => false, 'content_dispo' => 0, 'hidemenu' => false,
    'class_key' => 'msProduct', 'context_key' => 'web', 'content_type' => 1, 'uri' => null, 'uri_override' => 0,
    'hide_children_in_tree' => 0, 'show_in_tree' => 0, 'properties' => null, 'article' => '', 'price' => 0.0,
    'old_price' => 0.0, 'weight' => 0.0, 'remains' => 0, 'reserved' => 0, 'image' => null, 'thumb' => null,
    'vendor' => 0, 'made_in' => 'Portugal', 'new' => true, 'popular' => false, 'favorite' => false,
    'tags' => ['cotton', 'summer'], 'color' => [], 'size' => ['M', 'L'], 'source' => 2, 'vendor.id' => null,
    'vendor.rank' => 0, 'vendor.name' => null, 'vendor.resource' => 0, 'vendor.country' => null,
    'vendor.logo' => null, 'vendor.address' => null, 'vendor.phone' => null, 'vendor.fax' => null,
    'vendor.email' => null, 'vendor.description' => null, 'vendor.properties' => null,
];
$categories = [];
for ($c = 0; $c < CATEGORIES; $c++) {
    $categories[] = ['id' => 1000 + $c, 'pagetitle' => "Категория $c", 'parent' => $c === 0 ? 0 : 1000];
}

/** XMLWriter: the same catalogue, mapped in PHP. */
function write_with_xmlwriter(string $out, array $categories, array $template, int $n): void
{
    $tmp = $out . '.xmlwriter.tmp';
    $xml = new XMLWriter();
    $xml->openURI($tmp);
    $xml->setIndent(true);
    $xml->setIndentString('  ');
    $xml->startDocument('1.0', 'UTF-8');
    $xml->startElement('yml_catalog');
    $xml->writeAttribute('date', SHOP['date']);
    $xml->startElement('shop');
    $xml->writeElement('name', SHOP['name']);
    $xml->writeElement('company', SHOP['company']);
    $xml->startElement('categories');
    $exported = [];
    foreach ($categories as $c) {
        $exported[$c['id']] = true;
    }
    foreach ($categories as $c) {
        $xml->startElement('category');
        $xml->writeAttribute('id', (string) $c['id']);
        if (isset($exported[$c['parent']])) {
            $xml->writeAttribute('parentId', (string) $c['parent']);
        }
        $xml->text($c['pagetitle']);
        $xml->endElement();
    }
    $xml->endElement();
    $xml->startElement('offers');
    for ($i = 0; $i < $n; $i++) {
        $p = product($template, $i);
        $xml->startElement('offer');
        $xml->writeAttribute('id', (string) $p['id']);
        $xml->writeAttribute('productId', (string) $p['id']);
        $xml->writeAttribute('quantity', (string) $p['remains']);
        $xml->writeElement('url', BASE_URL . '/' . ltrim((string) $p['uri'], '/'));
        $xml->writeElement('price', (string) round((float) $p['price'], 2));
        if (isset($exported[$p['parent']])) {
            $xml->writeElement('categoryId', (string) $p['parent']);
        }
        if ($p['image'] !== null && $p['image'] !== '') {
            $xml->writeElement('picture', BASE_URL . '/' . ltrim($p['image'], '/'));
        }
        $xml->writeElement('name', $p['pagetitle']);
        $xml->writeElement('productName', $p['pagetitle']);
        foreach (PARAMS as $code => $name) {
            $value = $p[$code] ?? null;
            $value = is_array($value) ? implode(', ', $value) : (string) $value;
            if ($value === '') {
                continue;
            }
            $xml->startElement('param');
            $xml->writeAttribute('name', $name);
            $xml->writeAttribute('code', $code);
            $xml->text($value);
            $xml->endElement();
        }
        if ((float) $p['weight'] > 0) {
            $xml->writeElement('weight', (string) round((float) $p['weight'], 3));
        }
        $xml->writeElement('productActivity', $p['published'] ? 'Y' : 'N');
        $xml->endElement();
        if ($i % 1000 === 999) {
            $xml->flush();
        }
    }
    $xml->endElement();
    $xml->endElement();
    $xml->endElement();
    $xml->endDocument();
    $xml->flush();
    unset($xml);
    rename($tmp, $out);
}

/** User + system CPU seconds of this process so far. */
function cpu_seconds(): float
{
    $usage = getrusage();
    return $usage['ru_utime.tv_sec'] + $usage['ru_utime.tv_usec'] / 1e6
        + $usage['ru_stime.tv_sec'] + $usage['ru_stime.tv_usec'] / 1e6;
}

/** System CPU seconds of this process so far. */
function sys_seconds(): float
{
    $usage = getrusage();
    return $usage['ru_stime.tv_sec'] + $usage['ru_stime.tv_usec'] / 1e6;
}

$rssStart = status_kib('VmRSS');
$finish = 0.0;
$cpuStart = cpu_seconds();
$sysStart = sys_seconds();
$started = hrtime(true);
switch ($mode) {
    case 'extension':
    case 'extension-batch':
        $writer = new ModRetailCrm\Icml\Writer($out, SHOP, ['base_url' => BASE_URL]);
        foreach ($categories as $c) {
            $writer->addCategory($c);
        }
        if ($mode === 'extension') {
            for ($i = 0; $i < $n; $i++) {
                $writer->addOffer(product($template, $i));
            }
        } else {
            for ($i = 0; $i < $n; $i += 1000) {
                $batch = [];
                $end = min($n, $i + 1000);
                for ($j = $i; $j < $end; $j++) {
                    $batch[] = product($template, $j);
                }
                $writer->addOffers($batch);
            }
        }
        $finishing = hrtime(true);
        $writer->finish();
        $finish = (hrtime(true) - $finishing) / 1e9;
        break;
    case 'xmlwriter':
        write_with_xmlwriter($out, $categories, $template, $n);
        break;
    case 'generate':
        $sum = 0;
        for ($i = 0; $i < $n; $i++) {
            $sum += count(product($template, $i));
        }
        break;
    default:
        fwrite(STDERR, "unknown mode $mode\n");
        exit(2);
}
$seconds = (hrtime(true) - $started) / 1e9;
$cpu = cpu_seconds() - $cpuStart;
$sys = sys_seconds() - $sysStart;
$peak = status_kib('VmHWM');
printf(
    "mode=%s n=%d seconds=%.3f cpu_seconds=%.3f sys_seconds=%.3f finish_seconds=%.3f offers_per_s=%d peak_rss_kib=%d rss_start_kib=%d rss_growth_kib=%d bytes=%d\n",
    $mode,
    $n,
    $seconds,
    $cpu,
    $sys,
    $finish,
    (int) ($n / max($seconds, 1e-9)),
    $peak,
    $rssStart,
    $peak - $rssStart,
    $mode === 'generate' ? 0 : filesize($out),
);
