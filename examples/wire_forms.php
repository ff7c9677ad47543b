<?php
// Part four of the demo: the CRM sandbox takes a request as RetailCRM does, however PHP's curl
// encodes it. The same order create is sent twice with plain ext-curl (no extension): once
// with a string body (application/x-www-form-urlencoded, as this extension sends it) and once
// with an array body (multipart/form-data, as the official PHP client and most shop code send
// it), each with the key as the `apiKey` field. Then the sandbox's request log shows both.
// Run by scripts/demo.sh with CRM_URL and CRM_KEY set.
declare(strict_types=1);

$url = rtrim((string) getenv('CRM_URL'), '/');
$key = (string) getenv('CRM_KEY');

function post(string $url, string|array $body): array
{
    $curl = curl_init($url);
    curl_setopt_array($curl, [CURLOPT_POST => true, CURLOPT_POSTFIELDS => $body, CURLOPT_RETURNTRANSFER => true]);
    $answer = (string) curl_exec($curl);
    $status = curl_getinfo($curl, CURLINFO_RESPONSE_CODE);
    curl_close($curl);
    return [$status, json_decode($answer, true)];
}

function control(string $url, string $method, string $path): array
{
    $curl = curl_init("$url/__control/$path");
    curl_setopt_array($curl, [CURLOPT_CUSTOMREQUEST => $method, CURLOPT_RETURNTRANSFER => true]);
    $answer = json_decode((string) curl_exec($curl), true);
    curl_close($curl);
    return $answer;
}

control($url, 'DELETE', 'requests');
foreach (['urlencoded' => 'wire-1', 'multipart' => 'wire-2'] as $encoding => $externalId) {
    $fields = [
        'apiKey' => $key,
        'site' => 'shop',
        'order' => json_encode(['externalId' => $externalId, 'firstName' => 'Anna', 'items' => [
            ['productName' => 'Cap', 'initialPrice' => 499.5, 'quantity' => 2],
        ]]),
    ];
    [$status, $answer] = post("$url/api/v5/orders/create", $encoding === 'urlencoded' ? http_build_query($fields) : $fields);
    printf("%-10s create %s: HTTP %d, order id %s, totalSumm %s\n", $encoding, $externalId, $status, $answer['id'] ?? '-', $answer['order']['totalSumm'] ?? '-');
}

echo "The sandbox's request log (GET /__control/requests):\n";
foreach (control($url, 'GET', 'requests')['requests'] as $request) {
    $type = explode(';', $request['headers']['content-type'] ?? '')[0];
    printf(
        "  #%d %s %s  %s, %d body bytes -> %d; params: apiKey=%s site=%s order.externalId=%s\n",
        $request['seq'],
        $request['method'],
        $request['path'],
        $type,
        strlen($request['body']),
        $request['status'],
        str_repeat('*', strlen($request['params']['apiKey'])),
        $request['params']['site'],
        $request['params']['order']['externalId'],
    );
}
