<?php
// The API log: failures always, every call with `log` on; to a rotated file or to a PHP
// callable; the API key never appears in any line, file, message or exception.
require __DIR__ . '/lib.php';

$key = env('CRM_KEY');
$dir = sys_get_temp_dir() . '/modretailcrm-logtest-' . getmypid();
@mkdir($dir);
$file = "$dir/logs/api.log";
is_dir("$dir/logs") || mkdir("$dir/logs"); // a configured log file's folder must exist

// Quiet file log: a success writes nothing, a failure writes one ERROR line.
$quiet = sandbox_client(['log_file' => $file]);
$quiet->customersCreate(['externalId' => 'log-1', 'firstName' => 'Лог']);
check(!file_exists($file), 'a success is not logged when log is off');
try {
    $quiet->customersGet('missing');
} catch (\ModRetailCrm\ApiException $e) {
}
$lines = file($file, FILE_IGNORE_NEW_LINES);
same(1, count($lines), 'the failure is logged');
check(str_contains($lines[0], ' ERROR GET v5/customers/missing?by=externalId&site=shop -> 404 in '), $lines[0]);

// Verbose callable log: one line per call, with request and response bodies.
$seen = [];
$verbose = sandbox_client(['log' => true, 'log_callback' => function (string $line) use (&$seen) {
    $seen[] = $line;
}]);
$verbose->customersEdit(['externalId' => 'log-1', 'lastName' => 'Журналов']);
same(1, count($seen));
check(str_contains($seen[0], ' INFO POST v5/customers/log-1/edit -> 200 in '), $seen[0]);
check(str_contains($seen[0], 'request: customer=' . urlencode('{"externalId":"log-1","lastName":"Журналов"}')), $seen[0]);
check(str_contains($seen[0], 'response: {"success":true'), $seen[0]);

// The key is masked everywhere, even where a caller puts it into parameters or the CRM echoes it.
$seen = [];
$verbose->request('GET', 'orders', ['apiKey' => $key, 'filter' => ['comment' => "key=$key"]]);
control('POST', 'faults', ['mode' => 'status', 'status' => 500, 'count' => 1]);
try {
    $verbose->request('POST', 'customers/create', ['customer' => ['firstName' => $key], 'site' => 'shop']);
} catch (\ModRetailCrm\ApiException $e) {
    check(!str_contains($e->getMessage(), $key), 'not in the exception message');
}
$closed = new \ModRetailCrm\Client('http://127.0.0.1:9', $key, 'shop', ['log_file' => $file]);
try {
    $closed->request('GET', 'orders', ['apiKey' => $key]);
} catch (\ModRetailCrm\TransportException $e) {
    check(!str_contains($e->getMessage(), $key), 'not in the transport error');
}
same(2, count($seen));
foreach (array_merge($seen, file($file)) as $line) {
    check(!str_contains($line, $key) && !str_contains($line, urlencode($key)), "no key in: $line");
    check(str_contains($line, '***') || str_contains($line, 'v5/customers/missing'), "masked: $line");
}

// A callback that throws: its exception reaches the caller unchanged.
$throwing = sandbox_client(['log' => true, 'log_callback' => function () {
    throw new RuntimeException('log sink is full');
}]);
try {
    $throwing->apiVersions();
    fail('the callback exception was swallowed');
} catch (RuntimeException $e) {
    same('log sink is full', $e->getMessage());
}

// Rotation: a small cap rotates the file and keeps at most three old ones.
$small = sandbox_client(['log' => true, 'log_file' => "$dir/rot.log", 'log_max_bytes' => 1024]);
for ($i = 0; $i < 30; $i++) {
    $small->apiVersions();
}
check(filesize("$dir/rot.log") <= 1024, 'the live file stays under the cap');
check(file_exists("$dir/rot.log.1") && file_exists("$dir/rot.log.3") && !file_exists("$dir/rot.log.4"), 'three rotated files kept');

// Inside MODX (MODX_CORE_PATH defined) the default log file is core/cache/logs/modretailcrm.log;
// its folder logs/ is created in MODX's core/cache/ (which every site has), never its parents.
define('MODX_CORE_PATH', "$dir/core/");
mkdir("$dir/core/cache", 0700, true);
$modx = sandbox_client();
try {
    $modx->customersGet('nobody-here');
} catch (\ModRetailCrm\ApiException $e) {
}
$modxLog = "$dir/core/cache/logs/modretailcrm.log";
check(file_exists($modxLog) && str_contains(file_get_contents($modxLog), 'v5/customers/nobody-here'), 'logged under MODX core/cache/logs');
unlink($modxLog);
@rmdir("$dir/core/cache/logs");
@rmdir("$dir/core/cache");
@rmdir("$dir/core");

array_map('unlink', glob("$dir/logs/*") ?: []);
array_map('unlink', glob("$dir/*.log*") ?: []);
@rmdir("$dir/logs");
@rmdir($dir);
done();
