<?php
// Deferred mode: the checkout request only queues; the plugin registers the shutdown delivery
// (once), and the Rust side checks after this process has exited that the CRM got the changes.
require __DIR__ . '/lib.php';
require __DIR__ . '/modx/harness.php';

$modx = new modX(settings(temp_dir(), ['modretailcrm_send_mode' => 'deferred']));
give_crm_codes($modx);
replay_first_checkout($modx);
same([], $modx->logged(modX::LOG_LEVEL_WARN));
same([], control('GET', 'requests')['requests'], 'nothing is sent while the request runs');
done();
