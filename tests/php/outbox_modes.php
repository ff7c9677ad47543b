<?php
// Send modes and operations: `sync` delivers within its budget and returns the CRM's answer
// (or leaves the change queued when the CRM does not answer in time); the outbox file is
// private; a corrupt or unwritable outbox is a clear OutboxException that changes nothing;
// settings are validated; status, retry, discard and purge work.
require __DIR__ . '/lib.php';

use ModRetailCrm\{ConfigException, Integration, OutboxException, ValidationException};

$dir = temp_dir();

// sync: the answer comes back at once.
$sync = new Integration(settings($dir, ['modretailcrm_send_mode' => 'sync', 'modretailcrm_sync_budget' => '2']));
same('sync', $sync->sendMode());
$customer = $sync->enqueue('customer.create', ['externalId' => '17', 'firstName' => 'Иван']);
same('delivered', $customer['state']);
check(is_int($customer['result']['id']), 'the CRM id comes back');
$order = $sync->enqueue('order.create', order_payload('500-1', '17', ['number' => '500/1']));
same('delivered', $order['state']);
same('500/1', $order['result']['number'], 'the CRM number comes back (for modretailcrm_rewrite_num)');
same(0600, fileperms("$dir/outbox.sqlite") & 0777, 'the outbox file is private');

// sync with the CRM blackholed: the call returns within the budget, the change stays queued.
control('POST', 'faults', ['mode' => 'blackhole']);
$blackholed = new Integration(settings($dir, ['modretailcrm_send_mode' => 'sync', 'modretailcrm_sync_budget' => '0.3', 'modretailcrm_timeout' => '5']));
$answer = $blackholed->enqueue('order.edit', ['externalId' => '500-1', 'status' => 'assembling']);
same('retrying', $answer['state']);
same(1, $blackholed->status()['pending']);
control('DELETE', 'faults');
flush_until_empty($blackholed);
same('assembling', crm_state()['orders'][0]['status']);

// deferred: queued now, delivered by the flush after the response.
$deferred = new Integration(settings($dir, ['modretailcrm_send_mode' => 'deferred']));
same('deferred', $deferred->sendMode());
same('queued', $deferred->enqueue('order.edit', ['externalId' => '500-1', 'status' => 'delivering'])['state']);
same(1, $deferred->flush()['delivered']);

// A generic request through the outbox (forms, custom code).
same('queued', $deferred->enqueue('request', ['method' => 'POST', 'route' => 'tasks/create', 'params' => ['task' => ['text' => 'Call back', 'performerId' => 1], 'site' => 'shop']])['state']);
same(1, $deferred->flush()['delivered']);
same(1, count(crm_state()['tasks']));

// Bad changes are refused before they are queued.
throws(ValidationException::class, fn () => $deferred->enqueue('order.delete', ['externalId' => '1']), 'unknown change kind');
throws(ValidationException::class, fn () => $deferred->enqueue('order.create', ['number' => '1']), 'externalId');
throws(ValidationException::class, fn () => $deferred->enqueue('order.create', 'x'), '$payload must be an array');

// Operations: status, purge, discard, retry.
$status = $deferred->status();
same(0, $status['pending']);
same(5, $status['delivered']);
check(is_int($status['last_success_at']), 'last success time');
same(0, $deferred->purge(30), 'nothing older than 30 days');
same(5, $deferred->purge(0), 'purge(0) removes every delivered record');
$queued = $deferred->enqueue('customer.edit', ['externalId' => '99', 'firstName' => 'Удалить']);
$deferred->discard($queued['id']);
same(0, $deferred->status()['pending'], 'discarded');
same(0, $deferred->retry('dead'), 'no dead letters to retry');
throws(ValidationException::class, fn () => $deferred->retry(['x']), 'record ids');

// Settings are validated with the setting named; empty settings are refused clearly.
throws(ConfigException::class, fn () => new Integration([]), 'not configured');
throws(ConfigException::class, fn () => new Integration(settings($dir, ['modretailcrm_send_mode' => 'later'])), 'modretailcrm_send_mode');
throws(ConfigException::class, fn () => new Integration(settings($dir, ['modretailcrm_url' => 'http://crm.example.com'])), 'modretailcrm_url');
throws(ValidationException::class, fn () => new Integration('settings'), '$settings must be an array');
throws(ValidationException::class, fn () => new Integration(['a', 'b']), 'string keys');

// A corrupt outbox: a clear error, the file untouched.
file_put_contents("$dir/corrupt.sqlite", str_repeat("not a database\n", 100));
$before = md5_file("$dir/corrupt.sqlite");
throws(OutboxException::class, fn () => new Integration(settings($dir, ['modretailcrm_queue_path' => "$dir/corrupt.sqlite"])), 'not a SQLite database');
same($before, md5_file("$dir/corrupt.sqlite"), 'the corrupt file was not touched');

// An outbox that cannot be created (its folder would be under a regular file).
throws(OutboxException::class, fn () => new Integration(settings($dir, ['modretailcrm_queue_path' => "$dir/corrupt.sqlite/sub/outbox.sqlite"])), 'cannot open the outbox');

// Paths that are no file on disk (another process would never see what was queued): refused,
// naming the setting, with and without a site folder to resolve them against.
mkdir("$dir/a-folder");
foreach ([':memory:', 'php://memory', "$dir/a-folder"] as $path) {
    foreach ([[], ['core_path' => "$dir/core/"]] as $site) {
        throws(OutboxException::class, fn () => new Integration(settings($dir, ['modretailcrm_queue_path' => $path] + $site)), 'modretailcrm_queue_path');
    }
}
check(!file_exists("$dir/core"), 'nothing was created for them');
check(!file_exists(':memory:') && !file_exists('php:'), 'nor in the working folder');

// A relative path is the site's (core_path), not the working folder's.
$relative = new Integration(settings($dir, ['modretailcrm_queue_path' => 'cache/q/outbox.sqlite', 'core_path' => "$dir/core/"]));
$relative->enqueue('customer.create', ['externalId' => '18', 'firstName' => 'Пётр']);
same(1, $relative->status()['pending']);
check(file_exists("$dir/core/cache/q/outbox.sqlite"), 'the outbox is under core_path');
check(!file_exists('cache/q/outbox.sqlite'), 'not under the working folder');
done();
