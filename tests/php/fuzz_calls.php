<?php
// Generated hostile calls into every method and function the extension exports (found by
// Reflection, so a new method is covered without touching this file). Run by
// tests/php_fuzz.rs in a child php per batch, with the working directory in a temp dir (the
// jail) and open_basedir on it; every path generated is inside the jail, every URL is the
// loopback sandbox or an unused loopback port.
//
// Env: FUZZ_SEED, FUZZ_FROM, FUZZ_COUNT (the cases to run), FUZZ_JAIL (the temp dir),
// CRM_URL, CRM_KEY (the sandbox), HOSTILE_CRM_URL (a loopback server answering garbage).
//
// Prints, flushed line by line (so the parent sees the case a crash happened in):
//   CASE <n> <target> <argc>       before the call
//   R <n> ok | own <class> | arity <class> | callback <class> | foreign <class> <message> |
//         panic <message> | setup <class> <message> (the receiver could not be made)
//   W <n> <message>                 a PHP warning or notice raised during the case
//   DONE                            after the last case

error_reporting(E_ALL);
ini_set('display_errors', 'stderr');

final class FuzzCallbackException extends RuntimeException {}

/** A site class for `modretailcrm_custom_*_class`: returns something generated. */
final class FuzzCustom
{
    public static function map(array $payload, array $source): mixed
    {
        return Gen::$current?->value(2) ?? $payload;
    }
}

final class Gen
{
    public static ?Gen $current = null;

    /** @var list<string> */
    private array $strings;
    /** @var list<string> */
    private array $paths;
    /** @var list<string> */
    private array $urls;

    private const KEYS = [
        'id', 'externalId', 'num', 'cost', 'price', 'count', 'delivery_cost', 'weight', 'order',
        'user', 'profile', 'products', 'status', 'address', 'delivery', 'payment', 'promo',
        'paid_at', 'product_id', 'name', 'options', 'modification', 'modifications', 'method',
        'route', 'params', 'pagetitle', 'parent', 'parentId', 'categoryId', 'url', 'picture',
        'article', 'vendor', 'date', 'company', 'map', 'base_url', 'unit', 'vendors', 'email',
        'phone', 'items', 'sinceId', 'discount_amount', 'promocode', 'fullname', 'username',
        'retailcrm_status_code', 'retailcrm_delivery_code', 'retailcrm_payment_code', 'timeout',
        'connect_timeout', 'retry_delay', 'rate_limit', 'max_retries', 'log', 'log_max_bytes',
        'log_callback', 'initialPrice', 'quantity', 'gallery', 'price_old', 'old_price',
        'createdon', 'type', 'amount',
    ];

    private const PATH_KEYS = ['log_file', 'modretailcrm_queue_path', 'modretailcrm_log_file', 'core_path', 'base_path', 'assets_path'];

    private const SETTINGS = [
        'modretailcrm_url', 'modretailcrm_apiKey', 'modretailcrm_siteCode', 'modretailcrm_send_mode',
        'modretailcrm_sync_budget', 'modretailcrm_timeout', 'modretailcrm_connect_timeout',
        'modretailcrm_rate_limit', 'modretailcrm_retry_delay', 'modretailcrm_retry_delay_max',
        'modretailcrm_log', 'modretailcrm_sync_statuses', 'modretailcrm_paid_statuses',
        'modretailcrm_user_contexts', 'modretailcrm_user_groups', 'modretailcrm_add_crm_number',
        'modretailcrm_allow_msoptionsprice', 'modretailcrm_promocode_field',
        'modretailcrm_weight_unit', 'modretailcrm_order_method', 'modretailcrm_country_iso',
        'modretailcrm_custom_customers_class', 'modretailcrm_custom_orders_class',
        'modretailcrm_webhook_secret', 'modretailcrm_webhook_path', 'modretailcrm_webhook_ips',
    ];

    /** The webhook secret of the generated settings, which generated requests often carry. */
    private const WEBHOOK_SECRET = 'fuzz-webhook-secret-0123456789abcdef';

    public function __construct(private string $jail, private string $crm, private string $key)
    {
        $this->strings = [
            '', ' ', 'a', '0', '1', '-1', '12', '1.5', '1e300', '-1e300', 'NAN', 'INF',
            '9223372036854775807', '-9223372036854775808', '99999999999999999999', ' 7 ', '0x1A',
            "with\0nul", "\0", "\xFF\xFE", "bad \xC3\x28 utf8", "\xED\xA0\x80", "\xC0\xAF",
            'GET', 'POST', 'get', 'DELETE', 'orders', 'customers', 'credentials', 'api-versions',
            'orders?x=1', 'orders#f', '..', '.', 'externalId', 'id', 'number', 'dead', 'statuses',
            'status-groups', 'sites', 'stores', 'delivery-types', 'payment-types', 'order-methods',
            'order.create', 'order.edit', 'customer.create', 'customer.edit', 'payment.edit',
            'request', 'new', 'upd', 'web', 'mgr', 'deferred', 'sync', 'queue', 'history',
            '2026-11-29 07:16:52', '0000-00-00 00:00:00', 'FuzzCustom', '["FuzzCustom"]',
            'Exception', 'stdClass', 'ModRetailCrm\\Client', "<![CDATA[ ]]> & < > \" '",
            "line\nbreak\r\n\ttab", "\u{202E}rtl\u{FEFF}", 'Ёжик 🦔', str_repeat('é', 3000),
            str_repeat('x', 70000), 'sandbox-key', 'shop', '%00%ff', '{core_path}', '{a}',
            'date', 'strlen',
        ];
        $j = rtrim($jail, '/');
        $this->paths = [
            'out.xml', 'sub/out.xml', 'sub/../out.xml', './out.xml', 'q.sqlite', 'no/such/dir/q.sqlite',
            "$j/out.xml", "$j/out.xml.gz", "$j/sub/deep/out.xml", "$j/q.sqlite", "$j/", $j,
            "$j/x\0y.xml", "$j/\xFF.xml", "$j/" . str_repeat('n', 300) . '.xml', "$j/log.txt",
            "$j/core/", "$j/custom.php", '["FuzzCustom", "{core_path}no.php"]',
            '["FuzzCustom", "' . $j . '/no.php"]', 'outbox.sqlite-wal', ':memory:', '',
        ];
        $this->urls = [
            $crm, "$crm/", "$crm/api/v5", getenv('HOSTILE_CRM_URL'), "$crm?x=1", 'http://127.0.0.1:1', 'https://127.0.0.1:1',
            'http://[::1]:1', 'http://localhost:1', 'ftp://127.0.0.1:1', 'http://user:pw@127.0.0.1:1',
            'http://127.0.0.1:99999', 'http://127.0.0.1:1/' . str_repeat('a', 5000), 'https://',
            "http://127.0.0.1:1\0", "http://127.0.0.1:1\xFF",
        ];
        foreach (array_merge($this->strings, $this->urls) as $text) {
            if (str_starts_with($text, '/') || str_contains($text, '../')) {
                throw new LogicException("an unjailed string in the pool: $text");
            }
        }
        foreach ($this->paths as $path) {
            self::checkJailed($path, $j);
        }
    }

    /** Fails the run unless $path (after '{core_path}' expansion) stays inside $jail. */
    private static function checkJailed(string $path, string $jail): void
    {
        $inner = preg_match('/"([^"]*)"\]$/', $path, $m) ? str_replace('{core_path}', '', $m[1]) : $path;
        $absolute = str_starts_with($inner, '/') ? $inner : "$jail/$inner";
        $parts = [];
        foreach (explode('/', $absolute) as $part) {
            if ($part === '..') {
                array_pop($parts);
            } elseif ($part !== '' && $part !== '.') {
                $parts[] = $part;
            }
        }
        $normal = '/' . implode('/', $parts);
        if ($normal !== $jail && !str_starts_with($normal, "$jail/")) {
            throw new LogicException("an unjailed path in the pool: $path");
        }
    }

    public function pick(array $list): mixed
    {
        return $list[mt_rand(0, count($list) - 1)];
    }

    public function chance(int $percent): bool
    {
        return mt_rand(1, 100) <= $percent;
    }

    public function string(): string
    {
        return match (mt_rand(0, 9)) {
            0 => $this->bytes(mt_rand(1, 40)),
            1 => $this->pick([str_repeat('long ', mt_rand(10000, 400000)), $this->bytes(mt_rand(1000, 100000))]),
            2 => $this->pick($this->paths),
            3 => $this->pick($this->urls),
            4 => (string) mt_rand(PHP_INT_MIN, PHP_INT_MAX),
            default => $this->pick($this->strings),
        };
    }

    /** $length random bytes (from the seeded generator) without '/', never '.' or '..', so
     *  they never name a path outside the jail. */
    private function bytes(int $length): string
    {
        $text = '';
        for ($n = 0; $n < $length; $n++) {
            $byte = mt_rand(0, 255);
            $text .= $byte === 0x2F ? '_' : chr($byte);
        }
        return ($text === '..' || $text === '.') ? '_' : $text;
    }

    public function scalar(): mixed
    {
        return match (mt_rand(0, 5)) {
            0 => $this->pick([null, true, false]),
            1 => $this->pick([0, 1, -1, 2, PHP_INT_MAX, PHP_INT_MIN, 2 ** 31, -(2 ** 31), mt_rand(PHP_INT_MIN, PHP_INT_MAX)]),
            2 => $this->pick([NAN, INF, -INF, 1e300, -1e300, 0.1, -0.0, 1.5, 2967.18, PHP_FLOAT_EPSILON, PHP_FLOAT_MAX, PHP_FLOAT_MIN, -PHP_FLOAT_MAX, 1e15, 9.2233720368547758E+18, mt_rand() / 7]),
            default => $this->string(),
        };
    }

    public function key(): int|string
    {
        return match (mt_rand(0, 7)) {
            0 => $this->pick(["\xFF", "\xC3\x28", "a\0b", "\0", '', ' ', '-0', '01']),
            1 => $this->pick([0, 1, -1, PHP_INT_MAX, PHP_INT_MIN, 7]),
            2 => $this->bytes(mt_rand(1, 12)),
            default => $this->pick(self::KEYS),
        };
    }

    public function object(): object
    {
        return match (mt_rand(0, 7)) {
            0 => new stdClass(),
            1 => new ArrayObject([1, 2]),
            2 => fn () => null,
            3 => function (...$args) { throw new FuzzCallbackException('from a generated callback'); },
            4 => (function () { yield 1; })(),
            5 => new DateTimeImmutable('@0'),
            6 => new SplFixedArray(2),
            default => new Exception("an object\0with NUL"),
        };
    }

    /** A value of any kind; arrays at most $depth deep (deeper chains now and then). */
    public function value(int $depth = 3): mixed
    {
        $kind = mt_rand(0, 99);
        if ($kind < 45) {
            return $this->scalar();
        }
        if ($kind < 85 && $depth > 0) {
            return $this->array($depth - 1);
        }
        return match (mt_rand(0, 9)) {
            0 => fopen('php://memory', 'r'),
            1 => $this->deep(mt_rand(60, 200)),
            2 => $this->recursive(),
            3 => [],
            4 => range(0, mt_rand(1000, 20000)),
            5 => $this->withReferences(),
            default => $this->object(),
        };
    }

    public function array(int $depth): array
    {
        $array = [];
        $size = $this->pick([0, 1, 1, 2, 3, 5, 8]);
        $list = $this->chance(40);
        for ($n = 0; $n < $size; $n++) {
            $value = $this->value($depth);
            if ($list) {
                $array[] = $value;
            } else {
                $array[$this->key()] = $value;
            }
        }
        return $array;
    }

    /** Arrays nested $levels deep; a few levels hold their inner array twice (shared, so
     *  cheap to build, but at most 2^8 paths for a reader to walk). */
    public function deep(int $levels): array
    {
        $array = ['end' => 1];
        $doubled = 0;
        for ($n = 0; $n < $levels; $n++) {
            $double = $doubled < 8 && $this->chance(20);
            $doubled += (int) $double;
            $array = $double ? ['products' => $array, 'order' => $array] : [$array];
        }
        return $array;
    }

    public function recursive(): array
    {
        $array = ['id' => 1, 'name' => 'loop'];
        $array['self'] = &$array;
        return $array;
    }

    public function withReferences(): array
    {
        $shared = $this->scalar();
        $array = ['a' => &$shared, 'b' => &$shared, 'list' => [&$shared]];
        return $array;
    }

    /** A plausible array for the argument, with hostile values in places. */
    public function shaped(string $name): mixed
    {
        return match ($name) {
            'settings' => $this->settings(),
            'options' => $this->clientOptions(),
            'url' => $this->pick($this->urls),
            'path', 'file' => $this->pick($this->paths),
            'shop' => $this->mutate(['name' => 'Shop', 'company' => 'Co', 'date' => '2026-01-01 00:00:00']),
            'offer', 'category' => $this->product(),
            'offers' => array_map(fn () => $this->product(), range(0, mt_rand(0, 4))),
            'data' => $this->mutate([
                'order' => $this->mutate(['id' => 5, 'num' => '26/1', 'cost' => 100, 'delivery_cost' => 0, 'user_id' => 1, 'weight' => 1]),
                'products' => [$this->mutate(['product_id' => 3, 'name' => 'P', 'count' => 1, 'price' => 100])],
                'user' => ['id' => 1, 'username' => 'u'],
                'profile' => ['fullname' => 'A B', 'email' => 'a@b.c'],
                'status' => ['id' => 2, 'retailcrm_status_code' => 'paid'],
                'paid_at' => '2026-11-29 07:16:52',
                'payment' => ['id' => 1, 'retailcrm_payment_code' => 'cash'],
            ]),
            'request' => $this->mutate([
                'method' => $this->pick(['POST', 'GET', 'PUT', $this->string()]),
                'path' => $this->pick(['/modretailcrm/webhook', '/shop/modretailcrm/webhook/', '/', $this->string()]),
                'query' => $this->mutate(['secret' => $this->pick([self::WEBHOOK_SECRET, $this->string()]),
                    'retailCRM_action' => 'change_status']),
                'post' => $this->mutate(['order_id' => $this->pick(['26-1', '26/1', $this->string()]),
                    'status' => $this->string()]),
                'headers' => $this->mutate(['Content-Type' => $this->pick(['application/json', 'text/plain']),
                    'X-Modretailcrm-Secret' => $this->pick([self::WEBHOOK_SECRET, $this->string()])]),
                'body' => $this->pick(['{"order_id": "26-1"}', '{', str_repeat('x', 70_000), $this->string()]),
                'remote_addr' => $this->pick(['127.0.0.1', '::1', $this->string()]),
            ]),
            'status_codes' => $this->mutate([1 => 'new', 2 => 'paid', 3 => 'new']),
            'kind' => $this->pick(['order.create', 'order.edit', 'customer.create', 'customer.edit', 'payment.edit', 'request', $this->string()]),
            'payload', 'order', 'customer', 'payment', 'task', 'cost' => $this->mutate(['externalId' => '26-1', 'id' => 5, 'method' => 'GET', 'route' => 'credentials', 'params' => [], 'items' => [['initialPrice' => 1, 'quantity' => 1]]]),
            default => $this->value(),
        };
    }

    /** $base with some fields replaced, removed or added. */
    public function mutate(array $base): array
    {
        foreach (array_keys($base) as $key) {
            if ($this->chance(25)) {
                $base[$key] = $this->value(2);
            } elseif ($this->chance(10)) {
                unset($base[$key]);
            }
        }
        if ($this->chance(30)) {
            $base[$this->key()] = $this->value(2);
        }
        return $base;
    }

    private function product(): mixed
    {
        if ($this->chance(10)) {
            return $this->value();
        }
        return $this->mutate([
            'id' => mt_rand(1, 50), 'pagetitle' => 'Item', 'price' => 10.5, 'parent' => 1,
            'uri' => 'item.html', 'image' => '/assets/a.jpg', 'article' => 'A-1',
            'categoryId' => 1, 'modifications' => [['id' => 1, 'price' => 11, 'options' => ['size' => 'L']]],
        ]);
    }

    public function settings(): array
    {
        $settings = [
            'modretailcrm_url' => $this->crm,
            'modretailcrm_apiKey' => $this->key,
            'modretailcrm_siteCode' => 'shop',
            'modretailcrm_queue_path' => $this->pick(['q.sqlite', $this->jail . '/q2.sqlite']),
            'modretailcrm_send_mode' => $this->pick(['queue', 'sync', 'deferred']),
            'modretailcrm_timeout' => '2',
            'modretailcrm_rate_limit' => '1000',
            'modretailcrm_retry_delay' => '1',
            'modretailcrm_sync_statuses' => '1,2',
            'modretailcrm_webhook_secret' => self::WEBHOOK_SECRET,
        ];
        if ($this->chance(20)) {
            $settings['modretailcrm_custom_orders_class'] = 'FuzzCustom';
        }
        return $this->mutateSettings($settings);
    }

    private function mutateSettings(array $settings): array
    {
        $keys = array_merge(self::SETTINGS, self::PATH_KEYS);
        for ($n = mt_rand(0, 3); $n > 0; $n--) {
            $key = $this->pick($keys);
            $settings[$key] = in_array($key, self::PATH_KEYS, true) ? $this->pick($this->paths) : $this->value(1);
            if ($key === 'modretailcrm_url' && !is_array($settings[$key])) {
                $settings[$key] = $this->pick($this->urls);
            }
        }
        if ($this->chance(10)) {
            $settings[$this->key()] = $this->value(1);
        }
        return $settings;
    }

    public function clientOptions(): mixed
    {
        if ($this->chance(10)) {
            return $this->value();
        }
        $options = ['timeout' => 2, 'max_retries' => 0, 'rate_limit' => 0, 'retry_delay' => 0.01];
        foreach (['timeout', 'connect_timeout', 'retry_delay', 'rate_limit', 'max_retries', 'log', 'log_max_bytes', 'log_callback'] as $key) {
            if ($this->chance(15)) {
                $options[$key] = $key === 'log_callback' && $this->chance(60) ? $this->object() : $this->scalar();
            }
        }
        if ($this->chance(15)) {
            $options['log_file'] = $this->pick($this->paths);
        }
        if ($this->chance(10)) {
            $options[$this->key()] = $this->value(1);
        }
        return $options;
    }

    /** An argument for parameter $name: shaped like the real one, or anything at all. */
    public function argument(string $name): mixed
    {
        $path = in_array($name, ['path', 'file'], true);
        if ($path || $this->chance(55)) {
            return $this->shaped($name);
        }
        return $this->value();
    }
}

/** Every function and public method the extension declares: [class|null, ReflectionFunctionAbstract]. */
function targets(): array
{
    $extension = new ReflectionExtension('modretailcrm');
    $targets = [];
    foreach ($extension->getFunctions() as $function) {
        $targets[] = [null, $function];
    }
    $classes = $extension->getClasses();
    ksort($classes);
    foreach ($classes as $class) {
        foreach ($class->getMethods(ReflectionMethod::IS_PUBLIC) as $method) {
            if ($method->getDeclaringClass()->getName() === $class->getName()) {
                $targets[] = [$class->getName(), $method];
            }
        }
    }
    return $targets;
}

function label(array $target): string
{
    [$class, $function] = $target;
    return $class === null ? $function->getName() : "$class::" . $function->getName();
}

/** A fresh object to call an instance method on, sometimes in a used state; its CRM is the
 *  sandbox, a loopback server giving hostile answers, or an unused loopback port. */
function receiver(string $class, Gen $gen, string $jail, int $case): object
{
    $url = $gen->pick([getenv('CRM_URL'), getenv('CRM_URL'), getenv('CRM_URL'), getenv('HOSTILE_CRM_URL'), 'http://127.0.0.1:1']);
    return match ($class) {
        'ModRetailCrm\\Client' => new ModRetailCrm\Client($url, getenv('CRM_KEY'), 'shop', [
            'timeout' => 2, 'max_retries' => 0, 'rate_limit' => 0, 'retry_delay' => 0.01,
            'log' => $gen->chance(50),
            'log_callback' => $gen->chance(20)
                ? function (string $line) { throw new FuzzCallbackException('from the log callback'); }
                : fn ($line) => null,
        ]),
        'ModRetailCrm\\Integration' => (function () use ($gen, $jail, $url) {
            $integration = new ModRetailCrm\Integration([
                'modretailcrm_url' => $url, 'modretailcrm_apiKey' => getenv('CRM_KEY'),
                'modretailcrm_siteCode' => 'shop', 'modretailcrm_queue_path' => "$jail/receiver.sqlite",
                'modretailcrm_send_mode' => $gen->pick(['queue', 'sync', 'deferred']),
                'modretailcrm_timeout' => '2', 'modretailcrm_rate_limit' => '1000',
                'modretailcrm_retry_delay' => '1', 'modretailcrm_log_file' => "$jail/integration.log",
            ]);
            if ($gen->chance(30)) {
                $integration->enqueue('customer.create', ['externalId' => (string) mt_rand(1, 99), 'firstName' => 'F']);
            }
            if ($gen->chance(15)) {
                // A change the CRM refuses for good: a dead letter for retry() and discard().
                $integration->enqueue('request', ['method' => 'POST', 'route' => 'no/such/route', 'params' => []]);
                $integration->flush(1);
            }
            return $integration;
        })(),
        'ModRetailCrm\\Icml\\Writer' => (function () use ($gen, $jail, $case) {
            $writer = new ModRetailCrm\Icml\Writer("$jail/receiver-$case.xml", ['name' => 'Shop', 'company' => 'Co']);
            if ($gen->chance(30)) {
                $writer->addCategory(['id' => 1, 'pagetitle' => 'Catalog']);
                $writer->addOffer(['id' => 7, 'pagetitle' => 'Kettle', 'price' => 10, 'parent' => 1, 'uri' => 'k.html']);
            }
            match (mt_rand(0, 9)) {
                0 => $writer->finish(),
                1 => $writer->abort(),
                default => null,
            };
            return $writer;
        })(),
        'ModRetailCrm\\Upload' => (function () use ($gen, $jail, $url) {
            $integration = new ModRetailCrm\Integration([
                'modretailcrm_url' => $url, 'modretailcrm_apiKey' => getenv('CRM_KEY'),
                'modretailcrm_siteCode' => 'shop', 'modretailcrm_queue_path' => "$jail/receiver.sqlite",
                'modretailcrm_timeout' => '2', 'modretailcrm_rate_limit' => '1000', 'modretailcrm_log_file' => "$jail/integration.log",
            ]);
            $upload = $integration->upload($gen->pick(['customers', 'orders']),
                ['dry_run' => $gen->chance(50), 'ids' => $gen->chance(30), 'since' => $gen->chance(30) ? '2026-01-01' : null]);
            if ($gen->chance(10)) {
                $upload->finish();
            }
            return $upload;
        })(),
        'ModRetailCrm\\Reconciliation' => (function () use ($gen, $jail, $url) {
            $integration = new ModRetailCrm\Integration([
                'modretailcrm_url' => $url, 'modretailcrm_apiKey' => getenv('CRM_KEY'),
                'modretailcrm_siteCode' => 'shop', 'modretailcrm_queue_path' => "$jail/receiver.sqlite",
                'modretailcrm_timeout' => '2', 'modretailcrm_rate_limit' => '1000', 'modretailcrm_log_file' => "$jail/integration.log",
            ]);
            $run = $integration->reconcile($gen->chance(50));
            if ($gen->chance(10)) {
                $run->finish();
            }
            return $run;
        })(),
        default => throw new LogicException("no receiver for $class: add one to tests/php/fuzz_calls.php"),
    };
}

function say(string $line): void
{
    fwrite(STDOUT, str_replace(["\n", "\r"], ['\\n', '\\r'], $line) . "\n");
}

$seed = (int) getenv('FUZZ_SEED');
$from = (int) getenv('FUZZ_FROM');
$count = (int) getenv('FUZZ_COUNT');
$jail = realpath(getenv('FUZZ_JAIL'));
$targets = targets();
say('TARGETS ' . count($targets));
$case = -1;
set_error_handler(function (int $no, string $message) use (&$case): bool {
    say("W $case $message");
    return true;
});

for ($case = $from; $case < $from + $count; $case++) {
    mt_srand($seed + $case * 7919);
    $gen = new Gen($jail, getenv('CRM_URL'), getenv('CRM_KEY'));
    Gen::$current = $gen;
    $target = $targets[$case % count($targets)];
    [$class, $function] = $target;
    $required = $function->getNumberOfRequiredParameters();
    $declared = $function->getNumberOfParameters();
    $argc = $gen->chance(8) ? $gen->pick([0, max(0, $required - 1), $declared + 1, $declared + 3]) : mt_rand($required, $declared);
    $args = [];
    foreach ($function->getParameters() as $index => $parameter) {
        if ($index < $argc) {
            $args[] = $gen->argument($parameter->getName());
        }
    }
    while (count($args) < $argc) {
        $args[] = $gen->value();
    }
    say("CASE $case " . label($target) . " $argc");
    $object = null;
    if ($class !== null && !$function->isConstructor() && !$function->isStatic()) {
        try {
            $object = receiver($class, $gen, $jail, $case);
        } catch (Throwable $e) {
            say("R $case setup " . get_class($e) . ': ' . str_replace("\0", '\\0', $e->getMessage()));
            continue;
        }
    }
    try {
        if ($class === null) {
            $function->invokeArgs($args);
        } elseif ($function->isConstructor()) {
            new $class(...$args);
        } elseif ($function->isStatic()) {
            $name = $function->getName();
            $class::$name(...$args);
        } else {
            $name = $function->getName();
            $object->$name(...$args);
        }
        say("R $case ok");
    } catch (Throwable $e) {
        $message = str_replace("\0", '\\0', $e->getMessage());
        $thrown = get_class($e);
        $arityWrong = $argc < $required || $argc > $declared;
        if (str_contains($message, 'Rust panic') || str_contains($message, 'panicked')) {
            say("R $case panic $thrown: " . substr($message, 0, 300));
        } elseif ($e instanceof ModRetailCrm\Exception) {
            say("R $case own $thrown");
        } elseif ($e instanceof ArgumentCountError && $arityWrong && str_starts_with($message, label($target) . '() expects')) {
            // Raised by the argument count check (zend_wrong_parameters_count_error, called by
            // ext-php-rs's argument parser) before the method's body runs, and only accepted
            // when this case passed fewer arguments than required or more than declared.
            say("R $case arity $thrown");
        } elseif ($e instanceof FuzzCallbackException) {
            // A generated callback's own exception, passed through unchanged as documented.
            say("R $case callback $thrown");
        } else {
            say("R $case foreign $thrown: " . substr($message, 0, 300));
        }
    }
    unset($object, $args);
}
say('DONE');
