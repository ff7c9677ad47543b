<?php
// Compares the two lines scripts/bench.sh collected and prints the ratio and the memory the
// extension adds to a PHP process.

$read = function (string $file): array {
    parse_str(str_replace(' ', '&', trim((string) file_get_contents($file))), $figures);
    return $figures;
};
$ext = $read($argv[1]);
$curl = $read($argv[2]);
printf("throughput: extension %.0f orders/s, PHP curl %.0f orders/s: the extension is %.2fx as fast\n",
    $ext['per_second'], $curl['per_second'], $ext['per_second'] / $curl['per_second']);
printf("median latency: extension %.3f ms, PHP curl %.3f ms\n", $ext['median_ms'], $curl['median_ms']);
printf("resident memory at the end: extension process %d KiB, curl-only process %d KiB: +%d KiB per PHP process\n",
    $ext['rss_kib'], $curl['rss_kib'], $ext['rss_kib'] - $curl['rss_kib']);
