<?php
// ModRetailCrm\Plugin\IcmlCatalog (php-plugin/lib) against a real MariaDB/MySQL server: a
// generated miniShop2 catalogue (MODX 2.8 / miniShop2 4.x / msOptionsPrice2 tables with their
// indexes, rows shaped like tests/fixtures/minishop2/db) in a database of the test's own, the
// export checked (every product and modification written); the extension's own reader
// (IcmlCatalog with the site's connection: Writer::exportDatabase) writes the same document
// byte for byte (the date aside), and a connection it cannot open is a ConfigException without
// the password that leaves the published file as it was; then every query both readers ran
// checked with EXPLAIN at the first and the last page: the products are read on the primary key
// in id order (no other index walked from the start), the rows of a page by the product's
// index, no table read whole, no page query sorted or copied into a temporary table by the
// server (the reader sorts a page's rows itself); a page is at most five queries.
//
// Needs pdo_mysql and SimpleXML. ICML_DIR: an empty directory; ICML_MYSQL_SOCKET: the server's
// socket (user root, no password); ICML_PRODUCTS: how many products (default 20000).
// With ICML_EXPLAIN=1 the plans are printed.

declare(strict_types=1);

require __DIR__ . '/lib.php';
require __DIR__ . '/modx/catalog_mysql.php';
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

$dir = env('ICML_DIR');
$products = (int) (getenv('ICML_PRODUCTS') ?: 20000);
$pdo = new PDO('mysql:unix_socket=' . env('ICML_MYSQL_SOCKET') . ';charset=utf8mb4', 'root', '',
    [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]);
$expected = mysql_catalog($pdo, 'icml_shop', $products);

$pdo->setAttribute(PDO::ATTR_STATEMENT_CLASS, [LoggedStatement::class, []]);
$catalog = new IcmlCatalog($pdo, IcmlCatalog::tables('modx_'));
$summary = $catalog->export("$dir/catalog.xml", [], ['site_name' => 'Shop', 'site_url' => 'https://shop.example/',
    'friendly_urls' => '1', 'modretailcrm_allow_msoptionsprice' => '1']);
same($expected['products'], $summary['products'], 'every published product written');
same($expected['offers'], $summary['offers'], 'every product and modification an offer');
same(0, $summary['refused']);
$pdo->setAttribute(PDO::ATTR_STATEMENT_CLASS, [PDOStatement::class]);

// The extension's reader, its statements taken from the server's general log.
$settings = ['site_name' => 'Shop', 'site_url' => 'https://shop.example/', 'friendly_urls' => '1',
    'modretailcrm_allow_msoptionsprice' => '1'];
$database = ['dsn' => 'mysql:unix_socket=' . env('ICML_MYSQL_SOCKET') . ';dbname=icml_shop', 'user' => 'root',
    'password' => '', 'prefix' => 'modx_'];
$pdo->exec("SET GLOBAL log_output = 'TABLE'");
$pdo->exec('TRUNCATE TABLE mysql.general_log');
$pdo->exec('SET GLOBAL general_log = 1');
$rust = (new IcmlCatalog($pdo, IcmlCatalog::tables('modx_'), IcmlCatalog::PAGE_SIZE, $database))
    ->export("$dir/rust.xml", [], $settings);
$pdo->exec('SET GLOBAL general_log = 0');
$undated = fn(string $file): string => preg_replace('/ date="[^"]*"/', '', (string) file_get_contents($file), 1);
check($undated("$dir/catalog.xml") === $undated("$dir/rust.xml"), 'the extension reads the same document as PHP');
same($summary['products'], $rust['products'], 'the extension wrote every product');
same($summary['offers'], $rust['offers']);
same(0, $rust['refused']);
$executed = $pdo->query("SELECT CONVERT(argument USING utf8mb4) FROM mysql.general_log WHERE command_type = 'Execute'")
    ->fetchAll(PDO::FETCH_COLUMN);
$pages = intdiv($products + IcmlCatalog::PAGE_SIZE - 1, IcmlCatalog::PAGE_SIZE);
check(count($executed) >= $pages,
    count($executed) . ' statements of the extension logged');
$before = file_get_contents("$dir/rust.xml");
$e = throws(\ModRetailCrm\ConfigException::class, fn() => (new IcmlCatalog($pdo, IcmlCatalog::tables('modx_'),
    IcmlCatalog::PAGE_SIZE, ['user' => 'nobody_here', 'password' => 'wr0ng-s3cret'] + $database))
    ->export("$dir/rust.xml", [], $settings), 'database icml_shop');
check(!str_contains($e->getMessage(), 'wr0ng-s3cret'), 'the password is not told: ' . $e->getMessage());
same($before, file_get_contents("$dir/rust.xml"), 'a failed export leaves the published file as it was');

// The reader's queries by shape (the values aside), each at its first and its last run.
$reads = array_values(array_filter(LoggedStatement::$log, fn(array $q) => !str_contains($q[0], 'WHERE 1 = 0')));
$shapes = [];
foreach ($reads as [$sql, $values]) {
    $shape = preg_replace('/\?(, \?)*/', '?', $sql);
    $shapes[$shape]['first'] ??= [$sql, $values];
    $shapes[$shape]['last'] = [$sql, $values];
    $shapes[$shape]['runs'] = ($shapes[$shape]['runs'] ?? 0) + 1;
}
// The extension's statements (their values written in) by shape, the same checks.
$rustReads = 0;
foreach ($executed as $sql) {
    $shape = 'extension: ' . preg_replace('/(> |BETWEEN |AND )\d+/', '$1?', $sql);
    $shapes[$shape]['first'] ??= [$sql, []];
    $shapes[$shape]['last'] = [$sql, []];
    $shapes[$shape]['runs'] = ($shapes[$shape]['runs'] ?? 0) + 1;
    $rustReads++;
}
check($rustReads <= 5 * ($pages + 1) + 4, "$rustReads statements of the extension for $pages pages: at most five a page");

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
        if (!str_contains($shape, "class_key = 'msCategory' OR isfolder = 1")) { // the categories: few, on their indexes
            foreach ($plan as $row) {
                check(!str_contains((string) $row['Extra'], 'filesort') && !str_contains((string) $row['Extra'], 'temporary'),
                    "read as stored, not sorted by the server ($which run of $shape): " . json_encode($plan));
            }
        }
        if (str_contains($shape, 'JOIN `modx_ms2_products`')) {
            same('c', $plan[0]['table'], "the products read from site_content first: " . json_encode($plan));
            same('PRIMARY', $plan[0]['key'], "the products page on the primary key ($which): " . json_encode($plan));
        }
    }
}
check(count($reads) <= 5 * ($pages + 1) + 4, count($reads) . " queries for $pages pages: at most five a page");
$pdo->exec('DROP DATABASE icml_shop');
unlink("$dir/catalog.xml");
unlink("$dir/rust.xml");

done();
