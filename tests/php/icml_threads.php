<?php
// The extension's catalogue reader (IcmlCatalog with the site's connection) for the test of a
// PHP worker the system allows few threads (tests/php_icml_mariadb.rs):
//   php icml_threads.php fill N     a generated miniShop2 catalogue of N products in database
//                                   icml_threads (tests/php/modx/catalog_mysql.php)
//   php icml_threads.php export     the catalogue of icml_threads to ICML_OUT/catalog.xml;
//                                   prints the summary as JSON, or the exception's class and
//                                   message
// ICML_MYSQL_SOCKET: the server's socket (user root, no password). Needs pdo_mysql.

declare(strict_types=1);

require __DIR__ . '/modx/catalog_mysql.php';
require dirname(__DIR__, 2) . '/php-plugin/lib/IcmlCatalog.php';

use ModRetailCrm\Plugin\IcmlCatalog;

$socket = (string) getenv('ICML_MYSQL_SOCKET');
$pdo = new PDO("mysql:unix_socket=$socket;charset=utf8mb4", 'root', '', [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]);
if (($argv[1] ?? '') === 'fill') {
    echo json_encode(mysql_catalog($pdo, 'icml_threads', (int) ($argv[2] ?? 1000))), "\n";
    exit(0);
}
$pdo->exec('USE icml_threads');
$database = ['dsn' => "mysql:unix_socket=$socket;dbname=icml_threads", 'user' => 'root', 'password' => '',
    'prefix' => 'modx_'];
try {
    $summary = (new IcmlCatalog($pdo, IcmlCatalog::tables('modx_'), IcmlCatalog::PAGE_SIZE, $database))
        ->export(getenv('ICML_OUT') . '/catalog.xml', [],
            ['site_name' => 'Shop', 'site_url' => 'https://shop.example/', 'friendly_urls' => '1']);
    echo json_encode($summary), "\n";
} catch (Throwable $e) {
    echo get_class($e), ': ', $e->getMessage(), "\n";
}
