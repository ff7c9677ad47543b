<?php
// One side of the benchmark run by scripts/bench.sh: N sequential order creates, either through
// ModRetailCrm\Client ("extension") or through PHP's curl extension with a new handle per request
// ("curl"). Prints one line of figures: key=value pairs.

declare(strict_types=1);

[$script, $mode, $n] = $argv + [null, 'extension', '1000'];
$n = (int) $n;
$url = getenv('CRM_URL');
$key = getenv('CRM_KEY');

function rss_kib(): int
{
    preg_match('/^VmRSS:\s+(\d+) kB/m', (string) file_get_contents('/proc/self/status'), $m);
    return (int) ($m[1] ?? 0);
}

function control(string $url, string $path, array $body): void
{
    file_get_contents("$url/__control/$path", false, stream_context_create(['http' => [
        'method' => 'POST', 'header' => "Content-Type: application/json\r\n", 'content' => json_encode($body),
    ]]));
}

function order(string $prefix, int $i): array
{
    return [
        'externalId' => "$prefix-$i",
        'customer' => ['externalId' => 'bench'],
        'firstName' => 'Иван', 'lastName' => 'Петров', 'phone' => '+7 900 123-45-67', 'email' => 'bench@example.com',
        'customerComment' => 'Позвоните за час / call 1h before',
        'items' => [
            ['offer' => ['externalId' => '5'], 'productName' => 'Футболка "Люкс"', 'initialPrice' => 1500, 'quantity' => 2,
             'properties' => [['code' => 'size', 'name' => 'Размер', 'value' => 'XL']]],
            ['offer' => ['externalId' => 'mod-6-3'], 'productName' => 'Кепка', 'initialPrice' => 499.5, 'quantity' => 1],
        ],
        'delivery' => ['code' => 'courier', 'cost' => 300, 'address' => ['city' => 'Москва', 'text' => 'Москва, ул. Тверская, 1']],
        'payments' => [['type' => 'cash', 'amount' => 3799.5]],
    ];
}

control($url, 'rate-limit', ['per_second' => 0]);
$rssBefore = rss_kib();
$prefix = $mode . '-' . getmypid();
$flags = JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES;

if ($mode === 'extension') {
    $crm = new ModRetailCrm\Client($url, $key, 'shop', ['rate_limit' => 0]);
    try {
        $crm->customersCreate(['externalId' => 'bench', 'firstName' => 'Bench']);
    } catch (ModRetailCrm\ApiException $e) {
        // already there from an earlier run
    }
    $send = fn (array $order) => $crm->ordersCreate($order)['id'];
} else {
    $send = function (array $order) use ($url, $key, $flags) {
        $ch = curl_init("$url/api/v5/orders/create");
        curl_setopt_array($ch, [
            CURLOPT_POST => true,
            CURLOPT_RETURNTRANSFER => true,
            CURLOPT_HTTPHEADER => ["X-API-KEY: $key"],
            CURLOPT_POSTFIELDS => http_build_query(['order' => json_encode($order, $flags), 'site' => 'shop']),
            CURLOPT_TIMEOUT => 30,
        ]);
        $body = curl_exec($ch);
        $status = curl_getinfo($ch, CURLINFO_RESPONSE_CODE);
        curl_close($ch);
        if ($status !== 201) {
            throw new RuntimeException("HTTP $status: $body");
        }
        return json_decode($body, true)['id'];
    };
}

$orders = [];
for ($i = 0; $i < $n; $i++) {
    $orders[] = order($prefix, $i);
}
$times = [];
$start = hrtime(true);
foreach ($orders as $order) {
    $t = hrtime(true);
    $send($order);
    $times[] = (hrtime(true) - $t) / 1e6;
}
$total = (hrtime(true) - $start) / 1e9;
sort($times);
printf("mode=%s orders=%d seconds=%.3f per_second=%.0f median_ms=%.3f p99_ms=%.3f rss_kib=%d rss_before_kib=%d\n",
    $mode, $n, $total, $n / $total, $times[intdiv($n, 2)], $times[(int) floor($n * 0.99)], rss_kib(), $rssBefore);
