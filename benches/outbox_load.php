<?php
// One process of benches/outbox_load.sh, driven by arguments:
//   outbox_load.php enqueue SETTINGS.json PREFIX COUNT PACE_MS OUT   COUNT enqueues (PACE_MS apart,
//                                                                    0 = flat out); latencies to OUT
//   outbox_load.php anchor FILE COUNT PACE_MS OUT                    the same with an fsync'd JSON
//                                                                    append under LOCK_EX instead
//   outbox_load.php flush SETTINGS.json STOPFILE OUT                 flush until STOPFILE exists;
//                                                                    "delivered seconds" to OUT
//   outbox_load.php report NAME LIMIT FILES…                         one line of figures
// Latency files hold one float (ms) per enqueue, "F" for a failed one. Asserts nothing.
declare(strict_types=1);

function order(string $num): array
{
    return [
        'externalId' => $num, 'customer' => ['externalId' => 'load'], 'firstName' => 'Иван',
        'items' => [['offer' => ['externalId' => '5'], 'productName' => 'Чайник', 'initialPrice' => 1000, 'quantity' => 2]],
        'delivery' => ['code' => 'courier', 'cost' => 300],
    ];
}

/** Runs $one COUNT times, PACE_MS apart (0: back to back), and writes the latencies to $out. */
function timed(int $count, float $paceMs, string $out, callable $one): void
{
    $lines = [];
    $start = hrtime(true);
    for ($i = 0; $i < $count; $i++) {
        if ($paceMs > 0) {
            $due = $start + (int) ($i * $paceMs * 1e6);
            $wait = $due - hrtime(true);
            if ($wait > 0) {
                usleep(intdiv($wait, 1000));
            }
        }
        $t = hrtime(true);
        try {
            $one($i);
            $lines[] = sprintf('%.4f', (hrtime(true) - $t) / 1e6);
        } catch (Throwable $e) {
            $lines[] = 'F';
            fwrite(STDERR, get_class($e) . ': ' . $e->getMessage() . "\n");
        }
    }
    file_put_contents($out, implode("\n", $lines) . "\n");
}

function percentile(array $sorted, float $p): float
{
    return $sorted ? $sorted[min(count($sorted) - 1, (int) floor(count($sorted) * $p))] : NAN;
}

$command = $argv[1] ?? '';
if ($command === 'enqueue') {
    [, , $settings, $prefix, $count, $pace, $out] = $argv;
    $shop = new ModRetailCrm\Integration(json_decode(file_get_contents($settings), true));
    timed((int) $count, (float) $pace, $out, fn (int $i) => $shop->enqueue('order.create', order("$prefix-$i")));
} elseif ($command === 'anchor') {
    [, , $file, $count, $pace, $out] = $argv;
    timed((int) $count, (float) $pace, $out, function (int $i) use ($file): void {
        $handle = fopen($file, 'ab');
        flock($handle, LOCK_EX);
        fwrite($handle, json_encode(['kind' => 'order.create', 'payload' => order("a-" . getmypid() . "-$i")]) . "\n");
        fflush($handle);
        fsync($handle);
        flock($handle, LOCK_UN);
        fclose($handle);
    });
} elseif ($command === 'flush') {
    [, , $settings, $stop, $out] = $argv;
    $shop = new ModRetailCrm\Integration(json_decode(file_get_contents($settings), true));
    $delivered = 0;
    $failures = 0;
    $start = hrtime(true);
    while (!file_exists($stop)) {
        try {
            $delivered += $shop->flush(1)['delivered'];
        } catch (Throwable $e) {
            $failures++;
            fwrite(STDERR, get_class($e) . ': ' . $e->getMessage() . "\n");
        }
    }
    file_put_contents($out, sprintf("%d %.3f %d\n", $delivered, (hrtime(true) - $start) / 1e9, $failures));
} elseif ($command === 'report') {
    [, , $name, $limit] = $argv;
    $times = [];
    $failed = 0;
    $delivered = 0;
    $seconds = 0.0;
    foreach (array_slice($argv, 4) as $file) {
        foreach (file($file, FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES) as $line) {
            if (str_starts_with(basename($file), 'flush')) {
                [$d, $s, $f] = array_map('floatval', explode(' ', $line));
                $delivered += (int) $d;
                $seconds = max($seconds, $s);
                $failed += (int) $f;
            } elseif ($line === 'F') {
                $failed++;
            } else {
                $times[] = (float) $line;
            }
        }
    }
    sort($times);
    printf("%-34s %7d ok %4d failed  p50 %7.3f  p99 %8.3f  p99.9 %8.3f  max %8.3f ms",
        $name, count($times), $failed, percentile($times, 0.5), percentile($times, 0.99),
        percentile($times, 0.999), $times ? end($times) : NAN);
    if ($seconds > 0) {
        $rate = $delivered / $seconds;
        printf("  delivered %d in %.1f s = %.2f/s = %.0f%% of %d/s", $delivered, $seconds, $rate, $rate / (float) $limit * 100, (int) $limit);
    }
    echo "\n";
} else {
    fwrite(STDERR, "unknown command $command\n");
    exit(2);
}
