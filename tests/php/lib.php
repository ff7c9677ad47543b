<?php
// Tiny assertion helpers for the PHP scripts the Rust integration tests run.
// A failed check prints where and why and exits 1; the Rust side reports the output.

declare(strict_types=1);

error_reporting(E_ALL);
set_error_handler(function (int $no, string $msg, string $file, int $line): bool {
    fwrite(STDERR, "PHP warning/notice at $file:$line: $msg\n");
    exit(1);
});

$GLOBALS['checks'] = 0;

function fail(string $message): never
{
    $trace = debug_backtrace(DEBUG_BACKTRACE_IGNORE_ARGS);
    $where = '';
    foreach ($trace as $frame) {
        if (isset($frame['file']) && basename($frame['file']) !== 'lib.php') {
            $where = basename($frame['file']) . ':' . $frame['line'];
            break;
        }
    }
    fwrite(STDERR, "FAILED at $where: $message\n");
    exit(1);
}

function check(bool $condition, string $message): void
{
    $GLOBALS['checks']++;
    if (!$condition) {
        fail($message);
    }
}

function same(mixed $expected, mixed $actual, string $message = ''): void
{
    $GLOBALS['checks']++;
    if ($expected !== $actual) {
        fail(($message !== '' ? "$message: " : '') . 'expected ' . var_export($expected, true)
            . ', got ' . var_export($actual, true));
    }
}

/** Runs $fn and returns the exception it throws, failing unless it is a $class. */
function throws(string $class, callable $fn, string $contains = ''): Throwable
{
    $GLOBALS['checks']++;
    try {
        $fn();
    } catch (Throwable $e) {
        if (!($e instanceof $class)) {
            fail("expected $class, got " . get_class($e) . ': ' . $e->getMessage());
        }
        if (!($e instanceof \ModRetailCrm\Exception)) {
            fail(get_class($e) . ' is not a ModRetailCrm\\Exception');
        }
        if ($contains !== '' && !str_contains($e->getMessage(), $contains)) {
            fail("message of " . get_class($e) . " lacks '$contains': " . $e->getMessage());
        }
        return $e;
    }
    fail("expected $class, nothing was thrown");
}

function env(string $name): string
{
    $value = getenv($name);
    if ($value === false) {
        fail("environment variable $name is not set");
    }
    return $value;
}

/** A client for the sandbox the test started, with options merged in. */
function sandbox_client(array $options = [], ?string $key = null): \ModRetailCrm\Client
{
    return new \ModRetailCrm\Client(env('CRM_URL'), $key ?? env('CRM_KEY'), 'shop', $options + ['rate_limit' => 0]);
}

/** The sandbox's control API: GET or POST/DELETE with a JSON body. */
function control(string $method, string $path, ?array $body = null): array
{
    $context = stream_context_create(['http' => [
        'method' => $method,
        'header' => "Content-Type: application/json\r\n",
        'content' => $body === null ? '' : json_encode($body),
        'ignore_errors' => true,
    ]]);
    $answer = file_get_contents(env('CRM_URL') . '/__control/' . $path, false, $context);
    if ($answer === false) {
        fail("control call $method $path failed");
    }
    return json_decode($answer, true) ?? [];
}

function done(): void
{
    echo "PASS {$GLOBALS['checks']} checks\n";
}

/** A fresh folder for an outbox, removed at exit. */
function temp_dir(): string
{
    $dir = sys_get_temp_dir() . '/modretailcrm-test-' . getmypid() . '-' . bin2hex(random_bytes(4));
    mkdir($dir, 0700, true);
    register_shutdown_function(function () use ($dir) {
        exec('rm -rf ' . escapeshellarg($dir));
    });
    return $dir;
}

/** Integration settings for the sandbox with an outbox in $dir, overridden by $extra. */
function settings(string $dir, array $extra = []): array
{
    return $extra + [
        'modretailcrm_url' => env('CRM_URL'),
        'modretailcrm_apiKey' => env('CRM_KEY'),
        'modretailcrm_siteCode' => 'shop',
        'modretailcrm_queue_path' => "$dir/outbox.sqlite",
        'modretailcrm_send_mode' => 'queue',
        'modretailcrm_rate_limit' => '0',
        'modretailcrm_retry_delay' => '0.001',
        'modretailcrm_retry_delay_max' => '0.001',
        'modretailcrm_timeout' => '0.5',
        'modretailcrm_log_file' => "$dir/api.log",
    ];
}

/** What the sandbox holds: customers and orders. */
function crm_state(): array
{
    return control('GET', 'state');
}

/** A miniShop2-like order for the CRM, for customer $customer. */
function order_payload(string $num, string $customer, array $extra = []): array
{
    return $extra + [
        'externalId' => $num,
        'customer' => ['externalId' => $customer],
        'firstName' => 'Иван',
        'email' => "c$customer@example.com",
        'items' => [['offer' => ['externalId' => '5'], 'productName' => 'Чайник', 'initialPrice' => 1000, 'quantity' => 1]],
        'delivery' => ['code' => 'courier', 'cost' => 300],
    ];
}

/** Flushes until nothing is pending (bounded): cron runs, each a flush. */
function flush_until_empty(\ModRetailCrm\Integration $integration, int $rounds = 50): void
{
    for ($i = 0; $i < $rounds; $i++) {
        $integration->flush(2);
        if ($integration->status()['pending'] === 0) {
            return;
        }
        wait_out_breaker($integration);
    }
    fail('the outbox did not empty: ' . json_encode($integration->status()));
}

/**
 * The captured order 2611/1 with everything related (tests/fixtures/minishop2: msOrder's
 * toArray() with its related objects), split as the plugin gathers it: `order`, `related`
 * (the whole capture), `user`, `profile`, and `statuses` (id => msOrderStatus row).
 */
function captured_order(): array
{
    $fixtures = dirname(__DIR__, 2) . '/tests/fixtures/minishop2';
    $read = fn(string $file) => json_decode(file_get_contents("$fixtures/$file"), true, 512, JSON_THROW_ON_ERROR);
    $related = $read('db/msOrder_with_related_toArray_includeRelated.json');
    $user = $related['User'];
    $profile = $user['Profile'] ?? $related['CustomerProfile'];
    unset($user['Profile']);
    return [
        'order' => array_diff_key($related, array_flip(['User', 'CustomerProfile', 'Status', 'Delivery', 'Payment', 'Address', 'Products', 'Log'])),
        'related' => $related,
        'user' => $user,
        'profile' => $profile,
        'statuses' => array_column($read('msOrderStatus.json')['all'], null, 'id'),
    ];
}

/**
 * Returns once no circuit breaker of the outbox keeps deliveries away (a CRM that failed to
 * answer is tried again only after its breaker's time, which status() gives).
 */
function wait_out_breaker(\ModRetailCrm\Integration $integration): void
{
    foreach ($integration->status()['breakers'] as $breaker) {
        $wait = $breaker['open_until'] - microtime(true);
        check($wait < 120, 'a breaker period within the cap: ' . json_encode($breaker));
        if ($wait > 0) {
            usleep((int) ceil($wait * 1e6) + 1000);
        }
    }
}

/**
 * Runs the cron CLI (php-plugin/cli/modretailcrm.php) with $args under `php -n` with PDO SQLite
 * and the extension, in folder $cwd (so that a relative path stays inside it whatever the CLI
 * does); returns [exit code, stdout, stderr].
 */
function run_cli(string $cwd, string ...$args): array
{
    $command = array_merge(['php', '-n', '-d', 'extension=pdo', '-d', 'extension=pdo_sqlite',
        '-d', 'extension=' . env('MODRETAILCRM_SO'), dirname(__DIR__, 2) . '/php-plugin/cli/modretailcrm.php'], $args);
    $process = proc_open($command, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, $cwd);
    $out = stream_get_contents($pipes[1]);
    $err = stream_get_contents($pipes[2]);
    return [proc_close($process), $out, $err];
}

/** run_cli() that must succeed: returns the CLI's JSON answer. */
function run_cli_json(string $cwd, string ...$args): array
{
    [$code, $out, $err] = run_cli($cwd, ...$args);
    same(0, $code, implode(' ', $args) . ": $err");
    $result = json_decode($out, true);
    check(is_array($result), "JSON out: $out");
    return $result;
}

/**
 * A MODX site in $site as MODX's installer leaves it for the cron CLI's --site: config.core.php
 * and core/config/config.inc.php on the SQLite database $database (table prefix `shop_`), with
 * the PHP lines $more at the end of config.inc.php.
 */
function cli_site(string $site, string $database, string $more = ''): void
{
    mkdir("$site/core/config", 0777, true);
    file_put_contents("$site/config.core.php", "<?php\ndefine('MODX_CORE_PATH', " . var_export("$site/core/", true)
        . ");\ndefine('MODX_CONFIG_KEY', 'config');\n");
    file_put_contents("$site/core/config/config.inc.php", '<?php
$database_type = "sqlite";
$database_dsn = ' . var_export("sqlite:$database", true) . ';
$database_user = "";
$database_password = "";
$table_prefix = "shop_";
' . $more);
}

