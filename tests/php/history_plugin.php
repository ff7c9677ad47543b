<?php
// The CRM's status changes reach miniShop2 orders through orders/history and the plugin's
// library (lib/CrmStatus.php): applied with miniShop2's changeOrderStatus() once, never sent
// back; the site's own change not applied again; an unmapped code and miniShop2's refusal
// set aside with their reasons and retried; a process killed with -9 between applying and
// confirming: the change is handed out again and applying it changes nothing.
require __DIR__ . '/lib.php';
require __DIR__ . '/modx/harness.php';
require_once dirname(__DIR__, 2) . '/php-plugin/lib/CrmStatus.php';

use ModRetailCrm\Plugin\CrmStatus;

if (!function_exists('posix_kill')) {
    dl('posix.so'); // php -n: the shared posix module, for a real kill -9
}

$dir = temp_dir();
// Statuses 1 new, 2 prepayed, 3 delivering (final), 4 cancel-other (final); 5 Draft has no code.
$config = settings($dir, ['modretailcrm_sync_statuses' => '1,2,3,4']);
$modx = new modX($config);
// The plugin runs on miniShop2's status change, as the installer registers it.
$modx->eventPlugins = ['msOnChangeOrderStatus' => [plugin_file()]];
give_crm_codes($modx);
$fixture = $modx->getObject('msOrder', 1)->toArray();
$modx->store(new xPDOObjectStub('msOrder', ['status' => 1] + $fixture), true);
$modx->store(new xPDOObjectStub('msOrder', ['id' => 2, 'num' => '2611/2', 'status' => 1] + $fixture));
$shop = new ModRetailCrm\Integration($config);
$crm = sandbox_client();
foreach (['2611-1', '2611-2'] as $externalId) {
    $crm->ordersCreate(['externalId' => $externalId, 'firstName' => 'Иван']);
}
$codes = CrmStatus::codes($modx);
same([1 => 'new', 2 => 'prepayed', 3 => 'delivering', 4 => 'cancel-other', 5 => null], $codes);
same([], $shop->pullChanges($codes), 'the first pull starts from the latest entry');
same(crm_state()['history']['orders'], $shop->status()['history']['cursor']);

/** [order id, status id] of miniShop2's status changes since the last call. */
function ms2_calls(modX $modx): array
{
    $calls = $modx->miniShop2?->calls ?? [];
    if ($modx->miniShop2 !== null) {
        $modx->miniShop2->calls = [];
    }
    return $calls;
}

/** Method and path of the requests the CRM received since the last call. */
function crm_requests(): array
{
    $sent = array_map(fn(array $r) => $r['method'] . ' ' . $r['path'], control('GET', 'requests')['requests']);
    control('DELETE', 'requests');
    return $sent;
}

// A manager sets order 2611/1 to prepayed: applied once through miniShop2, nothing sent back.
control('POST', 'orders/2611-1/status', ['status' => 'prepayed']);
crm_requests();
same(['applied' => 1, 'refused' => 0], CrmStatus::sync($modx, $shop));
same([[1, 2]], ms2_calls($modx), "miniShop2's changeOrderStatus ran once");
same(2, $modx->orderStatus(1));
same(0, $shop->status()['pending'], 'the plugin did not queue the CRM its own status back');
same(['GET /api/v5/orders/history'], crm_requests(), 'only the history was read');
same(['applied' => 0, 'refused' => 0], CrmStatus::sync($modx, $shop), 'nothing new');

// The site's own change goes to the CRM and comes back in its history: not applied again.
$order = $modx->getObject('msOrder', 1);
$order->set('status', 1);
$modx->store($order, true);
$modx->runPlugin(plugin_file(), 'msOnChangeOrderStatus', ['order' => $order, 'status' => 1]);
flush_until_empty($shop);
same('new', $crm->ordersGet('2611-1')['order']['status']);
same(['applied' => 0, 'refused' => 0], CrmStatus::sync($modx, $shop), 'the own change is skipped');
same([], ms2_calls($modx));

// A code no site status holds, then a final status miniShop2 will not leave.
control('POST', 'orders/2611-1/status', ['status' => 'assembling']);
control('POST', 'orders/2611-1/status', ['status' => 'delivering']);
control('POST', 'orders/2611-1/status', ['status' => 'cancel-other']);
same(['applied' => 1, 'refused' => 1], CrmStatus::sync($modx, $shop));
same([[1, 3], [1, 4]], ms2_calls($modx));
same(3, $modx->orderStatus(1), 'miniShop2 kept the final status');
$history = $shop->status()['history'];
same(2, $history['set_aside_count']);
same(['cancel-other', 'assembling'], array_column($history['set_aside'], 'code'));
check(str_contains($history['set_aside'][0]['reason'], 'This status is final'), $history['set_aside'][0]['reason']);
check(str_contains($history['set_aside'][1]['reason'], '"assembling"'), $history['set_aside'][1]['reason']);
same('2611-1', $history['set_aside'][0]['order']);
same(crm_state()['history']['orders'], $history['cursor'], 'the cursor moved past the set-aside entries');
same(0, $history['lag']);
// Retried: the unmapped one would revert later changes (skipped), miniShop2 refuses again.
same(2, $shop->retry('history'));
same(['applied' => 0, 'refused' => 1], CrmStatus::sync($modx, $shop));
same(1, $shop->status()['history']['set_aside_count']);
ms2_calls($modx);

// Killed with -9 between applying and confirming.
control('POST', 'orders/2611-2/status', ['status' => 'prepayed']);
$applied = "$dir/applied.json";
$pid = pcntl_fork();
if ($pid === 0) {
    $actions = $shop->pullChanges($codes);
    CrmStatus::apply($modx, $actions[0]);
    // The site's database has the new status; the confirmation never comes.
    file_put_contents($applied, json_encode([$actions[0], $modx->orderStatus(2), ms2_calls($modx)]));
    posix_kill(posix_getpid(), SIGKILL);
    exit(3);
}
pcntl_waitpid($pid, $status);
check(pcntl_wifsignaled($status) && pcntl_wtermsig($status) === SIGKILL, 'the child was killed: ' . pcntl_wexitstatus($status));
[$action, $childStatus, $childCalls] = json_decode((string) file_get_contents($applied), true);
same(['2611/2', 2], [$action['order'], $action['status']]);
same([[2, 2]], $childCalls, 'the child applied it');
$modx->store(new xPDOObjectStub('msOrder', ['status' => $childStatus] + $modx->getObject('msOrder', 2)->toArray()), true);
same(1, $shop->status()['history']['pending'], 'not confirmed');
$again = $shop->pullChanges($codes);
same([$action], $again, 'the same action, handed out again');
same(null, CrmStatus::apply($modx, $again[0]));
same([], ms2_calls($modx), 'the order has the status: miniShop2 is not asked again');
same(true, $shop->applied($again[0]['id'], null));
same(false, $shop->applied($again[0]['id'], null), 'a repeated confirmation changes nothing');
throws(ModRetailCrm\ValidationException::class, fn() => $shop->applied('999999', null), 'no CRM change');
$history = $shop->status()['history'];
same([0, crm_state()['history']['orders']], [$history['pending'], $history['cursor']]);
same([], $shop->pullChanges($codes));
same([], array_values(array_filter($modx->logged(modX::LOG_LEVEL_WARN), fn($l) => !str_contains($l, 'was not applied'))),
    'no other problem logged');
done();
