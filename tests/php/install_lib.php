<?php
// Helpers of the installer tests: a fresh copy of the fake MODX 2.8 site (tests/php/modx/site) in a
// temp dir, the installer run on it in its own php process, and the site's state as the fake
// modX persisted it (core/config/database.json).
require_once __DIR__ . '/lib.php';

const REPO = __DIR__ . '/../..';

/** A copy of the fake site in a new temp dir, removed when the test ends. */
function fake_site(): string
{
    $dir = sys_get_temp_dir() . '/modretailcrm-site-' . getmypid() . '-' . bin2hex(random_bytes(4));
    $source = realpath(__DIR__ . '/modx/site');
    exec('cp -r ' . escapeshellarg($source) . ' ' . escapeshellarg($dir), $out, $status);
    check($status === 0 && is_file("$dir/config.core.php"), "the fake site is copied to $dir");
    register_shutdown_function(fn() => exec('rm -rf ' . escapeshellarg($dir)));
    return $dir;
}

/** Runs the installer with $args; ['status' => exit code, 'out' => stdout, 'err' => stderr]. */
function run_installer(array $args): array
{
    $command = array_merge([PHP_BINARY, '-n', REPO . '/php-plugin/install/install.php'], $args);
    $process = proc_open($command, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
    check(is_resource($process), 'the installer starts');
    $out = stream_get_contents($pipes[1]);
    $err = stream_get_contents($pipes[2]);
    fclose($pipes[1]);
    fclose($pipes[2]);
    return ['status' => proc_close($process), 'out' => $out, 'err' => $err];
}

/** Runs the installer on $site and fails the test unless it exits 0. */
function install(string $site, array $args = []): string
{
    $run = run_installer(array_merge(["--site=$site"], $args));
    check($run['status'] === 0 && $run['err'] === '', 'the installer succeeds: ' . json_encode($run));
    return $run['out'];
}

/** The site's database as the fake modX keeps it. */
function site_db(string $site): array
{
    return json_decode(file_get_contents("$site/core/config/database.json"), true, 512, JSON_THROW_ON_ERROR);
}

function save_site_db(string $site, array $db): void
{
    file_put_contents("$site/core/config/database.json", json_encode($db, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES));
}

/** The rows of $class, by key. */
function rows(array $db, string $class): array
{
    return $db['objects'][$class] ?? [];
}

/** The one row of $class whose $field is $value, or null. */
function row_where(array $db, string $class, string $field, mixed $value): ?array
{
    $found = array_values(array_filter(rows($db, $class), fn(array $row) => ($row[$field] ?? null) == $value));
    check(count($found) <= 1, "at most one $class with $field = $value: " . json_encode($found));
    return $found[0] ?? null;
}

/** The settings the installer defines. */
function installer_settings(): array
{
    return require REPO . '/php-plugin/install/settings.php';
}

/** The plugin file's code as MODX stores it. */
function plugin_code(): string
{
    $code = file_get_contents(REPO . '/php-plugin/elements/plugins/modretailcrm.php');
    return trim(preg_replace(['/^\s*<\?php/', '/\?>\s*$/'], '', $code));
}

/** The events the plugin file handles, out of the ones the installer knows. */
function plugin_events(): array
{
    $events = [];
    foreach (['OnMODXInit', 'OnUserSave', 'msOnCreateOrder', 'msOnChangeOrderStatus', 'msOnManagerCustomCssJs',
        'OnHandleRequest', 'msOnUpdateOrder', 'msOnCreateOrderProduct', 'msOnUpdateOrderProduct',
        'msOnRemoveOrderProduct'] as $event) {
        if (str_contains(plugin_code(), "'$event'")) {
            $events[] = $event;
        }
    }
    sort($events);
    return $events;
}

/** The events registered for the plugin with id $id, sorted. */
function events_of(array $db, int $id): array
{
    $events = [];
    foreach (rows($db, 'modPluginEvent') as $row) {
        if ((int) $row['pluginid'] === $id) {
            $events[] = $row['event'];
        }
    }
    sort($events);
    return $events;
}

/** The snippets php-plugin/elements/snippets holds, by name. */
function snippet_names(): array
{
    return array_map(fn(string $file) => basename($file, '.php'), glob(REPO . '/php-plugin/elements/snippets/*.php') ?: []);
}

/** Every file the installer copies: source => path relative to the site. */
function component_files(): array
{
    $files = [];
    foreach (['elements', 'lexicon', 'cli', 'lib', 'processors', 'controllers', 'assets'] as $dir) {
        $root = REPO . "/php-plugin/$dir";
        if (!is_dir($root)) {
            continue;
        }
        foreach (new RecursiveIteratorIterator(new RecursiveDirectoryIterator($root, FilesystemIterator::SKIP_DOTS)) as $file) {
            $relative = substr($file->getPathname(), strlen($root));
            $files[$file->getPathname()] = $dir === 'assets'
                ? "assets/components/modretailcrm$relative"
                : "core/components/modretailcrm/$dir$relative";
        }
    }
    return $files;
}

/** The code columns and their tables. */
const CODE_COLUMNS = ['modx_ms2_deliveries' => 'retailcrm_delivery_code', 'modx_ms2_payments' => 'retailcrm_payment_code',
    'modx_ms2_order_statuses' => 'retailcrm_status_code'];

/** $db without what the installer manages (found by name, whatever its state): what must stay as it was. */
function untouched_part(array $db): array
{
    $category = row_where($db, 'modCategory', 'category', 'modRetailCrm');
    $plugin = row_where($db, 'modPlugin', 'name', 'modRetailCrm');
    $ours = [
        'modNamespace' => fn(array $row) => $row['name'] === 'modretailcrm',
        'modMenu' => fn(array $row) => $row['text'] === 'modretailcrm_menu',
        'modSystemSetting' => fn(array $row) => str_starts_with($row['key'], 'modretailcrm_'),
        'modCategory' => fn(array $row) => $row['category'] === 'modRetailCrm',
        'modPlugin' => fn(array $row) => $row['name'] === 'modRetailCrm',
        'modPluginEvent' => fn(array $row) => $plugin !== null && (int) $row['pluginid'] === (int) $plugin['id'],
        'modSnippet' => fn(array $row) => $category !== null && (int) $row['category'] === (int) $category['id'],
        'modLexiconEntry' => fn(array $row) => str_starts_with($row['name'], 'retailcrm_'),
    ];
    foreach ($ours as $class => $isOurs) {
        $db['objects'][$class] = array_filter(rows($db, $class), fn(array $row) => !$isOurs($row));
    }
    foreach (CODE_COLUMNS as $table => $column) {
        unset($db['columns'][$table][$column]);
    }
    foreach (['msDelivery' => 'retailcrm_delivery_code', 'msPayment' => 'retailcrm_payment_code',
        'msOrderStatus' => 'retailcrm_status_code'] as $class => $field) {
        foreach ($db['objects'][$class] ?? [] as $key => $row) {
            unset($db['objects'][$class][$key][$field]);
        }
    }
    unset($db['cache_refreshes']);
    return $db;
}
