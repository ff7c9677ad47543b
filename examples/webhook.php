<?php
// The webhook (RetailCRM → site): a MODX site with the plugin (the tests' harness behind PHP's
// built-in server, tests/php/webhook_router.php) and the CRM sandbox's trigger calling it when a
// manager changes an order's status. The status arrives on the site through miniShop2's
// changeOrderStatus() and is not sent back; a forged call is refused or changes nothing. Run it
// with `make demo` (it starts the sandbox and sets CRM_URL, CRM_KEY, DEMO_DIR, MODRETAILCRM_SO).

declare(strict_types=1);

$secret = bin2hex(random_bytes(32));
$dir = getenv('DEMO_DIR') . '/webhook-site';
@mkdir($dir, 0700, true);
$port = (static function (): int {
    $socket = stream_socket_server('tcp://127.0.0.1:0');
    $port = (int) substr(strrchr(stream_socket_get_name($socket, false), ':'), 1);
    fclose($socket);
    return $port;
})();
$server = proc_open(['php', '-n', '-d', 'extension=' . getenv('MODRETAILCRM_SO'), '-S', "127.0.0.1:$port", '-t', $dir,
    dirname(__DIR__) . '/tests/php/webhook_router.php'],
    [0 => ['file', '/dev/null', 'r'], 1 => ['file', '/dev/null', 'w'], 2 => ['file', "$dir/server.log", 'w']], $pipes,
    null, ['CRM_URL' => getenv('CRM_URL'), 'CRM_KEY' => getenv('CRM_KEY'), 'SITE_DIR' => $dir, 'WEBHOOK_SECRET' => $secret]);
register_shutdown_function(static function () use ($server): void {
    proc_terminate($server);
    proc_close($server);
});
for ($tries = 0; @fsockopen('127.0.0.1', $port) === false; $tries++) {
    if ($tries > 500) {
        exit("the built-in server did not start\n");
    }
    usleep(10_000);
}

/** Calls the sandbox's control API. */
function sandbox(string $method, string $path, ?array $body = null): array
{
    $context = stream_context_create(['http' => ['method' => $method, 'ignore_errors' => true,
        'header' => "Content-Type: application/json\r\n", 'content' => $body === null ? '' : json_encode($body)]]);
    return json_decode((string) file_get_contents(getenv('CRM_URL') . "/__control/$path", false, $context), true) ?? [];
}

/** POSTs a form to the site: [HTTP status, body]. */
function post(int $port, string $path, array $form): array
{
    $context = stream_context_create(['http' => ['method' => 'POST', 'ignore_errors' => true,
        'header' => "Content-Type: application/x-www-form-urlencoded\r\n", 'content' => http_build_query($form)]]);
    $body = (string) file_get_contents("http://127.0.0.1:$port$path", false, $context);
    return [(int) explode(' ', $http_response_header[0] ?? '')[1], $body];
}

$siteStatus = static function (int $order) use ($dir): string {
    $site = json_decode((string) file_get_contents("$dir/site.json"), true);
    $status = $site['msOrder'][$order]['status'];
    return "{$site['msOrderStatus'][$status]['name']} ($status)";
};

echo "\n== The webhook: RetailCRM's trigger → the site (php -S running the plugin, secret in the URL)\n";
$crm = new ModRetailCrm\Client(getenv('CRM_URL'), getenv('CRM_KEY'), 'shop');
$crm->ordersCreate(['externalId' => '2611-2', 'number' => '2611/2', 'status' => 'new', 'firstName' => 'Иван']);
sandbox('POST', 'trigger', ['url' => "http://127.0.0.1:$port/modretailcrm/webhook?secret=$secret", 'method' => 'POST',
    'params' => ['order_id' => '{{ order.externalId }}', 'status' => '{{ order.status.code }}']]);
post($port, '/', []); // the site's first request sets up its database
echo 'site order 2611/2 before: ' . $siteStatus(2) . "\n";
sandbox('DELETE', 'requests');
sandbox('POST', 'orders/2611-2/status', ['status' => 'prepayed']);
$calls = sandbox('GET', 'triggers')['triggers'];
$call = end($calls);
echo "a manager sets prepayed in the CRM; the trigger's call got HTTP {$call['status']}\n";
echo 'site order 2611/2 after:  ' . $siteStatus(2) . " (through miniShop2's changeOrderStatus)\n";
$sent = array_map(fn(array $r) => "{$r['method']} {$r['path']}", sandbox('GET', 'requests')['requests']);
echo 'what the site asked the CRM: ' . implode(', ', $sent) . " (nothing sent back)\n";

[$code, $body] = post($port, '/modretailcrm/webhook?secret=guessed', ['order_id' => '2611-2', 'status' => 'complete']);
echo "a forged call with a guessed secret: HTTP $code $body\n";
[$code, $body] = post($port, "/modretailcrm/webhook?secret=$secret", ['order_id' => '2611-2', 'status' => 'cancel-other']);
echo "a call saying cancel-other while the CRM holds prepayed: HTTP $code $body\n";
echo 'site order 2611/2 still: ' . $siteStatus(2) . "\n";
