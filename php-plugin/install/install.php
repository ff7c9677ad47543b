<?php
/**
 * modRetailCRM installer for MODX Revolution 2.8 + miniShop2 4.x.
 *
 *   php php-plugin/install/install.php --site=/path/to/modx                # install or upgrade
 *   php php-plugin/install/install.php --site=/path/to/modx --uninstall    # remove, keep the codes
 *   php php-plugin/install/install.php --site=/path/to/modx --uninstall --drop-codes
 *
 * --site is the directory holding the site's config.core.php. Run it as a user that may write
 * core/components/ and assets/components/ of the site (best the site's own user: files a root run
 * writes into MODX's caches are root's). Exit status: 0 done (or nothing to do),
 * 1 not a MODX 2.8 site, no miniShop2, or a step failed (the message says which), 2 bad usage,
 * 3 installed, but the web server hands out the private folder (the warning says how to stop it).
 */

if (PHP_SAPI !== 'cli') {
    http_response_code(403);
    exit("modretailcrm install: run this from the command line\n");
}

function modretailcrm_install_exit(int $status, string $message): never
{
    fwrite($status === 0 ? STDOUT : STDERR, $message . "\n");
    exit($status);
}

$usage = 'usage: php ' . basename(__FILE__) . ' --site=/path/to/modx [--uninstall [--drop-codes]]';
$options = getopt('', ['site:', 'uninstall', 'drop-codes', 'help']);
$known = ['--uninstall', '--drop-codes', '--help'];
foreach (array_slice($argv, 1) as $arg) {
    if (!in_array($arg, $known, true) && !str_starts_with($arg, '--site=') && $arg !== '--site') {
        if (!isset($options['site']) || $arg !== $options['site']) {
            modretailcrm_install_exit(2, "unknown argument $arg\n$usage");
        }
    }
}
if (isset($options['help'])) {
    modretailcrm_install_exit(0, $usage);
}
if (!isset($options['site']) || !is_string($options['site']) || $options['site'] === '') {
    modretailcrm_install_exit(2, $usage);
}
$uninstall = isset($options['uninstall']);
$dropCodes = isset($options['drop-codes']);
if ($dropCodes && !$uninstall) {
    modretailcrm_install_exit(2, "--drop-codes goes with --uninstall\n$usage");
}

// The site: config.core.php names the core; core/docs/version.inc.php says which MODX it is.
$site = realpath($options['site']);
if ($site === false || !is_dir($site)) {
    modretailcrm_install_exit(1, "{$options['site']} is not a directory");
}
if (!is_file("$site/config.core.php")) {
    modretailcrm_install_exit(1, "$site is not a MODX site: it has no config.core.php");
}
define('MODX_API_MODE', true);
require "$site/config.core.php";
if (!defined('MODX_CORE_PATH') || !is_file(MODX_CORE_PATH . 'model/modx/modx.class.php')
    || !is_file(MODX_CORE_PATH . 'docs/version.inc.php')) {
    modretailcrm_install_exit(1, "$site is not a MODX Revolution 2.8 site: its config.core.php does not lead to"
        . ' core/model/modx/modx.class.php and core/docs/version.inc.php');
}
$version = include MODX_CORE_PATH . 'docs/version.inc.php';
if (!is_array($version) || (string) ($version['version'] ?? '') !== '2' || (int) ($version['major_version'] ?? 0) < 8) {
    modretailcrm_install_exit(1, "$site is not a MODX Revolution 2.8 site: it runs "
        . (is_array($version) ? ($version['full_version'] ?? 'an unknown version') : 'an unknown version'));
}
$configFile = MODX_CORE_PATH . 'config/' . (defined('MODX_CONFIG_KEY') ? MODX_CONFIG_KEY : 'config') . '.inc.php';
if (!is_readable($configFile)) {
    modretailcrm_install_exit(1, "$site is not an installed MODX site: $configFile is missing or unreadable");
}

require_once MODX_CORE_PATH . 'model/modx/modx.class.php';
require_once __DIR__ . '/Installer.php';

$modx = new modX();
if (!$modx->connect()) {
    modretailcrm_install_exit(1, "cannot connect to the database of $site (see $configFile)");
}
$modx->initialize('mgr');
$modx->setLogLevel(modX::LOG_LEVEL_ERROR);
$modx->setLogTarget('ECHO');

$installer = new ModRetailCrmInstaller($modx, dirname(__DIR__));
$action = $uninstall ? 'uninstall' : 'install';
try {
    $uninstall ? $installer->uninstall($dropCodes) : $installer->install();
} catch (Throwable $e) {
    foreach ($installer->changes() as $change) {
        echo "  $change\n";
    }
    modretailcrm_install_exit(1, "modretailcrm $action failed: " . $e->getMessage());
}

$changes = $installer->changes();
foreach ($changes as $change) {
    echo "  $change\n";
}
foreach ($installer->notes() as $note) {
    echo "  note: $note\n";
}
foreach ($installer->warnings() as $warning) {
    fwrite(STDERR, "  WARNING: $warning\n");
}
if (!$uninstall) {
    echo '  next: ' . ModRetailCrmInstaller::cronAdvice($site) . "\n";
}
if ($changes === []) {
    echo $uninstall
        ? "modRetailCRM is not installed on $site: nothing changed.\n"
        : "modRetailCRM is installed and up to date on $site: nothing changed.\n";
} else {
    echo ($uninstall ? 'modRetailCRM removed from ' : 'modRetailCRM installed on ') . "$site: "
        . count($changes) . " change(s).\n";
}
// A warning (the web server hands out the private folder) is an exit status a deploy script or
// a monitor notices, not only a line on the screen.
exit($installer->warnings() === [] ? 0 : 3);
