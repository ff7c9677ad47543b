<?php
// `upload customers --link-existing` on a generated MODX site against the sandbox: the CRM
// has three customers a manager entered without an externalId — one with user 2's e-mail in
// capitals, one with user 3's phone written with the Russian trunk prefix 8, one matching
// nobody. A dry run lists the two links and sends nothing; the run links them
// (customers/fix-external-ids) and uploads the other users. Needs pdo_sqlite, UPLOAD_DIR,
// CRM_URL, CRM_KEY, MODRETAILCRM_SO.

declare(strict_types=1);

require __DIR__ . '/lib.php';
require __DIR__ . '/modx/shop_db.php';

$dir = env('UPLOAD_DIR');
$site = "$dir/site";
$db = shop_site($dir);
fill_shop($db, 20, 0, [], time());
$client = sandbox_client();
$byEmail = $client->customersCreate(['firstName' => 'Entered', 'email' => 'CUSTOMER2@EXAMPLE.COM'], 'shop')['id'];
$byPhone = $client->customersCreate(['firstName' => 'Called', 'phones' => [['number' => '8 (900) 000-00-03']]], 'shop')['id'];
$nobody = $client->customersCreate(['firstName' => 'Walk-in', 'email' => 'walk-in@example.com'], 'shop')['id'];
control('DELETE', 'requests');

$dry = run_cli_json($dir, "--site=$site", 'upload', 'customers', '--link-existing', '--dry-run');
same([['id' => 2, 'crm_id' => $byEmail], ['id' => 3, 'crm_id' => $byPhone]], $dry['links'], 'the links a run would make');
same([18, 2], [$dry['uploaded'], $dry['linked']]);
same(['GET /api/v5/customers'], array_map(fn($r) => "{$r['method']} {$r['path']}", control('GET', 'requests')['requests']),
    'a dry run only reads the CRM\'s customers');

$run = run_cli_json($dir, "--site=$site", 'upload', 'customers', '--link-existing');
same([18, 2, 0, 0], [$run['uploaded'], $run['linked'], $run['skipped'], $run['failed']]);
$customers = array_column(crm_state()['customers'], null, 'id');
same(21, count($customers), 'no second customer for the linked users');
same(['2', 'Entered'], [$customers[$byEmail]['externalId'], $customers[$byEmail]['firstName']], 'linked by e-mail');
same(['3', 'Called'], [$customers[$byPhone]['externalId'], $customers[$byPhone]['firstName']], 'linked by phone');
check(!isset($customers[$nobody]['externalId']), 'the walk-in customer is left alone');

done();
