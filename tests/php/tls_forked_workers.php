<?php
// Workers forked from a process that loaded the extension (as PHP-FPM forks its workers) make
// verified HTTPS calls with the roots parsed at module start-up: those of SSL_CERT_FILE here,
// the system's bundle plus a test CA. The parent, which made no call before forking, works too.
require __DIR__ . '/lib.php';

function versions(): array
{
    return (new \ModRetailCrm\Client(env('TLS_URL'), 'tls-key', 'shop', ['rate_limit' => 0, 'max_retries' => 0]))->apiVersions();
}

for ($worker = 0; $worker < 2; $worker++) {
    $pid = pcntl_fork();
    if ($pid === -1) {
        fail('fork failed');
    }
    if ($pid === 0) {
        exit(versions() === ['success' => true, 'versions' => ['5.0']] ? 0 : 3);
    }
    pcntl_waitpid($pid, $status);
    same(0, pcntl_wexitstatus($status), "worker $worker made a verified HTTPS call");
}
same(['success' => true, 'versions' => ['5.0']], versions(), 'the parent makes one too');
done();
