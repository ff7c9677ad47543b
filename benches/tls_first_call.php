<?php
// The first and the later HTTPS calls of a PHP process, in wall and CPU time (getrusage of the
// whole process, every thread included). Modes:
//   fresh — this php process itself: its start-up CPU, then its first call and later calls;
//   fork  — workers forked one after another from this process, which loaded the extension
//           and made no call (as PHP-FPM's master forks its workers); each worker's first call
//           and later calls.
// Usage: php -n -d extension=…/libmodretailcrm.so benches/tls_first_call.php fresh|fork URL
declare(strict_types=1);

[$mode, $url] = [$argv[1] ?? 'fresh', $argv[2] ?? ''];
const LATER = 5;

function cpu_ms(): float
{
    $u = getrusage();
    return ($u['ru_utime.tv_sec'] + $u['ru_stime.tv_sec']) * 1000
        + ($u['ru_utime.tv_usec'] + $u['ru_stime.tv_usec']) / 1000;
}

/** One call with a new client object (as every PHP-FPM request builds its own): [wall, cpu] ms. */
function timed_call(string $url): array
{
    [$wall, $cpu] = [hrtime(true), cpu_ms()];
    $answer = (new \ModRetailCrm\Client($url, 'bench-key', 'shop', ['rate_limit' => 0, 'max_retries' => 0]))->apiVersions();
    if (($answer['success'] ?? null) !== true) {
        fwrite(STDERR, "unexpected answer: " . json_encode($answer) . "\n");
        exit(1);
    }
    return [(hrtime(true) - $wall) / 1e6, cpu_ms() - $cpu];
}

function median(array $values): float
{
    sort($values);
    return $values[intdiv(count($values), 2)];
}

function calls(string $url): string
{
    [$wall, $cpu] = timed_call($url);
    $later = [];
    for ($n = 0; $n < LATER; $n++) {
        $later[] = timed_call($url);
    }
    return sprintf(
        'first call %6.2f ms wall %6.2f ms CPU; later calls (median of %d) %5.2f ms wall %5.2f ms CPU',
        $wall,
        $cpu,
        LATER,
        median(array_column($later, 0)),
        median(array_column($later, 1)),
    );
}

if ($mode === 'fresh') {
    printf("fresh process: start-up %6.2f ms CPU; %s\n", cpu_ms(), calls($url));
    exit(0);
}
for ($worker = 1; $worker <= 3; $worker++) {
    $pid = pcntl_fork();
    if ($pid === 0) {
        printf("forked worker %d: %s\n", $worker, calls($url));
        exit(0);
    }
    pcntl_waitpid($pid, $status);
    if (pcntl_wexitstatus($status) !== 0) {
        exit(1);
    }
}
