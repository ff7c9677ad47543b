<?php
// Deferred mode as the MODX plugin uses it: the event only queues (nothing is sent during the
// request), and a shutdown function delivers after the response. The Rust side checks, after
// this process has exited, that the CRM received the order.
require __DIR__ . '/lib.php';

$dir = temp_dir();
$shop = new ModRetailCrm\Integration(settings($dir, ['modretailcrm_send_mode' => 'deferred']));
$shop->enqueue('customer.create', ['externalId' => '31', 'firstName' => 'После']);
same('queued', $shop->enqueue('order.create', order_payload('900-1', '31'))['state']);
same([], control('GET', 'requests')['requests'], 'nothing is sent while the request runs');
register_shutdown_function([$shop, 'deliverAfterResponse'], 5);
done();
