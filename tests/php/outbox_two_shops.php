<?php
// Two shops pointed at one outbox file never cross: each record carries the CRM it was queued
// for (address and site code, a fingerprint of the key), and a flush delivers only its own:
// same site code, and same address or same key. So a key rotation (same address and site, new
// key) or a fixed address (same key and site) strands nothing, while another shop (another
// site code, or another account: address and key) never gets them.
require __DIR__ . '/lib.php';

use ModRetailCrm\Integration;

$dir = temp_dir();
$a = new Integration(settings($dir));
$b = new Integration(settings($dir, ['modretailcrm_siteCode' => 'other-shop']));
$a->enqueue('customer.create', ['externalId' => 'a1', 'firstName' => 'Анна']);
$a->enqueue('order.create', order_payload('a-100', 'a1'));
control('DELETE', 'requests');

$report = $b->flush(5);
same(0, $report['delivered'] + $report['retried'] + $report['dead'], "B's flush takes none of A's records: " . json_encode($report));
same([], control('GET', 'requests')['requests'], 'nothing reached the CRM');
same(2, $b->status()['pending'], "A's records wait for A");
$crm = preg_replace('~^https?://~', '', rtrim(env('CRM_URL'), '/'));
same([['crm' => "$crm site=shop", 'pending' => 2]], $b->status()['pending_by_crm'], 'the status says for whom');

$b->enqueue('customer.create', ['externalId' => 'b1', 'firstName' => 'Борис']);
$b->flush(5);
$requests = control('GET', 'requests')['requests'];
same(1, count($requests), "B sent its own record only");
check(str_contains($requests[0]['body'], 'b1') && str_contains($requests[0]['body'], 'other-shop'), 'with its site: ' . $requests[0]['body']);

// A key rotation: a record queued with the old key goes with the new one; so does a record
// queued while the address was wrong (same key). Another account's record stays.
$old = new Integration(settings($dir, ['modretailcrm_apiKey' => 'retired-key']));
$old->enqueue('customer.create', ['externalId' => 'a2', 'firstName' => 'Алла']);
$typo = new Integration(settings($dir, ['modretailcrm_url' => 'http://127.0.0.1:9']));
$typo->enqueue('customer.create', ['externalId' => 'a3', 'firstName' => 'Ася']);
$otherAccount = new Integration(settings($dir, ['modretailcrm_url' => 'http://127.0.0.1:9', 'modretailcrm_apiKey' => 'other-key']));
$otherAccount->enqueue('customer.create', ['externalId' => 'c1', 'firstName' => 'Чужой']);
control('DELETE', 'requests');
same(4, $a->flush(5)['delivered']);
same(1, $a->status()['pending'], "the other account's record waits for it");
same([['crm' => '127.0.0.1:9 site=shop', 'pending' => 1]], $a->status()['pending_by_crm'], 'the status says for whom');
$requests = control('GET', 'requests')['requests'];
same(4, count($requests));
foreach ($requests as $request) {
    same(env('CRM_KEY'), $request['headers']['x-api-key'] ?? null, 'the current key');
    check(!str_contains($request['body'], 'other-shop'), 'nothing of B');
}
$shopA = array_values(array_filter(crm_state()['customers'], fn ($c) => ($c['site'] ?? '') === 'shop'));
same(['a1', 'a2', 'a3'], array_map(fn ($c) => $c['externalId'], $shopA), "A's customers, on A's site");
done();
