<?php
// The MODX transport package scripts/transport.php builds: a well-formed zip (its manifest, each
// vehicle, every file they name present, php-plugin/ in it byte for byte, nothing else), and on
// copies of the fake MODX 2.8 site, run as Package Management runs it (tests/php/modx/transport.php),
// it makes the site what install.php makes it; installed again it changes nothing; uninstalled,
// what install.php --uninstall leaves. Without the extension its log says how to install it.
// Run with PHP's zip extension.
require __DIR__ . '/install_lib.php';

/** Runs `php -n -d extension=zip` with $args; ['status', 'out', 'err']. */
function run_php_zip(array $args): array
{
    $process = proc_open(array_merge([PHP_BINARY, '-n', '-d', 'extension=zip'], $args), [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
    check(is_resource($process), 'php starts');
    $out = stream_get_contents($pipes[1]);
    $err = stream_get_contents($pipes[2]);
    fclose($pipes[1]);
    fclose($pipes[2]);
    return ['status' => proc_close($process), 'out' => $out, 'err' => $err];
}

/** Runs the package on $site as Package Management would; its output. */
function package_action(string $site, string $zip, string $action): string
{
    $run = run_php_zip([__DIR__ . '/modx/transport.php', $site, $zip, $action]);
    check($run['status'] === 0 && $run['err'] === '', "the package's $action succeeds: " . json_encode($run));
    return $run['out'];
}

/** The site's database with what an install makes at random (the private folder's name, a
 *  webhook secret where the installer makes one) made one value. */
function comparable_db(string $site): array
{
    $db = site_db($site);
    $secret = $db['objects']['modSystemSetting']['modretailcrm_webhook_secret']['value'] ?? null;
    if ($secret !== null && $secret !== '') {
        check(preg_match('/^[0-9a-f]{64}$/', $secret) === 1, "a random webhook secret: $secret");
        $db['objects']['modSystemSetting']['modretailcrm_webhook_secret']['value'] = 'RANDOM';
    }
    $path = $db['objects']['modSystemSetting']['modretailcrm_data_path']['value'] ?? null;
    if ($path !== null) {
        check(preg_match('~^\{core_path\}cache/modretailcrm-[0-9a-f]{24}/$~', $path) === 1, "a random private folder: $path");
        $db['objects']['modSystemSetting']['modretailcrm_data_path']['value'] = '{core_path}cache/modretailcrm-RANDOM/';
    }
    return $db;
}

// The build: one zip named by the version of Cargo.toml, its path printed.
$out = sys_get_temp_dir() . '/modretailcrm-transport-' . getmypid() . '-' . bin2hex(random_bytes(4));
register_shutdown_function(fn() => exec('rm -rf ' . escapeshellarg($out)));
$build = run_php_zip([REPO . '/scripts/transport.php', $out]);
preg_match('/^version = "([^"]+)"/m', file_get_contents(REPO . '/Cargo.toml'), $m);
$signature = "modretailcrm-{$m[1]}-pl";
$zipFile = "$out/$signature.transport.zip";
same(['status' => 0, 'out' => "$zipFile\n", 'err' => ''], $build, 'the build prints the zip it wrote');

// Well-formed: what the zip holds is exactly what the manifest and the vehicles name.
$zip = new ZipArchive();
check($zip->open($zipFile) === true, 'the zip opens');
$entries = [];
for ($i = 0; $i < $zip->numFiles; $i++) {
    $entries[$zip->getNameIndex($i)] = true;
}
$read = function (string $name) use ($zip, $entries): string {
    check(isset($entries[$name]), "the zip holds $name");
    return $zip->getFromName($name);
};
$load = function (string $name) use ($read, $out): array {
    $file = "$out/loaded-" . md5($name) . '.php';
    file_put_contents($file, $read($name));
    $value = include $file;
    check(is_array($value), "$name returns an array");
    return $value;
};
$named = ["$signature/manifest.php"];
$manifest = $load("$signature/manifest.php");
same('1.1', $manifest['manifest-version'], 'manifest version');
same(['php' => '>=8.1', 'modx' => '>=2.8'], $manifest['manifest-attributes']['requires'], 'requirements');
check(str_contains($manifest['manifest-attributes']['readme'], 'extension'), 'the readme names the extension');
same(2, count($manifest['manifest-vehicles']), 'two vehicles: files, then the installer');
$plugin = REPO . '/php-plugin';
foreach ($manifest['manifest-vehicles'] as $index => $entry) {
    $named[] = "$signature/{$entry['filename']}";
    $vehicle = $load("$signature/{$entry['filename']}");
    same(['transport', 'xPDOScriptVehicle', 'xPDOScriptVehicle', $vehicle['guid'], $vehicle['guid']],
        [$entry['vehicle_package'], $entry['vehicle_class'], $entry['class'], $entry['guid'], $entry['native_key']], 'vehicle entry');
    same("xPDOScriptVehicle/{$vehicle['signature']}.vehicle", $entry['filename'], 'vehicle file name');
    same(md5("xPDOScriptVehicle_{$vehicle['guid']}"), $vehicle['signature'], 'vehicle signature as xPDO makes it');
    $named[] = $vehicle['object']['source'];
    $script = $index === 0 ? 'files' : 'installer';
    same($script, $vehicle['object']['name'], 'vehicle order');
    same(file_get_contents("$plugin/install/transport/$script.php"), $read($vehicle['object']['source']), "the $script script");
    foreach ($vehicle['resolve'] ?? [] as $resolver) {
        same('file', $resolver['type'], 'a file resolver');
        $body = json_decode($resolver['body'], true, 8, JSON_THROW_ON_ERROR);
        same(["return MODX_CORE_PATH . 'components/';", 'modretailcrm'], [$body['target'], $body['name']], 'resolver target');
        foreach (new RecursiveIteratorIterator(new RecursiveDirectoryIterator($plugin, FilesystemIterator::SKIP_DOTS)) as $file) {
            $name = $body['source'] . 'modretailcrm' . substr($file->getPathname(), strlen($plugin));
            $named[] = $name;
            same(file_get_contents($file->getPathname()), $read($name), "$name is the repository's file");
        }
    }
}
sort($named);
$held = array_keys($entries);
sort($held);
same($named, $held, 'the zip holds exactly the manifest, the vehicles and the files they name');
$zip->close();

// Installed on one copy of the fake site, install.php on another: the same site.
$byScript = fake_site();
$byPackage = fake_site();
install($byScript);
$log = package_action($byPackage, $zipFile, 'install');
same(comparable_db($byScript), comparable_db($byPackage), 'the package makes the database install.php makes');
foreach (component_files() as $source => $target) {
    same(file_get_contents($source), @file_get_contents("$byPackage/$target"), "installed $target");
}
check(str_contains($log, 'the modretailcrm PHP extension is not loaded') && str_contains($log, 'php' . PHP_MAJOR_VERSION . '.'
    . PHP_MINOR_VERSION . '-modretailcrm') && str_contains($log, 'pie install'), "the log says how to install the extension: $log");
check(str_contains($log, 'cron runs them on time:  * * * * * php ') && str_contains($log, ' run 50'), "the log gives the cron line: $log");

// Installed again (an upgrade to the same version): nothing changes.
$before = site_db($byPackage);
$again = package_action($byPackage, $zipFile, 'install');
same($before, site_db($byPackage), 'a second install changes nothing');
check(!str_contains($again, 'created ') && !str_contains($again, 'updated '), "the second install reports no change: $again");

// Uninstalled: what install.php --uninstall leaves (codes kept), and no component folder.
install($byScript, ['--uninstall']);
package_action($byPackage, $zipFile, 'uninstall');
same(comparable_db($byScript), comparable_db($byPackage), 'the package removes what install.php --uninstall removes');
foreach (CODE_COLUMNS as $table => $column) {
    same('varchar(255) NULL', site_db($byPackage)['columns'][$table][$column] ?? null, "$table.$column is kept");
}
check(!file_exists("$byPackage/core/components/modretailcrm") && !file_exists("$byPackage/assets/components/modretailcrm"),
    'the component folders are gone');

echo "PASS transport_package ({$GLOBALS['checks']} checks)\n";
