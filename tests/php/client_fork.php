<?php
// PHP-FPM forks workers from a master that loaded the extension. A client used before a fork
// keeps working in the child (a fresh runtime and connection pool there) and in the parent.
require __DIR__ . '/lib.php';

$crm = sandbox_client();
same(true, $crm->apiVersions()['success'], 'used before the fork');

$children = [];
for ($n = 0; $n < 3; $n++) {
    $pid = pcntl_fork();
    if ($pid === -1) {
        fail('fork failed');
    }
    if ($pid === 0) {
        // In the child: the same client object, and a new one, both work.
        $ok = $crm->customersCreate(['externalId' => "fork-$n", 'firstName' => "Child $n"])['success']
            && (new \ModRetailCrm\Client(env('CRM_URL'), env('CRM_KEY'), 'shop', ['rate_limit' => 0]))->apiVersions()['success'];
        exit($ok ? 0 : 3);
    }
    $children[] = $pid;
}
foreach ($children as $pid) {
    pcntl_waitpid($pid, $status);
    same(0, pcntl_wexitstatus($status), "child $pid finished its calls");
}
same(true, $crm->apiVersions()['success'], 'the parent still works after forking');
for ($n = 0; $n < 3; $n++) {
    same("fork-$n", $crm->customersGet("fork-$n")['customer']['externalId']);
}
done();
