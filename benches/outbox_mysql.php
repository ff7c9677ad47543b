<?php
// The outbox in MySQL/MariaDB, run by benches/outbox_mysql.sh (needs CRM_URL/CRM_KEY of a
// running sandbox, QUEUE_DSN/QUEUE_USER/QUEUE_PASSWORD of a database):
//   outbox_mysql.php enqueue sqlite|mysql N   enqueue N orders (deferred mode: only the
//                                             enqueue), print p50/p99/max in ms
//   outbox_mysql.php fill sqlite|mysql N      queue N orders and their status changes
//   outbox_mysql.php drain sqlite|mysql SECONDS  one web node: flush until nothing is pending
// Prints figures; asserts nothing.
declare(strict_types=1);

[$script, $command, $argument] = $argv + [null, null, null];
$dir = sys_get_temp_dir() . '/modretailcrm-bench-mysql-' . getenv('BENCH_RUN');
@mkdir($dir, 0700, true);

/** The settings of a shop whose outbox is on $backend, its tables (or file) named $name. */
function settings(string $dir, string $backend, string $name, array $extra = []): array
{
    return $extra + [
        'modretailcrm_url' => getenv('CRM_URL'), 'modretailcrm_apiKey' => getenv('CRM_KEY'),
        'modretailcrm_siteCode' => 'shop', 'modretailcrm_queue_path' => "$dir/$name.sqlite",
        'modretailcrm_log_file' => "$dir/api.log", 'modretailcrm_send_mode' => 'queue',
        'modretailcrm_rate_limit' => '10', 'modretailcrm_queue_backend' => $backend,
        'modretailcrm_queue_dsn' => getenv('QUEUE_DSN'), 'modretailcrm_queue_user' => getenv('QUEUE_USER'),
        'modretailcrm_queue_password' => getenv('QUEUE_PASSWORD'), 'modretailcrm_queue_table_prefix' => "{$name}_",
    ];
}

function order(string $num): array
{
    return [
        'externalId' => $num, 'customer' => ['externalId' => 'bench'], 'firstName' => 'Иван', 'status' => 'new',
        'items' => [['offer' => ['externalId' => '5'], 'productName' => 'Чайник', 'initialPrice' => 1000, 'quantity' => 2]],
        'delivery' => ['code' => 'courier', 'cost' => 300],
    ];
}

if ($command === 'enqueue') {
    $shop = new ModRetailCrm\Integration(settings($dir, $argument, 'enqueue', ['modretailcrm_send_mode' => 'deferred']));
    $n = (int) $argv[3];
    $times = [];
    for ($i = 0; $i < $n; $i++) {
        $order = order("e$i");
        $t = hrtime(true);
        $shop->enqueue('order.create', $order);
        $times[] = (hrtime(true) - $t) / 1e6;
    }
    sort($times);
    $at = fn(float $p) => $times[min($n - 1, (int) floor($n * $p))];
    printf("enqueue %-6s %d orders: p50 %.3f ms, p99 %.3f ms, max %.3f ms\n", $argument, $n, $at(0.5), $at(0.99), end($times));
} elseif ($command === 'fill') {
    $shop = new ModRetailCrm\Integration(settings($dir, $argument, 'delivery'));
    $shop->enqueue('customer.create', ['externalId' => "bench-$argument", 'firstName' => 'Bench']);
    for ($i = 0; $i < (int) $argv[3]; $i++) {
        $order = order("$argument-$i");
        $order['customer']['externalId'] = "bench-$argument";
        $shop->enqueue('order.create', $order);
        $shop->enqueue('order.edit', ['externalId' => "$argument-$i", 'status' => 'assembling']);
    }
} elseif ($command === 'drain') {
    $shop = new ModRetailCrm\Integration(settings($dir, $argument, 'delivery'));
    $deadline = microtime(true) + (float) $argv[3];
    $delivered = 0;
    do {
        $delivered += $shop->flush(5)['delivered'];
    } while ($shop->status()['pending'] > 0 && microtime(true) < $deadline);
    echo "node delivered $delivered\n";
} else {
    fwrite(STDERR, "usage: outbox_mysql.php enqueue|fill sqlite|mysql N | drain sqlite|mysql SECONDS\n");
    exit(2);
}
