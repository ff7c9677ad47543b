<?php
// The outbox in MySQL/MariaDB (modretailcrm_queue_backend = mysql) through the extension, on
// the test's private MariaDB (QUEUE_DSN, QUEUE_USER, QUEUE_PASSWORD): changes queued in the
// file move to the database with migrateQueue('mysql') (the CLI's migrate-queue) in their
// order and are delivered from there, then back to the file; wrong credentials, an odd table
// prefix and a missing DSN are clear exceptions that never show the password.
require __DIR__ . '/lib.php';
require __DIR__ . '/modx/harness.php';
require dirname(__DIR__, 2) . '/php-plugin/lib/ManagerApi.php';

use ModRetailCrm\{ConfigException, Integration, OutboxException, ValidationException};

$dir = temp_dir();
$mysql = [
    'modretailcrm_queue_backend' => 'mysql',
    'modretailcrm_queue_dsn' => env('QUEUE_DSN'),
    'modretailcrm_queue_user' => env('QUEUE_USER'),
    'modretailcrm_queue_password' => env('QUEUE_PASSWORD'),
    'modretailcrm_queue_table_prefix' => 'modx_',
];

// Changes queued in the file before the switch: a customer and its order.
$file = new Integration(settings($dir));
$file->enqueue('customer.create', ['externalId' => '17', 'firstName' => 'Иван']);
$file->enqueue('order.create', order_payload('700-1', '17'));
same(2, $file->status()['pending']);

// The switch, and the move: nothing lost, nothing left behind, the file's order kept.
$db = new Integration(settings($dir, $mysql));
same(0, $db->status()['pending'], 'a new, empty outbox in the database');
$moved = $db->migrateQueue('mysql');
same(2, $moved['moved']);
check(str_contains($moved['to'], 'tables modx_modretailcrm_outbox'), 'names the tables: ' . $moved['to']);
check(str_ends_with($moved['from'], 'outbox.sqlite'), 'names the file: ' . $moved['from']);
same(0, $file->status()['pending'], 'the file holds nothing undelivered');
$status = $db->status();
same(2, $status['pending']);
check(str_contains($status['outbox'], 'MySQL'), 'status names the database: ' . $status['outbox']);
check(!str_contains(json_encode($status), env('QUEUE_PASSWORD')), 'the password is never shown');
flush_until_empty($db);
same('700-1', crm_state()['orders'][0]['externalId']);
same(1, count(crm_state()['customers']));

// And back (the backend switched to sqlite, the database still set): a change queued in
// the database moves to the file.
$db->enqueue('order.edit', ['externalId' => '700-1', 'status' => 'assembling']);
$back = new Integration(settings($dir, ['modretailcrm_queue_backend' => 'sqlite'] + $mysql));
same(1, $back->migrateQueue('sqlite')['moved']);
same(0, $db->status()['pending']);
flush_until_empty($file);
same('assembling', crm_state()['orders'][0]['status']);
throws(ValidationException::class, fn() => $back->migrateQueue('postgres'), "'mysql' or 'sqlite'");

// The cron CLI: migrate-queue --to mysql, then --to=sqlite.
$back->enqueue('order.edit', ['externalId' => '700-1', 'status' => 'complete']);
$config = "$dir/settings.json";
file_put_contents($config, json_encode(settings($dir, $mysql)));
same(1, run_cli_json($dir, "--config=$config", 'migrate-queue', '--to', 'mysql')['moved']);
same(1, $db->status()['pending']);
same(1, run_cli_json($dir, "--config=$config", 'migrate-queue', '--to=sqlite')['moved']);
same(1, $back->status()['pending']);
[, $out] = run_cli($dir, "--config=$config", 'doctor');
$outbox = array_values(array_filter(json_decode($out, true) ?? [], fn($c) => $c['check'] === 'outbox'));
same(true, $outbox[0]['ok'] ?? null, "doctor's outbox check with the database: $out");
[$code, , $err] = run_cli($dir, "--config=$config", 'migrate-queue');
same(2, $code, 'no target: bad usage');
check(str_contains($err, '--to mysql'), $err);
throws(OutboxException::class, fn() => $file->migrateQueue('mysql'), 'modretailcrm_queue_dsn is not set');

// The MODX plugin with only the backend set: the outbox is in the site's own database
// (MODX's dsn, username, password and table_prefix), the checkout's changes queued there.
$site = temp_dir();
$modx = new modX(settings($site, [
    'modretailcrm_queue_backend' => 'mysql',
    'modretailcrm_lib_path' => dirname(__DIR__, 2) . '/php-plugin/lib',
    'dsn' => env('QUEUE_DSN'),
    'username' => env('QUEUE_USER'),
    'password' => env('QUEUE_PASSWORD'),
    'table_prefix' => 'shop_',
]));
give_crm_codes($modx);
replay_first_checkout($modx);
same([], $modx->logged(modX::LOG_LEVEL_WARN));
$shop = new Integration(settings($site, ['modretailcrm_queue_table_prefix' => 'shop_'] + $mysql));
check($shop->status()['pending'] >= 1, 'the checkout is queued in shop_modretailcrm_outbox: ' . json_encode($shop->status()));
same(0, (new Integration(settings($site)))->status()['pending'], 'not in the file');
// The manager page's connector on that site reads the same queue (the settings the plugin gives
// the extension: lib/SiteSettings.php), not a file nor a blank connection.
$modx->user = new modUserStub('token-1');
$modx->permissions = ['settings'];
$page = ModRetailCrm\Plugin\ManagerApi::handle($modx, ['do' => 'status'], 'token-1');
same([true, null], [$page['success'], $page['object']['error'] ?? null], 'the page answers: ' . json_encode($page));
same($shop->status()['pending'], $page['object']['status']['pending'], "the page's queue is the site's database's");

// A forked worker (as PHP-FPM forks its workers) opens a connection of its own and leaves
// the parent's alone: both keep queueing.
$forked = new Integration(settings($dir, ['modretailcrm_queue_table_prefix' => 'fork_'] + $mysql));
$forked->enqueue('customer.create', ['externalId' => 'f1', 'firstName' => 'Parent']);
$pid = pcntl_fork();
if ($pid === 0) {
    $forked->enqueue('customer.create', ['externalId' => 'f2', 'firstName' => 'Child']);
    exit(0);
}
pcntl_waitpid($pid, $exit);
same(0, pcntl_wexitstatus($exit), 'the child queued its change');
$forked->enqueue('customer.create', ['externalId' => 'f3', 'firstName' => 'Parent again']);
same(3, $forked->status()['pending'], "the parent's connection survived the child");

// Wrong credentials, an odd prefix, no DSN: clear exceptions, no password in them.
$wrong = throws(OutboxException::class, fn() => new Integration(settings($dir, ['modretailcrm_queue_password' => 'wrong-secret-42'] + $mysql)), 'modretailcrm_queue_password');
check(!str_contains($wrong->getMessage(), 'wrong-secret-42'), 'the password is never shown: ' . $wrong->getMessage());
throws(OutboxException::class, fn() => new Integration(settings($dir, ['modretailcrm_queue_table_prefix' => 'x`; DROP'] + $mysql)), 'only letters, digits and _');
throws(ConfigException::class, fn() => new Integration(settings($dir, ['modretailcrm_queue_dsn' => ''] + $mysql)), 'modretailcrm_queue_dsn');
throws(ConfigException::class, fn() => new Integration(settings($dir, ['modretailcrm_queue_backend' => 'redis'] + $mysql)), 'sqlite or mysql');
done();
