<?php
// modretailcrm command line, for cron and for the shop's sysadmin.
//
//   php modretailcrm.php --config=/path/settings.json flush [seconds]   deliver due changes
//   php modretailcrm.php --config=… status                              the outbox at a glance (JSON)
//   php modretailcrm.php --config=… retry dead | ID [ID …]              send dead letters again
//   php modretailcrm.php --config=… discard ID                          drop a pending or dead record
//   php modretailcrm.php --config=… purge [days]                        drop delivered records older than days (30)
//
// Settings: a JSON object of the modretailcrm_* system settings (the same names as in MODX),
// from --config=FILE or the MODRETAILCRM_CONFIG environment variable. Exit status: 0 done,
// 1 the command failed, 2 bad usage.

declare(strict_types=1);

function usage(string $problem): never
{
    fwrite(STDERR, "modretailcrm: $problem\nusage: php modretailcrm.php --config=settings.json flush [seconds] | status | retry dead|ID… | discard ID | purge [days]\n");
    exit(2);
}

function discard(ModRetailCrm\Integration $integration, string $id): array
{
    $integration->discard((int) $id);
    return ['discarded' => (int) $id];
}

if (!extension_loaded('modretailcrm')) {
    fwrite(STDERR, "modretailcrm: the modretailcrm PHP extension is not loaded (php -m lists the loaded ones)\n");
    exit(1);
}

$args = array_slice($argv, 1);
$configFile = getenv('MODRETAILCRM_CONFIG') ?: null;
foreach ($args as $i => $arg) {
    if (str_starts_with($arg, '--config=')) {
        $configFile = substr($arg, strlen('--config='));
        unset($args[$i]);
    }
}
$args = array_values($args);
if ($configFile === null) {
    usage('no settings: pass --config=FILE or set MODRETAILCRM_CONFIG');
}
$settings = json_decode((string) @file_get_contents($configFile), true);
if (!is_array($settings)) {
    usage("cannot read the settings from $configFile (a JSON object of modretailcrm_* settings)");
}

$command = $args[0] ?? usage('no command');
$rest = array_slice($args, 1);
try {
    $integration = new ModRetailCrm\Integration($settings);
    $result = match ($command) {
        'flush' => $integration->flush(isset($rest[0]) ? (float) $rest[0] : null),
        'status' => $integration->status(),
        'retry' => ['requeued' => $integration->retry(($rest[0] ?? '') === 'dead' ? 'dead' : array_map('intval', $rest))],
        'discard' => discard($integration, $rest[0] ?? usage('discard needs a record id')),
        'purge' => ['purged' => $integration->purge(isset($rest[0]) ? (int) $rest[0] : null)],
        default => usage("unknown command '$command'"),
    };
} catch (ModRetailCrm\Exception $e) {
    fwrite(STDERR, 'modretailcrm: ' . get_class($e) . ': ' . $e->getMessage() . "\n");
    exit(1);
}
echo json_encode($result, JSON_PRETTY_PRINT | JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES), "\n";
