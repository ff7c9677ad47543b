<?php
// The cron command line (php-plugin/cli/modretailcrm.php): flush, status, retry, discard and
// purge on the shop's outbox, JSON out, clear errors and exit codes.
require __DIR__ . '/lib.php';

$dir = temp_dir();
file_put_contents("$dir/settings.json", json_encode(settings($dir)));
$cli = dirname(__DIR__, 2) . '/php-plugin/cli/modretailcrm.php';

/** Runs the CLI; returns [exit code, stdout, stderr]. */
function cli(string $cli, string ...$args): array
{
    $command = array_merge(['php', '-n', '-d', 'extension=' . env('MODRETAILCRM_SO'), $cli], $args);
    $process = proc_open($command, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
    $out = stream_get_contents($pipes[1]);
    $err = stream_get_contents($pipes[2]);
    return [proc_close($process), $out, $err];
}

$shop = new ModRetailCrm\Integration(settings($dir));
$shop->enqueue('customer.create', ['externalId' => '17']);
$bad = $shop->enqueue('order.create', order_payload('600-1', '17', ['delivery' => ['code' => 'teleport']]))['id'];
$shop->enqueue('order.create', order_payload('600-2', '17'));

[$code, $out] = cli($cli, "--config=$dir/settings.json", 'flush', '5');
same(0, $code);
same(['delivered' => 2, 'retried' => 0, 'dead' => 1, 'budget_exhausted' => false, 'busy' => false, 'breaker_open_until' => null], json_decode($out, true));

[$code, $out] = cli($cli, "--config=$dir/settings.json", 'status');
$status = json_decode($out, true);
same(0, $code);
same(1, $status['dead']);
same($bad, $status['dead_letters'][0]['id']);
check(str_contains($status['dead_letters'][0]['error'], '400'), 'the CRM refusal is shown');
same('Delivery type "teleport" does not exist.', $status['dead_letters'][0]['details']['errors']['delivery.code'] ?? null, 'with the CRM\'s own words');

[$code, $out] = cli($cli, "--config=$dir/settings.json", 'retry', 'dead');
same(['requeued' => 1], json_decode($out, true));
[$code, $out] = cli($cli, "--config=$dir/settings.json", 'flush');
same(1, json_decode($out, true)['dead'], 'still refused: the reference is still missing');
[$code, $out] = cli($cli, "--config=$dir/settings.json", 'discard', (string) $bad);
same(['discarded' => $bad], json_decode($out, true));
[$code, $out] = cli($cli, "--config=$dir/settings.json", 'purge', '0');
same(['purged' => 2], json_decode($out, true));

putenv("MODRETAILCRM_CONFIG=$dir/settings.json");
[$code, $out] = cli($cli, 'status');
same(0, json_decode($out, true)['pending'], 'settings from MODRETAILCRM_CONFIG');
putenv('MODRETAILCRM_CONFIG');

[$code, , $err] = cli($cli, "--config=$dir/settings.json", 'explode');
same(2, $code);
check(str_contains($err, "unknown command 'explode'"), $err);
[$code, , $err] = cli($cli, 'status');
same(2, $code);
check(str_contains($err, 'no settings'), $err);
file_put_contents("$dir/broken.json", json_encode(settings($dir, ['modretailcrm_send_mode' => 'later'])));
[$code, , $err] = cli($cli, "--config=$dir/broken.json", 'status');
same(1, $code);
check(str_contains($err, 'ConfigException') && str_contains($err, 'modretailcrm_send_mode'), $err);
done();
