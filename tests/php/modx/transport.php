<?php
// Does on the fake MODX 2.8 site what MODX's Package Management does with a transport package
// (xPDOTransport and xPDOScriptVehicle of xPDO 2.8), for the vehicles the package uses:
//   php transport.php SITE PACKAGE.transport.zip install|uninstall
// It unpacks the zip into {core}packages/, reads {signature}/manifest.php and runs each vehicle
// (in order to install, in reverse to uninstall): the vehicle's script, included with $transport
// and $options as xPDO includes it, then its file resolvers (copy the folder to the target the
// resolver's PHP expression names; on uninstall remove it). Exit status 1 when a vehicle fails.
// (A real MODX 2.8.7 with MariaDB installs the same zip through its processors; see README.)

[$self, $site, $zipFile, $action] = $argv + [null, null, null, null];
if (!in_array($action, ['install', 'uninstall'], true)) {
    fwrite(STDERR, "usage: php $self SITE PACKAGE.transport.zip install|uninstall\n");
    exit(2);
}
define('MODX_API_MODE', true);
require "$site/config.core.php";
require_once MODX_CORE_PATH . 'model/modx/modx.class.php';

/** The part of xPDO 2.8's xPDOTransport a vehicle's script and resolvers use. */
class xPDOTransport
{
    public const PACKAGE_ACTION = 'package_action';
    public const ACTION_INSTALL = 0;
    public const ACTION_UPGRADE = 1;
    public const ACTION_UNINSTALL = 2;

    public function __construct(public $xpdo, public string $signature, public string $path)
    {
    }
}

$modx = new modX();
if (!$modx->connect()) {
    exit(1);
}
$modx->initialize('mgr');
$modx->setLogLevel(modX::LOG_LEVEL_INFO);
$modx->setLogTarget('ECHO');

$packages = MODX_CORE_PATH . 'packages/';
$signature = basename($zipFile, '.transport.zip');
$zip = new ZipArchive();
if ($zip->open($zipFile) !== true || !$zip->extractTo($packages)) {
    fwrite(STDERR, "cannot unpack $zipFile into $packages\n");
    exit(1);
}
$zip->close();
$manifest = include "$packages$signature/manifest.php";
$transport = new xPDOTransport($modx, $signature, $packages);
$options = [xPDOTransport::PACKAGE_ACTION => $action === 'install' ? xPDOTransport::ACTION_INSTALL : xPDOTransport::ACTION_UNINSTALL];

/** Copies the folder $from into $to (made when missing). */
function copy_tree(string $from, string $to): void
{
    foreach (new RecursiveIteratorIterator(new RecursiveDirectoryIterator($from, FilesystemIterator::SKIP_DOTS)) as $file) {
        $target = $to . substr($file->getPathname(), strlen($from));
        if (!is_dir(dirname($target))) {
            mkdir(dirname($target), 0755, true);
        }
        copy($file->getPathname(), $target);
    }
}

$vehicles = $manifest['manifest-vehicles'];
foreach ($action === 'install' ? $vehicles : array_reverse($vehicles) as $entry) {
    $vehicle = include "$packages$signature/{$entry['filename']}";
    if ($entry['vehicle_class'] !== 'xPDOScriptVehicle' || $vehicle['class'] !== 'xPDOScriptVehicle') {
        fwrite(STDERR, "this emulation runs script vehicles only, not {$entry['vehicle_class']}\n");
        exit(1);
    }
    $ran = (static function (xPDOTransport $transport, array $options, array $object) {
        return include $transport->path . $object['source'];
    })($transport, $options, $vehicle['object']);
    if (!$ran) {
        echo "vehicle {$vehicle['guid']} ({$vehicle['object']['name']}) failed\n";
        exit(1);
    }
    foreach ($vehicle['resolve'] ?? [] as $resolver) {
        $body = json_decode($resolver['body'], true, 8, JSON_THROW_ON_ERROR);
        if ($resolver['type'] !== 'file') {
            fwrite(STDERR, "this emulation runs file resolvers only, not {$resolver['type']}\n");
            exit(1);
        }
        $target = eval($body['target']);
        if ($action === 'install') {
            copy_tree($packages . rtrim($body['source'], '/'), rtrim($target, '/'));
        } else {
            exec('rm -rf ' . escapeshellarg($target . $body['name']));
        }
    }
    echo "vehicle {$vehicle['guid']} ({$vehicle['object']['name']}) done\n";
}
