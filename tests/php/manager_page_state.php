<?php
// The browser test's and the demo's hands on the site of manager_page_site.php, run with the
// extension: `setup` maps status 3 to a code the CRM does not have ("delivring") and leaves one
// order the CRM refuses (delivery "teleport", unknown to it) as a dead letter; `status` prints
// the integration's status() as JSON, for comparing with the page.

declare(strict_types=1);

require __DIR__ . '/manager_page_site.php';

$command = $argv[1] ?? '';
$integration = new ModRetailCrm\Integration(page_settings());
if ($command === 'setup') {
    $modx = page_site();
    $modx->setFields('msOrderStatus', 3, ['retailcrm_status_code' => 'delivring']);
    save_page_site($modx);
    $integration->enqueue('customer.create', ['externalId' => '31', 'firstName' => 'Anna']);
    $integration->enqueue('order.create', ['externalId' => '3100-1', 'number' => '3100/1', 'customer' => ['externalId' => '31'],
        'delivery' => ['code' => 'teleport', 'cost' => 300], 'items' => [['offer' => ['externalId' => '7'], 'quantity' => 1, 'initialPrice' => 990]]]);
    $report = $integration->flush(10);
    if ($report['dead'] !== 1 || $report['delivered'] !== 1) {
        fwrite(STDERR, 'setup: expected one delivery and one dead letter: ' . json_encode($report) . "\n");
        exit(1);
    }
    echo "The shop: order 3100/1 refused by the CRM (a dead letter), status 3 mapped to \"delivring\", which the CRM does not have\n";
} elseif ($command === 'status') {
    echo json_encode($integration->status(), JSON_THROW_ON_ERROR), "\n";
} else {
    fwrite(STDERR, "usage: manager_page_state.php setup|status\n");
    exit(2);
}
