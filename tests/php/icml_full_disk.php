<?php
// ModRetailCrm\Icml\Writer when the disk is full: run by tests/php_icml.rs under a file size
// limit (RLIMIT_FSIZE with SIGXFSZ ignored, so a write past it fails with EFBIG as on a full
// disk). The failed write is a FileException naming the file, the published catalogue is left
// as it was, and no temporary file stays behind. Needs ICML_DIR, an empty directory.

declare(strict_types=1);

require __DIR__ . '/lib.php';

use ModRetailCrm\FileException;
use ModRetailCrm\Icml\Writer;

$dir = env('ICML_DIR');
$path = "$dir/full.xml";
file_put_contents($path, "<yml_catalog/>\n");
$shop = ['name' => 'Shop', 'company' => 'Shop Ltd', 'date' => '2026-11-29 07:16:52'];

$writer = new Writer($path, $shop);
$e = throws(FileException::class, function () use ($writer) {
    for ($id = 1; $id <= 5000; $id++) {
        $writer->addOffer(['id' => $id, 'pagetitle' => str_repeat('A long product name ', 10), 'price' => 10]);
    }
    $writer->finish();
}, 'cannot write');
check(str_contains($e->getMessage(), $dir), 'the message names the file: ' . $e->getMessage());
check(get_class($e) === FileException::class, 'exactly FileException: ' . get_class($e));
$writer->abort();
same("<yml_catalog/>\n", (string) file_get_contents($path), 'the published file is untouched');
same(['full.xml'], array_values(array_diff(scandir($dir), ['.', '..'])), 'no temporary file left');

done();
