<?php
/**
 * The installer vehicle of the transport package (scripts/transport.php), run by MODX's Package
 * Management with $transport (its xPDOTransport, ->xpdo the site's modX) and $options (the
 * package action). It runs the same ModRetailCrmInstaller as install.php on the component the
 * files vehicle copied to {core}components/modretailcrm/: install or upgrade (both make the site
 * what install.php makes it; a second run changes nothing), or uninstall, which keeps the
 * reference code columns and their codes. What it did, notes (such as how to install a missing
 * PHP extension) and warnings go to the Package Management console. Returns false, which MODX
 * reports as a failed vehicle, when a step failed.
 */

/** @var xPDOTransport $transport */
/** @var array $options */
$modx = $transport->xpdo;
$component = MODX_CORE_PATH . 'components/modretailcrm';
require_once $component . '/install/Installer.php';

$installer = new ModRetailCrmInstaller($modx, $component);
$uninstall = (int) ($options[xPDOTransport::PACKAGE_ACTION] ?? xPDOTransport::ACTION_INSTALL) === xPDOTransport::ACTION_UNINSTALL;
try {
    $uninstall ? $installer->uninstall(false) : $installer->install();
    $failure = null;
} catch (Throwable $e) {
    $failure = 'modRetailCRM ' . ($uninstall ? 'uninstall' : 'install') . ' failed: ' . $e->getMessage();
}
foreach ($installer->changes() as $change) {
    $modx->log(modX::LOG_LEVEL_INFO, "modRetailCRM: $change");
}
foreach ($installer->notes() as $note) {
    $modx->log(modX::LOG_LEVEL_WARN, "modRetailCRM: $note");
}
foreach ($installer->warnings() as $warning) {
    $modx->log(modX::LOG_LEVEL_ERROR, "modRetailCRM: WARNING: $warning");
}
if ($failure !== null) {
    $modx->log(modX::LOG_LEVEL_ERROR, $failure);
    return false;
}
if (!$uninstall) {
    $modx->log(modX::LOG_LEVEL_WARN, 'modRetailCRM: ' . ModRetailCrmInstaller::cronAdvice(rtrim(MODX_BASE_PATH, '/')));
}
return true;
