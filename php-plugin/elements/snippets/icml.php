<?php
/**
 * icml — modRetailCRM's ICML catalogue for RetailCRM (MODX Revolution 2.8, miniShop2 4.x).
 *
 * Same name and parameters as the older modRetailCRM snippet, so existing setups keep
 * working:
 *   &shop     shop name (default: site_name)
 *   &company  company name (default: site_name)
 *   &parents  comma list of resource ids (default 0: the whole catalogue)
 * and:
 *   &file     where the file is kept (default: the modretailcrm_icml_file setting, else
 *             {assets_path}modretailcrm/icml.xml; {assets_path}, {core_path}, {base_path}):
 *             a .xml or .xml.gz file inside {assets_path} or the modretailcrm_icml_folder
 *             setting's folder, else refused (an error in the MODX log, nothing written
 *             or served)
 *   &maxAge   seconds a written file is served before it is written again (default 3600;
 *             0 = every call writes it; the cron command `icml` keeps it fresh meanwhile)
 *   &serve    1: send the file as the response and stop (default when the snippet runs in a
 *             resource, e.g. a page whose content is [[!icml]] that RetailCRM fetches);
 *             0: write only and return a JSON summary
 *
 * The catalogue is read with ModRetailCrm\Plugin\IcmlCatalog (php-plugin/lib, installed as
 * {core_path}components/modretailcrm/lib/, or the modretailcrm_lib_path setting) and written
 * by the modretailcrm extension: streamed, constant memory, published by atomic rename, and
 * left untouched when the catalogue did not change. Serving streams the file (readfile), so
 * memory does not grow with it either.
 *
 * @var modX $modx
 * @var array $scriptProperties
 */

if (!extension_loaded('modretailcrm')) {
    $modx->log(modX::LOG_LEVEL_ERROR, '[modRetailCRM] icml: the PHP extension "modretailcrm" is not loaded.');
    return '';
}
if (!class_exists('ModRetailCrm\\Plugin\\IcmlCatalog', false)) {
    $lib = (string) $modx->getOption('modretailcrm_lib_path', null, '');
    $lib = $lib !== '' ? $lib : $modx->getOption('core_path', null, MODX_CORE_PATH) . 'components/modretailcrm/lib/';
    require_once rtrim($lib, '/') . '/IcmlCatalog.php';
}

$settings = [];
foreach (['site_name', 'site_url', 'friendly_urls', 'modretailcrm_allow_msoptionsprice', 'modretailcrm_icml_file',
    'modretailcrm_icml_folder', 'modretailcrm_data_path', 'assets_path', 'core_path', 'base_path'] as $key) {
    $settings[$key] = $modx->getOption($key);
}
try {
    $path = \ModRetailCrm\Plugin\IcmlCatalog::path((string) $modx->getOption('file', $scriptProperties, ''), $settings);
} catch (\ModRetailCrm\Exception $e) {
    $modx->log(modX::LOG_LEVEL_ERROR, '[modRetailCRM] icml: ' . get_class($e) . ': ' . $e->getMessage());
    return '';
}
$maxAge = (int) $modx->getOption('maxAge', $scriptProperties, 3600);
$serve = $modx->getOption('serve', $scriptProperties, '');
$serve = $serve === '' || $serve === null ? isset($modx->resource) && is_object($modx->resource) : \ModRetailCrm\Plugin\IcmlCatalog::flag($serve);

$summary = null;
// How long ago the file was written or found unchanged (the lock file is touched then; an
// unchanged catalogue keeps the file and its modification time).
$age = static function () use ($path): ?int {
    clearstatcache(true, $path);
    clearstatcache(true, $path . '.lock');
    if (!is_file($path)) {
        return null;
    }
    return time() - max((int) filemtime($path), is_file($path . '.lock') ? (int) filemtime($path . '.lock') : 0);
};
$stale = static fn(?int $age): bool => $age === null || $maxAge <= 0 || $age >= $maxAge;
if ($stale($age())) {
    if (!is_dir(dirname($path)) && !mkdir(dirname($path), 0775, true) && !is_dir(dirname($path))) {
        $modx->log(modX::LOG_LEVEL_ERROR, "[modRetailCRM] icml: cannot create the folder of $path");
        return '';
    }
    // One writer at a time; a second caller waits, then finds the file fresh.
    $lock = fopen($path . '.lock', 'c');
    if ($lock !== false) {
        flock($lock, LOCK_EX);
    }
    try {
        if ($lock === false || $stale($age())) {
            $known = [];
            foreach (array_keys(\ModRetailCrm\Plugin\IcmlCatalog::TABLES) as $class) {
                // Only classes whose package is loaded (asking for others logs an error).
                $known[$class] = isset($modx->map[$class]) ? $modx->getTableName($class) : null;
            }
            $tables = \ModRetailCrm\Plugin\IcmlCatalog::tables((string) $modx->getOption('table_prefix'), $known);
            if (!$modx->connect()) {
                throw new RuntimeException('no database connection');
            }
            // On MySQL/MariaDB the extension reads the catalogue with the site's connection.
            $catalog = new \ModRetailCrm\Plugin\IcmlCatalog($modx->pdo, $tables, \ModRetailCrm\Plugin\IcmlCatalog::PAGE_SIZE, [
                'dsn' => (string) $modx->getOption('dsn'), 'user' => (string) $modx->getOption('username'),
                'password' => (string) $modx->getOption('password'), 'prefix' => (string) $modx->getOption('table_prefix'),
            ]);
            $summary = $catalog->export($path, $scriptProperties, $settings);
            \ModRetailCrm\Plugin\IcmlCatalog::remember($settings, $summary, time());
            touch($path . '.lock');
        }
    } catch (\Throwable $e) {
        $modx->log(modX::LOG_LEVEL_ERROR, '[modRetailCRM] icml: ' . get_class($e) . ': ' . $e->getMessage());
        if (!is_file($path)) {
            return '';
        }
    } finally {
        if ($lock !== false) {
            flock($lock, LOCK_UN);
            fclose($lock);
        }
    }
}

if (!$serve) {
    return json_encode($summary ?? ['path' => $path, 'age' => $age()], JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES);
}
while (ob_get_level() > 0) {
    ob_end_clean();
}
clearstatcache(true, $path);
header('Content-Type: application/xml; charset=utf-8');
header('Content-Length: ' . filesize($path));
header('Last-Modified: ' . gmdate('D, d M Y H:i:s', (int) filemtime($path)) . ' GMT');
readfile($path);
exit;
