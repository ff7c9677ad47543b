<?php
// The API log of the shop integration: an expected recovery (an order whose customer the CRM
// lacks: refused, the customer created, the order sent) writes no ERROR line — nothing at all
// with modretailcrm_log off, INFO lines with it on — while a change the CRM finally refuses
// writes its ERROR line.
require __DIR__ . '/lib.php';

/** The API log's lines in $dir (none when it was never written). */
function log_lines(string $dir): array
{
    $file = "$dir/api.log";
    return is_file($file) ? file($file, FILE_IGNORE_NEW_LINES) : [];
}

/** The lines of $lines that contain $needle. */
function having(array $lines, string $needle): array
{
    return array_values(array_filter($lines, fn(string $line) => str_contains($line, $needle)));
}

foreach ([0 => 'quiet', 1 => 'verbose'] as $verbose => $name) {
    control('DELETE', 'requests');
    $dir = temp_dir();
    $shop = new ModRetailCrm\Integration(settings($dir, ['modretailcrm_log' => (string) $verbose]));
    $shop->enqueue('order.create', order_payload("rec-$name", "rec-$name"));
    flush_until_empty($shop);
    same(0, $shop->status()['dead'], "$name: delivered");
    $sent = array_map(fn(array $r) => $r['method'] . ' ' . $r['path'], control('GET', 'requests')['requests']);
    same(['POST /api/v5/orders/create', 'POST /api/v5/customers/create', 'POST /api/v5/orders/create'], $sent,
        "$name: the documented recovery ran");
    $lines = log_lines($dir);
    same([], having($lines, ' ERROR '), "$name: no ERROR line for a recovery");
    if ($verbose === 1) {
        same(1, count(having($lines, ' INFO POST v5/orders/create -> 400 ')), "$name: the refusal is an INFO step: " . implode("\n", $lines));
        same(3, count($lines), "$name: every exchange, in order");
    } else {
        same([], $lines, "$name: a success writes nothing");
    }
}

// A change that finally fails (an edit of an order the CRM does not have) is an error.
$dir = temp_dir();
$shop = new ModRetailCrm\Integration(settings($dir));
$shop->enqueue('order.edit', ['externalId' => 'nowhere-1', 'status' => 'complete']);
$shop->flush(2);
same(1, $shop->status()['dead']);
$lines = log_lines($dir);
same(1, count(having($lines, ' ERROR POST v5/orders/nowhere-1/edit -> 404 ')), 'the refusal is an ERROR line: ' . implode("\n", $lines));
done();
