<?php
// The cron CLI (php-plugin/cli/modretailcrm.php) on a MODX site folder: `--site=DIR icml` reads
// the database connection from config.core.php → core/config/config.inc.php and the settings
// from the site's tables, writes {assets_path}modretailcrm/icml.xml (the same document as the
// reader test's, byte for byte apart from the date), finds it unchanged the second time; the
// icml options; `--site` for the outbox commands; usage errors. Needs pdo_sqlite, ICML_DIR and
// MODRETAILCRM_SO.

declare(strict_types=1);

require __DIR__ . '/lib.php';
require __DIR__ . '/modx/catalog.php';

$dir = env('ICML_DIR');

// A MODX site: config.core.php, core/config/config.inc.php (as MODX's installer writes them,
// MODX_SITE_URL as a CLI process gets it: http, the installed host) and its database.
$site = "$dir/site";
cli_site($site, "$dir/site.sqlite", 'define("MODX_BASE_PATH", ' . var_export("$site/", true) . ');
define("MODX_ASSETS_PATH", ' . var_export("$site/assets/", true) . ');
define("MODX_SITE_URL", "http://shop.example/");
');
$db = CatalogDb::create("$dir/site.sqlite", [], 'shop_');
fill_catalog($db);
$db->setting('site_url', 'https://shop.example/', 'web');
$db->setting('modretailcrm_queue_path', "$dir/outbox.sqlite");
$db->setting('modretailcrm_send_mode', 'queue');
$db->setting('modretailcrm_url', 'https://crm.example');
$db->setting('modretailcrm_apiKey', 'key');
$db->setting('modretailcrm_siteCode', 'shop');
mkdir("$site/core/private-data", 0700, true);
$db->setting('modretailcrm_data_path', '{core_path}private-data/');

// --- icml ----------------------------------------------------------------------------------
$path = "$site/assets/modretailcrm/icml.xml";
$summary = run_cli_json(env('ICML_DIR'), "--site=$site", 'icml');
same(['categories' => 5, 'offers' => 6, 'bytes' => filesize($path), 'path' => $path, 'changed' => true,
    'products' => 4, 'refused' => 1, 'refusals' => ['offer "16": price must be a number, got "abc"']], $summary);
$expected = (string) file_get_contents(__DIR__ . '/icml_catalog.expected.xml');
$written = (string) file_get_contents($path);
$date = '/<yml_catalog date="[^"]+">/';
same(preg_replace($date, '', $expected), preg_replace($date, '', $written),
    'the reader test\'s document: site name, friendly URLs, msOptionsPrice2 and the web context\'s https site_url from the database');
$kept = json_decode((string) @file_get_contents("$site/core/private-data/icml-last.json"), true);
same(['categories' => 5, 'offers' => 6, 'bytes' => filesize($path), 'path' => $path, 'changed' => true],
    array_diff_key((array) $kept, ['at' => 0]), 'the summary kept in the private folder for the manager page');
check(is_int($kept['at'] ?? null) && abs($kept['at'] - time()) < 600, 'with the time of the export');
touch($path, 1000000000);
same(false, run_cli_json(env('ICML_DIR'), "--site=$site", 'icml')['changed'], 'second run: unchanged');
clearstatcache();
same(1000000000, filemtime($path), 'the file is left alone');

$other = run_cli_json(env('ICML_DIR'), "--site=$site", 'icml', '--parents=8', '--shop=Other & Co', '--company=Other Ltd',
    "--output=$dir/other.xml", '--site-url=https://other.example');
same([1, 1, "$dir/other.xml"], [$other['categories'], $other['offers'], $other['path']]);
$xml = simplexml_load_file("$dir/other.xml");
same(['Other & Co', 'Other Ltd', 'https://other.example/index.php?id=15'],
    [(string) $xml->shop->name, (string) $xml->shop->company, (string) $xml->shop->offers->offer->url]);

$db->setting('modretailcrm_icml_file', '{base_path}feeds/catalog.xml');
[$code, , $err] = run_cli(env('ICML_DIR'), "--site=$site", 'icml');
same(1, $code, 'outside assets/ without an export folder');
check(str_contains($err, 'ConfigException') && str_contains($err, 'is outside the folders'), $err);
mkdir("$site/feeds");
$db->setting('modretailcrm_icml_folder', '{base_path}feeds/');
same("$site/feeds/catalog.xml", run_cli_json(env('ICML_DIR'), "--site=$site", 'icml')['path'], 'the modretailcrm_icml_file setting in the export folder');

// Paths from the settings or a relative --output follow the snippet's rule; the configuration stays.
$config = (string) file_get_contents("$site/core/config/config.inc.php");
foreach (['{core_path}config/config.inc.php' => 'must end in .xml', '{core_path}config/catalog.xml' => 'is outside the folders',
    '{assets_path}../core/config/catalog.xml' => 'is outside the folders'] as $file => $why) {
    $db->setting('modretailcrm_icml_file', $file);
    [$code, , $err] = run_cli(env('ICML_DIR'), "--site=$site", 'icml');
    same(1, $code, $file);
    check(str_contains($err, $why), "$file: $err");
}
[$code, , $err] = run_cli(env('ICML_DIR'), "--site=$site", 'icml', '--output=site/core/config/catalog.xml');
same(1, $code);
check(str_contains($err, 'not an absolute path'), $err);
same($config, (string) file_get_contents("$site/core/config/config.inc.php"), 'the configuration is untouched');
same(['config.inc.php'], array_values(array_diff(scandir("$site/core/config"), ['.', '..'])), 'nothing new in core/config');
$db->setting('modretailcrm_icml_file', '{base_path}feeds/catalog.xml');

// --- --site for the outbox commands ----------------------------------------------------------
$status = run_cli_json(env('ICML_DIR'), "--site=$site", 'status');
same(0, $status['pending'], 'status with the settings of the site');
check(is_file("$dir/outbox.sqlite"), 'the outbox named by the site\'s modretailcrm_queue_path');

// --- usage and errors ----------------------------------------------------------------------
[$code, , $err] = run_cli(env('ICML_DIR'), 'icml');
same(2, $code);
check(str_contains($err, 'pass --site='), $err);
[$code, , $err] = run_cli(env('ICML_DIR'), "--site=$site", 'status', '--shop=x');
same(2, $code);
check(str_contains($err, '--shop only go with icml'), $err);
[$code, , $err] = run_cli(env('ICML_DIR'), "--site=$site", 'icml', '--colour=red');
same(2, $code);
check(str_contains($err, 'unknown option --colour'), $err);
[$code, , $err] = run_cli(env('ICML_DIR'), "--site=$dir/nowhere", 'icml');
same(1, $code);
check(str_contains($err, "$dir/nowhere is not a MODX site"), $err);
unlink("$dir/site.sqlite");
[$code, , $err] = run_cli(env('ICML_DIR'), "--site=$site", 'icml');
same(1, $code);
check(str_contains($err, 'PDOException'), $err);

done();
