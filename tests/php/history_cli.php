<?php
// The cron command line's `history` and `run` on a MODX site folder (its MODX: modx/cli_modx.php):
// the CRM's status changes applied with miniShop2's changeOrderStatus() once, `run` delivering
// the outbox first, `status` showing the cursor and the set-aside entries, `retry history`,
// and `history` without --site refused. Needs pdo_sqlite, SITE_DIR and MODRETAILCRM_SO.

declare(strict_types=1);

require __DIR__ . '/lib.php';
require __DIR__ . '/modx/harness.php';
require __DIR__ . '/modx/catalog.php';

$dir = env('SITE_DIR');

/** Runs the CLI on the site, expects success, returns its JSON answer. */
function site_cli(string ...$args): array
{
    return run_cli_json(env('SITE_DIR'), '--site=' . env('SITE_DIR') . '/site', ...$args);
}

$site = "$dir/site";
cli_site($site, "$dir/site.sqlite");
mkdir("$site/core/model/modx", 0777, true);
file_put_contents("$site/core/model/modx/modx.class.php", '<?php require ' . var_export(__DIR__ . '/modx/cli_modx.php', true) . ";\n");
$db = CatalogDb::create("$dir/site.sqlite", [], 'shop_');
$db->pdo->exec('CREATE TABLE shop_ms2_orders (id INTEGER PRIMARY KEY, num TEXT, status INTEGER)');
$db->pdo->exec('CREATE TABLE shop_ms2_order_statuses (id INTEGER PRIMARY KEY, retailcrm_status_code TEXT, final INTEGER)');
$db->pdo->exec('CREATE TABLE shop_ms2_status_calls (order_id INTEGER, status INTEGER)');
foreach ([[1, 'new', 0], [2, 'prepayed', 0], [3, 'complete', 1], [4, null, 0]] as [$id, $code, $final]) {
    $db->insert('ms2_order_statuses', ['id' => $id, 'retailcrm_status_code' => $code, 'final' => $final]);
}
$db->insert('ms2_orders', ['id' => 7, 'num' => '2612/7', 'status' => 1]);
foreach (settings($dir, ['modretailcrm_sync_statuses' => '1,2,3']) as $key => $value) {
    $db->setting($key, (string) $value);
}
$calls = fn() => $db->pdo->query('SELECT order_id, status FROM shop_ms2_status_calls')->fetchAll(PDO::FETCH_NUM);
$status = fn() => (int) $db->pdo->query('SELECT status FROM shop_ms2_orders WHERE id = 7')->fetchColumn();

sandbox_client()->ordersCreate(['externalId' => '2612-7', 'firstName' => 'Иван']);
$first = site_cli('history');
same([0, 0], [$first['applied'], $first['refused']], 'the first run starts at the latest entry');
same(crm_state()['history']['orders'], $first['history']['cursor']);

control('POST', 'orders/2612-7/status', ['status' => 'prepayed']);
control('POST', 'orders/2612-7/status', ['status' => 'assembling']);
// `run`: a change queued meanwhile is delivered, then the CRM's changes are applied.
(new ModRetailCrm\Integration(settings($dir)))->enqueue('customer.create', ['externalId' => 'cli-1', 'firstName' => 'Ольга']);
$run = site_cli('run', '5');
same(1, $run['flush']['delivered']);
same([1, 0], [$run['applied'], $run['refused']]);
same([[7, 2]], $calls(), "miniShop2's changeOrderStatus ran once");
same(2, $status());
same(1, $run['history']['set_aside_count'], 'assembling: no site status holds it');
same('assembling', $run['history']['set_aside'][0]['code']);
same(0, $run['history']['lag']);
same(1, site_cli('status')['history']['set_aside_count'], '`status` shows the history sync');
same(['requeued' => 1], site_cli('retry', 'history'));
$again = site_cli('history');
same([0, 0], [$again['applied'], $again['refused']]);
same(1, $again['history']['set_aside_count'], 'still no site status holds it');
same([[7, 2]], $calls(), 'nothing applied twice');

file_put_contents("$dir/settings.json", json_encode(settings($dir)));
[$code, , $err] = run_cli(env('SITE_DIR'), "--config=$dir/settings.json", 'history');
same(2, $code);
check(str_contains($err, 'pass --site='), $err);
done();
