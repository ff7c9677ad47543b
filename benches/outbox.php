<?php
// Outbox benchmark run by scripts/bench.sh (needs CRM_URL/CRM_KEY of a running sandbox):
//  1. the time an event adds to the shop's request in deferred mode (enqueue only), over N orders;
//  2. delivery throughput with the CRM at its 10 requests/s limit, as a fraction of the limit;
//  3. the time a `sync` checkout takes with the CRM blackholed, against its 2 s budget.
// Prints figures; asserts nothing.
declare(strict_types=1);

$url = getenv('CRM_URL');
$n = (int) ($argv[1] ?? 10000);
$dir = sys_get_temp_dir() . '/modretailcrm-bench-' . getmypid();
@mkdir($dir, 0700, true);

function control(string $url, string $method, string $path, array $body = []): void
{
    file_get_contents("$url/__control/$path", false, stream_context_create(['http' => [
        'method' => $method, 'header' => "Content-Type: application/json\r\n", 'content' => json_encode($body),
    ]]));
}

function settings(string $dir, string $name, array $extra): array
{
    return $extra + [
        'modretailcrm_url' => getenv('CRM_URL'), 'modretailcrm_apiKey' => getenv('CRM_KEY'),
        'modretailcrm_siteCode' => 'shop', 'modretailcrm_queue_path' => "$dir/$name.sqlite",
        'modretailcrm_log_file' => "$dir/$name.log",
    ];
}

function order(string $num): array
{
    return [
        'externalId' => $num, 'customer' => ['externalId' => 'bench'], 'firstName' => 'Иван',
        'items' => [['offer' => ['externalId' => '5'], 'productName' => 'Чайник', 'initialPrice' => 1000, 'quantity' => 2]],
        'delivery' => ['code' => 'courier', 'cost' => 300],
    ];
}

function percentile(array $sorted, float $p): float
{
    return $sorted[min(count($sorted) - 1, (int) floor(count($sorted) * $p))];
}

// 1. Enqueue only.
$deferred = new ModRetailCrm\Integration(settings($dir, 'enqueue', ['modretailcrm_send_mode' => 'deferred']));
$times = [];
for ($i = 0; $i < $n; $i++) {
    $order = order("e$i");
    $t = hrtime(true);
    $deferred->enqueue('order.create', $order);
    $times[] = (hrtime(true) - $t) / 1e6;
}
sort($times);
printf("enqueue (deferred mode, %d orders, fsync'd SQLite): median %.3f ms, p99 %.3f ms, max %.3f ms\n",
    $n, percentile($times, 0.5), percentile($times, 0.99), end($times));

// 2. Delivery at the CRM's limit.
control($url, 'POST', 'rate-limit', ['per_second' => 10]);
$cron = new ModRetailCrm\Integration(settings($dir, 'throughput', ['modretailcrm_send_mode' => 'queue', 'modretailcrm_rate_limit' => '10']));
$orders = 100;
$cron->enqueue('customer.create', ['externalId' => 'bench', 'firstName' => 'Bench']);
for ($i = 0; $i < $orders; $i++) {
    $cron->enqueue('order.create', order("t$i-" . getmypid()));
}
$t = hrtime(true);
$delivered = 0;
while ($cron->status()['pending'] > 0) {
    $delivered += $cron->flush(30)['delivered'];
}
$seconds = (hrtime(true) - $t) / 1e9;
// The first 10 requests use the initial burst; the rest are paced at the limit.
$paced = ($delivered - 10) / ($seconds);
printf("delivery at the 10 req/s limit: %d records in %.2f s; after the 10-request burst %.2f records/s = %.1f%% of the limit\n",
    $delivered, $seconds, $paced, $paced / 10 * 100);

// 3. A sync checkout with the CRM blackholed.
control($url, 'POST', 'rate-limit', ['per_second' => 0]);
control($url, 'POST', 'faults', ['mode' => 'blackhole']);
$sync = new ModRetailCrm\Integration(settings($dir, 'sync', ['modretailcrm_send_mode' => 'sync', 'modretailcrm_sync_budget' => '2']));
$samples = [];
for ($i = 0; $i < 5; $i++) {
    $t = hrtime(true);
    $state = $sync->enqueue('customer.create', ['externalId' => "s$i"])['state'];
    $samples[] = (hrtime(true) - $t) / 1e6;
}
control($url, 'DELETE', 'faults');
printf("sync checkout with the CRM blackholed (budget 2000 ms): %s ms (state %s)\n",
    implode(', ', array_map(fn ($s) => sprintf('%.0f', $s), $samples)), $state);
exec('rm -rf ' . escapeshellarg($dir));
