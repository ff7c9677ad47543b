<?php
// The fake MODX 2.8 site's core/config/config.inc.php. Its "database" is one JSON file next to
// this one (database.json): the fake modX reads it on connect() and writes it on every change.
$database_type = 'mysql';
$database_dsn = 'json:' . __DIR__ . '/database.json';
$database_user = 'fake';
$database_password = '';
$table_prefix = 'modx_';
$config_options = [];
$driver_options = [];

$site_root = dirname(__DIR__, 2) . '/';
if (!defined('MODX_CORE_PATH')) {
    define('MODX_CORE_PATH', $site_root . 'core/');
}
if (!defined('MODX_BASE_PATH')) {
    define('MODX_BASE_PATH', $site_root);
    define('MODX_BASE_URL', '/');
    define('MODX_MANAGER_PATH', $site_root . 'manager/');
    define('MODX_MANAGER_URL', '/manager/');
    define('MODX_CONNECTORS_PATH', $site_root . 'connectors/');
    define('MODX_CONNECTORS_URL', '/connectors/');
    define('MODX_ASSETS_PATH', $site_root . 'assets/');
    define('MODX_ASSETS_URL', '/assets/');
}
