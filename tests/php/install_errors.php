<?php
// The installer refuses, with a clear message and exit status 1, and without changing anything,
// a path that is not a MODX site, a MODX that is not 2.8, a site whose database is unreachable
// and a site without miniShop2; bad arguments are exit status 2.
require __DIR__ . '/install_lib.php';

/** Runs the installer, expects exit $status and stderr containing $message. */
function refused(array $args, int $status, string $message): void
{
    $run = run_installer($args);
    same($status, $run['status'], 'exit status for ' . implode(' ', $args) . ': ' . json_encode($run));
    check(str_contains($run['err'], $message), "'$message' in the error: " . json_encode($run));
}

$empty = sys_get_temp_dir() . '/modretailcrm-empty-' . getmypid();
mkdir($empty);
register_shutdown_function(fn() => rmdir($empty));
refused(["--site=$empty"], 1, "$empty is not a MODX site: it has no config.core.php");
refused(['--site=' . $empty . '/missing'], 1, 'is not a directory');
refused([], 2, 'usage: php install.php --site=');
refused(["--site=$empty", '--frobnicate'], 2, 'unknown argument --frobnicate');

// A site whose config.core.php leads nowhere.
$broken = fake_site();
exec('rm -rf ' . escapeshellarg("$broken/core/model"));
refused(["--site=$broken"], 1, 'is not a MODX Revolution 2.8 site');

// MODX 3.
$modx3 = fake_site();
$version = file_get_contents("$modx3/core/docs/version.inc.php");
file_put_contents("$modx3/core/docs/version.inc.php", str_replace(["\$v['version'] = '2';", "'2.8.7-pl'"], ["\$v['version'] = '3';", "'3.0.4-pl'"], $version));
refused(["--site=$modx3"], 1, 'is not a MODX Revolution 2.8 site: it runs 3.0.4-pl');

// The database is unreachable.
$down = fake_site();
rename("$down/core/config/database.json", "$down/core/config/database.json.off");
refused(["--site=$down"], 1, 'cannot connect to the database');
check(!is_dir("$down/core/components/modretailcrm"), 'nothing is copied when the database is down');

// No miniShop2: refused before anything changes.
$bare = fake_site();
$db = site_db($bare);
unset($db['objects']['modNamespace']['minishop2']);
save_site_db($bare, $db);
exec('rm -rf ' . escapeshellarg("$bare/core/components/minishop2"));
$json = file_get_contents("$bare/core/config/database.json");
refused(["--site=$bare"], 1, 'miniShop2 is not installed on this site');
same($json, file_get_contents("$bare/core/config/database.json"), 'the database is unchanged');
check(!is_dir("$bare/core/components/modretailcrm") && !is_dir("$bare/assets/components/modretailcrm"), 'no files are copied');
done();
