<?php
// Deferred mode as the MODX plugin uses it: the event only queues (nothing is sent during the
// request), and a shutdown function delivers after the response. The Rust side checks, after
// this process has exited, that the CRM received the order.
require __DIR__ . '/lib.php';

// The folder is removed after the delivery (temp_dir() would remove it before: shutdown
// functions run in the order they were registered).
$dir = sys_get_temp_dir() . '/modretailcrm-test-' . getmypid() . '-' . bin2hex(random_bytes(4));
mkdir($dir, 0700, true);
$shop = new ModRetailCrm\Integration(settings($dir, ['modretailcrm_send_mode' => 'deferred']));
$shop->enqueue('customer.create', ['externalId' => '31', 'firstName' => 'После']);
same('queued', $shop->enqueue('order.create', order_payload('900-1', '31'))['state']);
same([], control('GET', 'requests')['requests'], 'nothing is sent while the request runs');
register_shutdown_function([$shop, 'deliverAfterResponse'], 5);
register_shutdown_function(fn () => exec('rm -rf ' . escapeshellarg($dir)));
done();
