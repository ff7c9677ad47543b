<?php
// Rate-limit burst benchmark run by scripts/bench.sh (needs CRM_URL/CRM_KEY of a running
// sandbox, which enforces RetailCRM's 10 requests/s per key): a burst of 200 changes queued at
// once, then delivered by cron flushes with modretailcrm_rate_limit 10, twice — as it comes,
// and with the first request 80 ms slow to arrive (a new connection, a slow network), which
// bunches the next ones. Prints the 503s the CRM answered, the retries and the pace.
// Asserts nothing.
declare(strict_types=1);

$url = getenv('CRM_URL');
$n = (int) ($argv[1] ?? 200);
$dir = sys_get_temp_dir() . '/modretailcrm-burst-' . getmypid();
@mkdir($dir, 0700, true);

function control(string $url, string $method, string $path, array $body = []): array
{
    $answer = file_get_contents("$url/__control/$path", false, stream_context_create(['http' => [
        'method' => $method, 'header' => "Content-Type: application/json\r\n", 'content' => json_encode($body),
    ]]));
    return json_decode((string) $answer, true) ?? [];
}

foreach (['as it comes' => null, 'the first request 80 ms slow' => ['mode' => 'delay', 'delay_ms' => 80, 'count' => 1]] as $case => $fault) {
    control($url, 'POST', 'rate-limit', ['per_second' => 10]);
    control($url, 'DELETE', 'requests');
    if ($fault !== null) {
        control($url, 'POST', 'faults', $fault);
    }
    $name = 'burst-' . md5($case);
    $shop = new ModRetailCrm\Integration([
        'modretailcrm_url' => $url, 'modretailcrm_apiKey' => getenv('CRM_KEY'), 'modretailcrm_siteCode' => 'shop',
        'modretailcrm_queue_path' => "$dir/$name.sqlite", 'modretailcrm_log_file' => "$dir/$name.log",
        'modretailcrm_send_mode' => 'queue', 'modretailcrm_rate_limit' => '10',
        'modretailcrm_retry_delay' => '0.1', 'modretailcrm_retry_delay_max' => '0.1',
    ]);
    for ($i = 0; $i < $n; $i++) {
        $shop->enqueue('customer.create', ['externalId' => "$name-$i", 'firstName' => 'Burst']);
    }
    $t = hrtime(true);
    $retried = 0;
    while ($shop->status()['pending'] > 0) {
        $retried += $shop->flush(30)['retried'];
    }
    $seconds = (hrtime(true) - $t) / 1e9;
    $statuses = array_count_values(array_map(fn(array $r) => (string) ($r['status'] ?? 'none'),
        control($url, 'GET', 'requests')['requests'] ?? []));
    control($url, 'DELETE', 'faults');
    printf("burst of %d changes at 10 req/s (%s): %d answered 503, %d retried, %d delivered in %.2f s = %.2f requests/s\n",
        $n, $case, $statuses['503'] ?? 0, $retried, $shop->status()['delivered'], $seconds, array_sum($statuses) / $seconds);
}
control($url, 'POST', 'rate-limit', ['per_second' => 0]);
exec('rm -rf ' . escapeshellarg($dir));
