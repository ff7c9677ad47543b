<?php
/**
 * Builds the MODX transport package of the component from php-plugin/, for MODX Revolution 2.8's
 * Package Management (Extras → Installer → Upload a package, or copy it to core/packages/ and
 * "Search locally for packages"):
 *
 *   php scripts/transport.php [OUT_DIR]     (default target/transport; prints the zip's path)
 *
 * modretailcrm-{version}-pl.transport.zip (the version of Cargo.toml) holds {signature}/manifest.php
 * and two script vehicles, written in the format xPDOTransport reads (manifest version 1.1):
 * - files: its file resolver copies php-plugin/ to {core}components/modretailcrm/ on install and
 *   upgrade, and removes that folder on uninstall;
 * - installer: php-plugin/install/transport/installer.php, which runs install/Installer.php
 *   (the installer of install.php) on the copied component: namespace, category, settings with
 *   their lexicons, plugin and events, snippets, manager assets, code columns, private folder.
 * MODX runs vehicles in order on install and in reverse on uninstall, so the installer finds
 * its files on both. Needs PHP's zip extension.
 */

if (PHP_SAPI !== 'cli') {
    exit(1);
}
if (!class_exists(ZipArchive::class)) {
    fwrite(STDERR, "transport: PHP's zip extension is missing (apt-get install php-zip)\n");
    exit(1);
}

$root = dirname(__DIR__);
$plugin = "$root/php-plugin";
$out = $argv[1] ?? "$root/target/transport";

if (preg_match('/^\[package\][^\[]*?^version = "([^"]+)"/ms', (string) file_get_contents("$root/Cargo.toml"), $m) !== 1) {
    fwrite(STDERR, "transport: no [package] version in Cargo.toml\n");
    exit(1);
}
$signature = "modretailcrm-{$m[1]}-pl";

/** Every file under $dir, relative to it, sorted. @return list<string> */
function transport_files(string $dir): array
{
    $files = [];
    $iterator = new RecursiveIteratorIterator(new RecursiveDirectoryIterator($dir, FilesystemIterator::SKIP_DOTS));
    foreach ($iterator as $file) {
        if ($file->isFile()) {
            $files[] = substr($file->getPathname(), strlen($dir) + 1);
        }
    }
    sort($files);
    return $files;
}

/**
 * A script vehicle: the payload xPDOScriptVehicle reads, its manifest entry, and the files it
 * brings (zip path => source file).
 *
 * @param array<string, string> $fileResolvers a folder of php-plugin => its name under {core}components/
 * @return array{payload: array, entry: array, files: array<string, string>}
 */
function transport_vehicle(string $signature, string $name, string $script, array $fileResolvers): array
{
    $class = 'xPDOScriptVehicle';
    $guid = md5("modretailcrm.$name");
    $vehicle = md5("{$class}_$guid");
    $base = "$signature/$class/$vehicle";
    $files = ["$base.$name.script" => $script];
    $resolve = [];
    foreach ($fileResolvers as $source => $target) {
        $key = count($resolve);
        foreach (transport_files($source) as $file) {
            $files["$base/$key/$target/$file"] = "$source/$file";
        }
        $resolve[] = ['type' => 'file', 'body' => json_encode([
            'source' => "$base/$key/",
            'target' => "return MODX_CORE_PATH . 'components/';",
            'name' => $target,
        ], JSON_UNESCAPED_SLASHES)];
    }
    $payload = [
        'vehicle_package' => 'transport',
        'vehicle_class' => $class,
        'class' => $class,
        'guid' => $guid,
        'package' => '',
        'signature' => $vehicle,
        'native_key' => $guid,
        'object' => ['source' => "$base.$name.script", 'name' => $name],
        'resolve' => $resolve === [] ? null : $resolve,
    ];
    $entry = [
        'vehicle_package' => 'transport',
        'vehicle_class' => $class,
        'class' => $class,
        'guid' => $guid,
        'native_key' => $guid,
        'filename' => "$class/$vehicle.vehicle",
    ];
    return ['payload' => $payload, 'entry' => $entry, 'files' => $files];
}

$vehicles = [
    transport_vehicle($signature, 'files', "$plugin/install/transport/files.php", [$plugin => 'modretailcrm']),
    transport_vehicle($signature, 'installer', "$plugin/install/transport/installer.php", []),
];
$readme = "modRetailCRM {$m[1]}: sends miniShop2 customers, orders and status changes to RetailCRM.\n\n"
    . "Needs MODX Revolution 2.8 with miniShop2 4.x and the modretailcrm PHP extension in the site's PHP\n"
    . "(the Debian package, PIE, or phpize: see the project's README, \"Installing\"). Without the extension\n"
    . "the package installs, the shop works unchanged and nothing is sent; the install log says how to add it.\n\n"
    . "After installing: System settings, namespace modretailcrm (the CRM's address, API key and store code);\n"
    . "the RetailCRM codes of deliveries, payments and statuses in miniShop2's settings; and the cron line\n"
    . "the install log shows. Uninstalling keeps the code columns and their codes, and the outbox.\n";
$manifest = [
    'manifest-version' => '1.1',
    'manifest-attributes' => [
        'license' => "MIT License. See the project's Cargo.toml (license = \"MIT\").\n",
        'readme' => $readme,
        'changelog' => "{$m[1]}-pl: the first transport package of modRetailCRM built from the repository.\n",
        'requires' => ['php' => '>=8.1', 'modx' => '>=2.8'],
    ],
    'manifest-vehicles' => array_map(fn(array $vehicle) => $vehicle['entry'], $vehicles),
];

if (!is_dir($out) && !mkdir($out, 0755, true) && !is_dir($out)) {
    fwrite(STDERR, "transport: cannot create $out\n");
    exit(1);
}
$zipPath = rtrim($out, '/') . "/$signature.transport.zip";
$tmp = "$zipPath.tmp";
@unlink($tmp);
$zip = new ZipArchive();
if ($zip->open($tmp, ZipArchive::CREATE | ZipArchive::EXCL) !== true) {
    fwrite(STDERR, "transport: cannot create $tmp\n");
    exit(1);
}
$zip->addFromString("$signature/manifest.php", '<?php return ' . var_export($manifest, true) . ';');
foreach ($vehicles as $vehicle) {
    $zip->addFromString("$signature/{$vehicle['entry']['filename']}", '<?php return ' . var_export($vehicle['payload'], true) . ';');
    foreach ($vehicle['files'] as $name => $source) {
        if (!$zip->addFile($source, $name)) {
            fwrite(STDERR, "transport: cannot add $name\n");
            exit(1);
        }
    }
}
if (!$zip->close() || !rename($tmp, $zipPath)) {
    fwrite(STDERR, "transport: cannot write $zipPath\n");
    exit(1);
}
echo "$zipPath\n";
