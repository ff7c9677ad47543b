<?php
// modretailcrm command line, for cron and for the shop's sysadmin.
//
//   php modretailcrm.php --config=/path/settings.json flush [seconds]   deliver due changes
//   php modretailcrm.php --config=… status                              the outbox and the history sync at a
//                                                                       glance (JSON), the last webhook call and
//                                                                       its verdict, and whether the web server
//                                                                       serves the outbox
//   php modretailcrm.php --config=… retry dead | history | ID [ID …]    send dead letters again (dead: and the
//                                                                       CRM changes set aside; history: those only)
//   php modretailcrm.php --config=… doctor                              check PHP, the extension, the settings,
//                                                                       the outbox (writable, not served over
//                                                                       HTTP), how changes are delivered, the CRM
//   php modretailcrm.php --config=… discard ID                          drop a pending or dead record
//   php modretailcrm.php --config=… purge [days]                        drop delivered records older than days (30)
//   php modretailcrm.php --config=… migrate-queue --to mysql|sqlite     move the changes not delivered yet (and the
//                                                                       sync state) from the other backend's outbox
//                                                                       to this one (README: Several web servers)
//   php modretailcrm.php --site=/path/to/modx icml [--shop=… --company=… --parents=… --output=… --site-url=…]
//                                                                       write the ICML catalogue (JSON summary)
//   php modretailcrm.php --site=… upload customers|orders [--since DATE] [--ids 1,2,…] [--dry-run] [--link-existing]
//                                                                       send what the shop already has, 50 a call,
//                                                                       resumable (JSON summary; progress on stderr)
//   php modretailcrm.php --site=… reconcile [--days 7] [--fix]         compare the last days' orders with the CRM,
//                                                                       queue the missing ones (JSON report)
//
// Settings: a JSON object of the modretailcrm_* system settings (the same names as in MODX),
// from --config=FILE or the MODRETAILCRM_CONFIG environment variable, or read from the MODX
// site in --site=DIR (the folder with config.core.php: its database and system settings).
// `status` asks the site over HTTP whether it serves the outbox file: --site gives site_url
// and base_path; a --config file may carry them too.
// `history` and `run` need --site: they start MODX (core/model/modx/modx.class.php) to apply
// each change with miniShop2's changeOrderStatus(), as the plugin does after a response.
// `icml` needs --site; it writes to --output, else the modretailcrm_icml_file setting, else
// {assets_path}modretailcrm/icml.xml, and leaves the file untouched when the catalogue did
// not change. `upload` and `reconcile` need --site (they read the shop's users and orders);
// their options also take their value as the next argument (`--since 2026-01-01`). An
// interrupted upload (Ctrl-C, kill, a CRM outage) resumes when run again. An absolute
// --output is the operator's choice and taken as it is; any other path must be a .xml or
// .xml.gz file inside the site's assets or modretailcrm_icml_folder.
// Exit status: 0 done, 1 the command failed, 2 bad usage, 3 `status` found the outbox served
// or a `doctor` check failed.

declare(strict_types=1);

require_once __DIR__ . '/../lib/CrmStatus.php';
require_once __DIR__ . '/../lib/Doctor.php';
require_once __DIR__ . '/../lib/IcmlCatalog.php';
require_once __DIR__ . '/../lib/ModxSite.php';
require_once __DIR__ . '/../lib/PrivateFolder.php';
require_once __DIR__ . '/../lib/QueueConnection.php';
require_once __DIR__ . '/../lib/ShopHistory.php';

use ModRetailCrm\Plugin\CrmStatus;
use ModRetailCrm\Plugin\Doctor;
use ModRetailCrm\Plugin\IcmlCatalog;
use ModRetailCrm\Plugin\ModxSite;
use ModRetailCrm\Plugin\PrivateFolder;
use ModRetailCrm\Plugin\ShopHistory;

const USAGE = 'usage: php modretailcrm.php --config=settings.json | --site=/path/to/modx'
    . " flush [seconds] | status | doctor | retry dead|history|ID… | discard ID | purge [days]"
    . " | migrate-queue --to mysql|sqlite\n"
    . "       php modretailcrm.php --site=/path/to/modx history | run [seconds]\n"
    . '       php modretailcrm.php --site=/path/to/modx icml [--shop=NAME] [--company=NAME] [--parents=IDS] [--output=FILE] [--site-url=URL]'
    . "\n       php modretailcrm.php --site=/path/to/modx upload customers|orders [--since DATE] [--ids 1,2,…] [--dry-run] [--link-existing]"
    . "\n       php modretailcrm.php --site=/path/to/modx reconcile [--days 7] [--fix]";

/** The options icml takes, besides --site and --config. */
const ICML_OPTIONS = ['shop', 'company', 'parents', 'output', 'site-url'];

/** The options upload and reconcile take, with a value (`--since=DATE` or `--since DATE`). */
const RUN_OPTIONS = ['since', 'ids', 'days'];

/** The flags upload and reconcile take. */
const RUN_FLAGS = ['dry-run', 'link-existing', 'fix'];

function usage(string $problem): never
{
    fwrite(STDERR, "modretailcrm: $problem\n" . USAGE . "\n");
    exit(2);
}

function failed(Throwable $e): never
{
    fwrite(STDERR, 'modretailcrm: ' . get_class($e) . ': ' . $e->getMessage() . "\n");
    exit(1);
}

/**
 * The outbox at a glance, with `exposure`: whether the web server hands the outbox file out
 * (asked over HTTP at `site_url` when the settings give it and `base_path`). A served outbox is
 * also said loudly on stderr, and the command exits with 3.
 */
function status(ModRetailCrm\Integration $integration, array $site): array
{
    $status = $integration->status();
    $status['exposure'] = PrivateFolder::exposure(dirname((string) $status['outbox']),
        (string) ($site['base_path'] ?? ''), (string) ($site['site_url'] ?? ''));
    if ($status['exposure']['served'] === true) {
        fwrite(STDERR, 'modretailcrm: WARNING: ' . $status['exposure']['message'] . "\n");
    }
    return $status;
}

function discard(ModRetailCrm\Integration $integration, string $id): array
{
    $integration->discard((int) $id);
    return ['discarded' => (int) $id];
}

/** MODX of the site ModxSite::open() opened (its config.core.php is loaded), for miniShop2. */
function modx(): modX
{
    $class = MODX_CORE_PATH . 'model/modx/modx.class.php';
    if (!is_file($class)) {
        throw new RuntimeException("MODX is not installed in this site: $class is missing");
    }
    require_once $class;
    $modx = new modX();
    $modx->initialize('mgr');
    return $modx;
}

/**
 * The status changes made in RetailCRM applied through miniShop2, pull after pull until none
 * is left (at most 20 pulls), and the history sync's state after.
 */
function history(ModRetailCrm\Integration $integration, modX $modx): array
{
    $total = ['applied' => 0, 'refused' => 0];
    for ($pull = 0; $pull < 20; $pull++) {
        $counts = CrmStatus::sync($modx, $integration);
        $total['applied'] += $counts['applied'];
        $total['refused'] += $counts['refused'];
        if ($counts['applied'] + $counts['refused'] === 0) {
            break;
        }
    }
    return $total + ['history' => $integration->status()['history']];
}

/** The ICML catalogue of the site, written where the options or settings say. */
function icml(ModxSite $site, array $options): array
{
    $settings = $site->settings('modretailcrm_', ['site_name', 'friendly_urls', 'site_url']);
    if (isset($options['site-url'])) {
        $settings['site_url'] = $options['site-url'];
    }
    $output = $options['output'] ?? null;
    $path = $output !== null && str_starts_with($output, '/') ? $output : IcmlCatalog::path($output, $settings);
    $dir = dirname($path);
    if (!is_dir($dir) && !mkdir($dir, 0775, true) && !is_dir($dir)) {
        throw new RuntimeException("cannot create the folder $dir");
    }
    $catalog = new IcmlCatalog($site->pdo, IcmlCatalog::tables($site->prefix), IcmlCatalog::PAGE_SIZE, $site->database());
    $summary = $catalog->export($path, $options, $settings);
    IcmlCatalog::remember($settings + ['core_path' => (string) ($site->paths['core_path'] ?? '')], $summary, time());
    return $summary;
}

/**
 * Uploads the shop's customers or orders from where the last run stopped; the summary, with
 * the CRM's refusals listed on stderr too.
 */
function upload(ModRetailCrm\Integration $integration, ModxSite $site, string $kind, array $options): array
{
    $ids = isset($options['ids']) ? ShopHistory::ids((string) $options['ids']) : null;
    $since = isset($options['since']) ? (string) $options['since'] : null;
    $upload = $integration->upload($kind, ['dry_run' => isset($options['dry-run']),
        'link_existing' => isset($options['link-existing']), 'since' => $since, 'ids' => $ids !== null]);
    $history = new ShopHistory($site->pdo, $site->prefix);
    $after = $upload->after();
    $upload->expect($history->count($kind, $after, $since, $ids));
    $pages = $kind === 'orders' ? $history->orders($after, $since, $ids) : $history->customers($after, $since, $ids);
    foreach ($pages as $page) {
        $kind === 'orders' ? $upload->addOrders($page) : $upload->addCustomers($page);
    }
    $summary = $upload->finish();
    fwrite(STDERR, sprintf("modretailcrm: %s%s: %d uploaded, %d linked, %d skipped (the CRM had them), %d failed\n",
        $kind, $summary['dry_run'] ? ' (dry run: nothing sent)' : '', $summary['uploaded'], $summary['linked'],
        $summary['skipped'], $summary['failed']));
    foreach ($summary['failures'] as $failure) {
        fwrite(STDERR, "  {$failure['id']} ({$failure['externalId']}): {$failure['reason']}\n");
    }
    return $summary;
}

/** Compares the orders of the last $options['days'] days (7) with the CRM; the report. */
function reconcile(ModRetailCrm\Integration $integration, ModxSite $site, array $options): array
{
    $days = $options['days'] ?? '7';
    if (!preg_match('/^\d{1,4}$/', (string) $days)) {
        usage("--days takes a number of days, '$days' given");
    }
    $since = date('Y-m-d H:i:s', time() - (int) $days * 86400);
    $run = $integration->reconcile(isset($options['fix']));
    foreach ((new ShopHistory($site->pdo, $site->prefix))->orders(0, $since, null) as $page) {
        $run->addOrders($page);
    }
    return $run->finish();
}

if (!extension_loaded('modretailcrm') && !in_array('doctor', $argv, true)) {
    fwrite(STDERR, "modretailcrm: the modretailcrm PHP extension is not loaded (php -m lists the loaded ones)\n");
    exit(1);
}

$configFile = getenv('MODRETAILCRM_CONFIG') ?: null;
$siteDir = null;
$options = [];
$args = [];
$runOptions = [];
$given = array_slice($argv, 1);
while (($arg = array_shift($given)) !== null) {
    if (preg_match('/^--([a-z-]+)=(.*)$/s', $arg, $m)) {
        match (true) {
            $m[1] === 'config' => $configFile = $m[2],
            $m[1] === 'site' => $siteDir = $m[2],
            $m[1] === 'to' => $args[] = $m[2],
            in_array($m[1], ICML_OPTIONS, true) => $options[$m[1]] = $m[2],
            in_array($m[1], RUN_OPTIONS, true) => $runOptions[$m[1]] = $m[2],
            default => usage("unknown option --{$m[1]}"),
        };
    } elseif (preg_match('/^--([a-z-]+)$/', $arg, $m) && in_array($m[1], RUN_OPTIONS, true)) {
        $runOptions[$m[1]] = array_shift($given) ?? usage("--{$m[1]} needs a value");
    } elseif (preg_match('/^--([a-z-]+)$/', $arg, $m) && in_array($m[1], RUN_FLAGS, true)) {
        $runOptions[$m[1]] = true;
    } else {
        $args[] = $arg;
    }
}

$command = $args[0] ?? usage('no command');
$rest = array_slice($args, 1);
if ($options !== [] && $command !== 'icml') {
    usage('--' . implode(', --', array_keys($options)) . " only go with icml");
}
if ($runOptions !== [] && !in_array($command, ['upload', 'reconcile'], true)) {
    usage('--' . implode(', --', array_keys($runOptions)) . " only go with upload and reconcile");
}

$site = null;
if ($siteDir !== null) {
    try {
        $site = ModxSite::open($siteDir);
    } catch (Throwable $e) {
        failed($e);
    }
}

if ($command === 'icml') {
    if ($site === null) {
        usage('icml reads the catalogue from the MODX database: pass --site=/path/to/modx');
    }
    try {
        $result = icml($site, $options);
    } catch (Throwable $e) {
        failed($e);
    }
} else {
    if ($site !== null) {
        try {
            $settings = $site->settings('modretailcrm_');
        } catch (Throwable $e) {
            failed($e);
        }
        $web = ['site_url' => $settings['site_url'], 'base_path' => $settings['base_path']];
        $settings = ['core_path' => $settings['core_path']] + array_filter(
            $settings,
            fn(string $key) => str_starts_with($key, 'modretailcrm_'),
            ARRAY_FILTER_USE_KEY,
        );
    } elseif ($configFile === null) {
        usage('no settings: pass --config=FILE or --site=DIR, or set MODRETAILCRM_CONFIG');
    } else {
        $settings = json_decode((string) @file_get_contents($configFile), true);
        if (!is_array($settings)) {
            usage("cannot read the settings from $configFile (a JSON object of modretailcrm_* settings)");
        }
        $web = $settings;
    }
    if (in_array($command, ['history', 'run'], true) && $site === null) {
        usage("$command applies the CRM's changes through miniShop2: pass --site=/path/to/modx");
    }
    if (in_array($command, ['upload', 'reconcile'], true) && $site === null) {
        usage("$command reads the shop's users and orders from the MODX database: pass --site=/path/to/modx");
    }
    if ($command === 'upload' && !in_array($rest[0] ?? '', ['customers', 'orders'], true)) {
        usage('upload customers or upload orders');
    }
    if ($command === 'doctor') {
        $checks = Doctor::checks($settings, $web);
        echo json_encode($checks, JSON_PRETTY_PRINT | JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES), "\n";
        exit(Doctor::healthy($checks) ? 0 : 3);
    }
    try {
        $integration = new ModRetailCrm\Integration($settings);
        $result = match ($command) {
            'flush' => $integration->flush(isset($rest[0]) ? (float) $rest[0] : null),
            'history' => history($integration, modx()),
            'run' => ['flush' => $integration->flush(isset($rest[0]) ? (float) $rest[0] : null)]
                + history($integration, modx()),
            'status' => status($integration, $web),
            'retry' => ['requeued' => $integration->retry(in_array($rest[0] ?? '', ['dead', 'history'], true)
                ? $rest[0] : array_map('intval', $rest))],
            'discard' => discard($integration, $rest[0] ?? usage('discard needs a record id')),
            'purge' => ['purged' => $integration->purge(isset($rest[0]) ? (int) $rest[0] : null)],
            'migrate-queue' => $integration->migrateQueue(match ($rest) {
                ['--to', 'mysql'], ['mysql'] => 'mysql',
                ['--to', 'sqlite'], ['sqlite'] => 'sqlite',
                default => usage('migrate-queue needs --to mysql or --to sqlite'),
            }),
            'upload' => upload($integration, $site, $rest[0], $runOptions),
            'reconcile' => reconcile($integration, $site, $runOptions),
            default => usage("unknown command '$command'"),
        };
    } catch (Throwable $e) {
        failed($e);
    }
}
echo json_encode($result, JSON_PRETTY_PRINT | JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES), "\n";
// A served outbox fails the command (exit 3), so that cron mail or a monitor tells the owner.
exit(($result['exposure']['served'] ?? null) === true ? 3 : 0);
