<?php
// The `icml` snippet (php-plugin/elements/snippets/icml.php) in the MODX-shaped harness, on a
// miniShop2-shaped SQLite database: writes {assets_path}modretailcrm/icml.xml (the reader
// test's document, byte for byte apart from the date) through $modx's connection and table
// names; a fresh file is served as it is until maxAge; called from a resource it sends the file
// and stops. Hostile &file values (outside assets/ and the export folder, not .xml, through
// symbolic links, with NUL bytes) are refused with an error in the MODX log: nothing written,
// nothing served. The site lives in ICML_DIR, a temporary folder; its core/config is a fake.
// Needs pdo_sqlite, ICML_DIR and MODRETAILCRM_SO. With the argument `serve` it is the
// page RetailCRM fetches: it prints what the snippet sends (`serve FILE`: with &file=FILE).

declare(strict_types=1);

require __DIR__ . '/lib.php';
require __DIR__ . '/modx/catalog.php';

$dir = env('ICML_DIR');
// Relative paths resolve inside the temporary site even for a snippet that does not check
// them: `../../core/…` from here is $dir/core/….
is_dir("$dir/web/root") || mkdir("$dir/web/root", 0777, true);
chdir("$dir/web/root");
$config = [
    'site_name' => 'Tom & Jerry <Shop>',
    'site_url' => 'https://shop.example/',
    'friendly_urls' => '1',
    'modretailcrm_allow_msoptionsprice' => '1',
    'assets_path' => "$dir/assets/",
    'base_path' => "$dir/",
    'core_path' => "$dir/core/",
    'modretailcrm_icml_folder' => '{base_path}feeds/',
    'modretailcrm_lib_path' => dirname(__DIR__, 2) . '/php-plugin/lib',
];
$path = "$dir/assets/modretailcrm/icml.xml";

if (($argv[1] ?? '') === 'serve') {
    $modx = new CatalogModX(new CatalogDb(new PDO("sqlite:$dir/shop.sqlite")), $config);
    $modx->resource = new xPDOObjectStub('modResource', ['id' => 20, 'content' => '[[!icml]]']);
    $returned = $modx->runPlugin(icml_snippet_file(), 'icml', ['maxAge' => '0'] + (isset($argv[2]) ? ['file' => $argv[2]] : []));
    isset($argv[2]) || fail('the snippet did not stop after sending the file');
    echo json_encode(['returned' => $returned, 'logged' => $modx->logged(modX::LOG_LEVEL_ERROR)]);
    exit(0);
}

/** Runs the snippet with $properties; returns what it returned, decoded. */
function snippet(CatalogModX $modx, array $properties = []): array
{
    $modx->newRequest();
    $result = $modx->runPlugin(icml_snippet_file(), 'icml', $properties);
    check(is_string($result), 'the snippet returns text');
    $decoded = json_decode($result, true);
    check(is_array($decoded), "JSON: $result; logged: " . implode(" / ", $modx->logged()));
    return $decoded;
}

// The site's other folders: the export folder and a core/config with a secret in it.
mkdir("$dir/feeds");
mkdir("$dir/core/config", 0777, true);
$secret = "<?php \$database_password = 'secret-db-password';\n";
file_put_contents("$dir/core/config/config.inc.php", $secret);
file_put_contents("$dir/core/config/schema.xml", '<model/>');
$db = CatalogDb::create("$dir/shop.sqlite");
fill_catalog($db);
$modx = new CatalogModX($db, $config);

// --- write -----------------------------------------------------------------------------------
$summary = snippet($modx);
same(['categories' => 5, 'offers' => 6, 'bytes' => filesize($path), 'path' => $path, 'changed' => true,
    'products' => 4, 'refused' => 1, 'refusals' => ['offer "16": price must be a number, got "abc"']], $summary,
    'not in a resource: written, the summary returned');
$date = '/<yml_catalog date="[^"]+">/';
same(preg_replace($date, '', (string) file_get_contents(__DIR__ . '/icml_catalog.expected.xml')),
    preg_replace($date, '', (string) file_get_contents($path)), 'the document, byte for byte apart from the date');
same([], $modx->logged(modX::LOG_LEVEL_WARN), 'nothing logged');

// --- maxAge: a fresh file is kept, a stale one rewritten ------------------------------------
$db->pdo->exec("UPDATE modx_ms2_products SET price = '1300' WHERE id = 3");
$fresh = snippet($modx, ['maxAge' => '86400']);
same($path, $fresh['path']);
check(is_int($fresh['age']) && $fresh['age'] < 86400, 'the fresh file\'s age');
check(str_contains((string) file_get_contents($path), '<price>1250.5</price>'), 'a fresh file is not rewritten');
same(true, snippet($modx, ['maxAge' => '0'])['changed'], 'maxAge 0: written every time');
check(str_contains((string) file_get_contents($path), '<price>1300</price>'), 'the new price');

touch($path, 1000000000);
touch("$path.lock", 1000000000);
same(false, snippet($modx, ['maxAge' => '60'])['changed'], 'stale: read again, found unchanged');
clearstatcache();
same(1000000000, filemtime($path), 'an unchanged catalogue keeps its file');
check(isset(snippet($modx, ['maxAge' => '60'])['age']), 'found unchanged counts as fresh: not read again');

// --- parameters --------------------------------------------------------------------------------
$other = snippet($modx, ['parents' => '8', 'shop' => 'Other', 'company' => 'Other Ltd', 'file' => '{base_path}feeds/other.xml']);
same(["$dir/feeds/other.xml", 1, 1], [$other['path'], $other['categories'], $other['offers']]);
$xml = simplexml_load_file("$dir/feeds/other.xml");
same(['Other', 'Other Ltd'], [(string) $xml->shop->name, (string) $xml->shop->company]);

// --- from a resource: the file is the response ------------------------------------------------
$child = proc_open(['php', '-n', '-d', 'extension=pdo', '-d', 'extension=pdo_sqlite', '-d',
    'extension=' . env('MODRETAILCRM_SO'), __FILE__, 'serve'], [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
$sent = stream_get_contents($pipes[1]);
$err = stream_get_contents($pipes[2]);
same(0, proc_close($child), "the page: $err");
same((string) file_get_contents($path), $sent, 'the response is the file, nothing else');
same('', $err);

// --- hostile paths: refused with an error in the MODX log, nothing written or served ----------
symlink("$dir/core/config", "$dir/assets/linked");
symlink("$dir/core/config/config.inc.php", "$dir/assets/feed.xml");
$hostile = [
    '../../core/config/config.inc.php' => 'not an absolute path',
    '{core_path}config/config.inc.php' => 'must end in .xml',
    '{core_path}config/schema.xml' => 'is outside the folders',
    '{assets_path}../core/config/schema.xml' => 'is outside the folders',
    '{assets_path}linked/schema.xml' => 'is outside the folders',
    '{assets_path}linked/new.xml' => 'is outside the folders',
    '{assets_path}feed.xml' => 'is a symbolic link',
    "$dir/etc/passwd" => 'must end in .xml',
    "$dir/etc/passwd.xml" => 'is outside the folders',
    "{assets_path}icml.xml\0.php" => 'contains a NUL byte',
    '{base_path}index.xml' => 'is outside the folders',
];
foreach ($hostile as $file => $why) {
    $refusing = new CatalogModX($db, $config);
    $refusing->newRequest();
    same('', $refusing->runPlugin(icml_snippet_file(), 'icml', ['file' => $file, 'maxAge' => '0']), "$file: nothing returned");
    $errors = $refusing->logged(modX::LOG_LEVEL_ERROR);
    same(1, count($errors), "$file: one error logged");
    check(str_contains($errors[0], 'ConfigException') && str_contains($errors[0], $why), "$file: logged $errors[0]");
}
same($secret, (string) file_get_contents("$dir/core/config/config.inc.php"), 'the configuration is untouched');
same('<model/>', (string) file_get_contents("$dir/core/config/schema.xml"), 'the schema is untouched');
same(['config.inc.php', 'schema.xml'], array_values(array_diff(scandir("$dir/core/config"), ['.', '..'])), 'nothing new in core/config');
check(!is_file("$dir/index.xml"), 'nothing written at the web root');
// The page RetailCRM fetches, pointed at a link to the configuration: nothing is sent.
$child = proc_open(['php', '-n', '-d', 'extension=pdo', '-d', 'extension=pdo_sqlite', '-d',
    'extension=' . env('MODRETAILCRM_SO'), __FILE__, 'serve', '{assets_path}feed.xml'], [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
$sent = stream_get_contents($pipes[1]);
$err = stream_get_contents($pipes[2]);
same(0, proc_close($child), "the page with a link: $err");
check(!str_contains($sent, 'secret-db-password'), "the configuration is not served: $sent");
$page = json_decode($sent, true);
same('', $page['returned'] ?? null, "the page returns nothing: $sent");
check(str_contains($page['logged'][0] ?? '', 'is a symbolic link'), "the page logs why: $sent");

// --- errors are logged, the published file is served meanwhile --------------------------------
$broken = new CatalogModX($db, ['site_name' => ''] + $config);
$kept = snippet($broken, ['maxAge' => '0']);
same($path, $kept['path'], 'the file in place is still there');
same(1, count($broken->logged(modX::LOG_LEVEL_ERROR)));
check(str_contains($broken->logged(modX::LOG_LEVEL_ERROR)[0], 'shop name is missing'), 'logged: ' . $broken->logged()[0]);

done();
