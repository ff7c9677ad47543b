<?php
// The private folder of the outbox and the log, against real web servers on loopback (php -S
// serving the fake site's folder, as nginx does without a rule for core/; and one that denies
// core/): the installer makes the folder with a random name and Apache's deny rules, asks the
// site over HTTP for what a visitor would get, and says loudly on stderr when the outbox is
// served; the cron CLI's `status` and `doctor` do the same with the real outbox (`doctor` also
// asks the CRM sandbox at CRM_URL with CRM_KEY). A folder an earlier
// install left (with its outbox) is used again; an older outbox in core/cache/modretailcrm/ is
// kept where it is, with a note. Needs the extension (the CLI).
require __DIR__ . '/install_lib.php';
require_once REPO . '/php-plugin/lib/PrivateFolder.php';

use ModRetailCrm\Plugin\Lexicon;
use ModRetailCrm\Plugin\PrivateFolder;

/** A free loopback port. */
function free_port(): int
{
    $socket = stream_socket_server('tcp://127.0.0.1:0');
    $name = stream_socket_get_name($socket, false);
    fclose($socket);
    return (int) substr((string) strrchr((string) $name, ':'), 1);
}

/** `php -S` on loopback serving $root (through $router when given), listening when this returns. */
function web_server(string $root, ?string $router = null): array
{
    $port = free_port();
    $command = [PHP_BINARY, '-n', '-S', "127.0.0.1:$port", '-t', $root];
    if ($router !== null) {
        $command[] = $router;
    }
    $process = proc_open($command, [0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
    check(is_resource($process), 'php -S starts');
    // It says "Development Server (http://…) started" on stderr once it listens.
    $said = '';
    while (!str_contains($said, ') started') && ($line = fgets($pipes[2])) !== false) {
        $said .= $line;
    }
    check(str_contains($said, ') started'), "php -S listens: $said");
    // Stopped by stop_server(), or at exit when a check failed first.
    register_shutdown_function(fn() => is_resource($process) && proc_terminate($process));
    return ['process' => $process, 'url' => "http://127.0.0.1:$port/"];
}

function stop_server(array $server): void
{
    proc_terminate($server['process']);
    proc_close($server['process']);
}

/** Points the fake site's site_url at $url. */
function set_site_url(string $site, string $url): void
{
    $db = site_db($site);
    $db['objects']['modSystemSetting']['site_url'] = ['key' => 'site_url', 'value' => $url, 'xtype' => 'textfield',
        'namespace' => 'core', 'area' => 'site', 'editedon' => null];
    save_site_db($site, $db);
}

/** The cron CLI's $command with the extension and $settings as its --config; [exit code, stdout, stderr]. */
function cli(array $settings, string $command = 'status', bool $extension = true): array
{
    $config = tempnam(sys_get_temp_dir(), 'modretailcrm-config-');
    file_put_contents($config, json_encode($settings));
    $command = [PHP_BINARY, '-n', ...($extension ? ['-d', 'extension=' . env('MODRETAILCRM_SO')] : []),
        REPO . '/php-plugin/cli/modretailcrm.php', "--config=$config", $command];
    $process = proc_open($command, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
    $out = stream_get_contents($pipes[1]);
    $err = stream_get_contents($pipes[2]);
    $code = proc_close($process);
    unlink($config);
    return [$code, $out, $err];
}

$site = fake_site();
$deny = sys_get_temp_dir() . '/modretailcrm-deny-' . getmypid() . '.php';
file_put_contents($deny, "<?php\n// Denies core/ as the nginx rule does; serves the rest as files.\n"
    . "if (str_starts_with(parse_url(\$_SERVER['REQUEST_URI'], PHP_URL_PATH), '/core/')) {\n"
    . "    http_response_code(404);\n    return true;\n}\nreturn false;\n");
register_shutdown_function(fn() => @unlink($deny));

// --- install behind a server that serves everything: the loud warning -------------------------
$open = web_server($site);
set_site_url($site, $open['url']);
$run = run_installer(["--site=$site"]);
same(3, $run['status'], 'the install succeeds, and its exit status says the folder is served: ' . json_encode($run));
$dataPath = site_db($site)['objects']['modSystemSetting']['modretailcrm_data_path']['value'] ?? '';
check(preg_match('~^\{core_path\}cache/(modretailcrm-[0-9a-f]{24})/$~', $dataPath, $m) === 1, "a random folder: $dataPath");
$folder = "$site/core/cache/$m[1]";
$url = $open['url'] . "core/cache/$m[1]/";
check(str_contains($run['err'], "WARNING: DANGER: {$url}exposure-check-") && str_contains($run['err'], 'IS SERVED TO ANYONE'),
    'the installer says loudly that the folder is served: ' . $run['err']);
check(str_contains($run['err'], 'location ^~ /core/ { deny all; return 404; }'), 'and what to do on nginx: ' . $run['err']);
same(['.htaccess'], array_values(array_diff(scandir($folder), ['.', '..'])), 'the stand-in file asked for is gone');

// --- the cron CLI's status asks for the real outbox -------------------------------------------
$settings = ['modretailcrm_url' => 'https://crm.example', 'modretailcrm_apiKey' => 'key', 'modretailcrm_siteCode' => 'shop',
    'modretailcrm_data_path' => $dataPath, 'core_path' => "$site/core/", 'base_path' => "$site/", 'site_url' => $open['url']];
[$code, $out, $err] = cli($settings);
same(3, $code, "status exits with 3 while the outbox is served: $err");
$status = json_decode($out, true);
same("$folder/outbox.sqlite", $status['outbox'] ?? null, "the outbox is in the private folder: $out");
same(true, $status['exposure']['served'] ?? null, "status reports the outbox served: $out");
same("{$url}outbox.sqlite", $status['exposure']['url']);
check(str_contains($err, 'WARNING: DANGER: ' . "{$url}outbox.sqlite IS SERVED TO ANYONE"), "and says it on stderr: $err");

/** doctor's checks by name, after asserting its exit code. */
function doctor(array $settings, int $code): array
{
    [$exit, $out, $err] = cli($settings, 'doctor');
    same($code, $exit, "doctor's exit status: $out $err");
    $found = json_decode($out, true);
    check(is_array($found), "doctor prints its checks as JSON: $out");
    return array_column($found, null, 'check');
}

// doctor: the outbox served fails its check; the rest holds against the sandbox.
$crm = ['modretailcrm_url' => env('CRM_URL'), 'modretailcrm_apiKey' => env('CRM_KEY')] + $settings;
$doctor = doctor($crm, 3);
same(['php', 'extension', 'settings', 'outbox', 'delivery', 'crm'], array_keys($doctor), 'every check');
same([true, true, true], [$doctor['php']['ok'], $doctor['extension']['ok'], $doctor['settings']['ok']], json_encode($doctor));
same(false, $doctor['outbox']['ok'], 'the served outbox fails: ' . $doctor['outbox']['detail']);
check(str_contains($doctor['outbox']['detail'], "{$url}outbox.sqlite IS SERVED TO ANYONE"), $doctor['outbox']['detail']);
same(true, $doctor['crm']['ok'], 'the sandbox answers the key: ' . $doctor['crm']['detail']);
check(str_contains($doctor['extension']['detail'], 'built for PHP'), $doctor['extension']['detail']);
// On the command line doctor speaks English: the en lexicon's sentences (the manager page speaks
// the manager's language: manager_api.php).
$en = (function (): array {
    $_lang = [];
    include REPO . '/php-plugin/lexicon/en/default.inc.php';
    return $_lang;
})();
$served = strtr($en['modretailcrm_doctor_exposure_served'], ['[[+url]]' => "{$url}outbox.sqlite",
    '[[+nginx]]' => 'location ^~ /core/ { deny all; return 404; }']);
check(str_ends_with($doctor['outbox']['detail'], "; $served"), $doctor['outbox']['detail']);
$delivery = implode('; ', [strtr($en['modretailcrm_doctor_sent_after_response'], ['[[+mode]]' => 'deferred']),
    $en['modretailcrm_doctor_poll_on'], $en['modretailcrm_doctor_nothing_waits']]);
same($delivery, $doctor['delivery']['detail']);
same('each change is sent after the response that made it (deferred); retries and CRM changes also run after pages,'
    . ' at most once a minute; nothing waits', $delivery, 'in English');
// A wrong key: the CRM check fails, and the key is not in what doctor prints.
$wrong = doctor(['modretailcrm_apiKey' => 'wrong-key-1234567'] + $crm, 3);
same(false, $wrong['crm']['ok'], $wrong['crm']['detail']);
check(!str_contains(json_encode($wrong), 'wrong-key-1234567'), 'the key is never printed: ' . json_encode($wrong));
// Without the extension, doctor still answers, and says so.
[$exit, $out] = cli($crm, 'doctor', false);
same(3, $exit, "doctor without the extension: $out");
$found = array_column((array) json_decode($out, true), null, 'check');
same(['php', 'extension'], array_keys($found), $out);
same(false, $found['extension']['ok'], $found['extension']['detail']);
// The manager page asks in the manager's language (ManagerApi gives the doctor its lexicon).
$inRussian = fn(string $siteUrl) => PrivateFolder::exposure($folder, "$site/", $siteUrl, Lexicon::of('ru'))['message'];
same("ОПАСНО: {$url}outbox.sqlite ОТДАЁТСЯ ВСЕМ ЖЕЛАЮЩИМ. В очереди имена, e-mail, телефоны и адреса покупателей:"
    . ' немедленно закройте эту папку в настройках веб-сервера (Apache: для её .htaccess нужен AllowOverride;'
    . ' nginx: location ^~ /core/ { deny all; return 404; })', $inRussian($open['url']));
stop_server($open);

// --- behind a server that denies core/: no warning ---------------------------------------------
$closed = web_server($site, $deny);
set_site_url($site, $closed['url']);
$again = run_installer(["--site=$site"]);
same([0, ''], [$again['status'], $again['err']], 'no warning: ' . json_encode($again));
// The outbox exists now (status opened it): the installer asks for it.
check(str_contains($again['out'], $closed['url'] . "core/cache/$m[1]/outbox.sqlite is not served (HTTP 404)"),
    'the installer says the outbox is not served: ' . $again['out']);
check(str_contains($again['out'], 'nothing changed'), 'nothing else changed: ' . $again['out']);
[$code, $out, $err] = cli(['site_url' => $closed['url']] + $settings);
same([0, ''], [$code, $err], 'status without a warning');
$status = json_decode($out, true);
same([false, $closed['url'] . "core/cache/$m[1]/outbox.sqlite"], [$status['exposure']['served'] ?? null, $status['exposure']['url'] ?? null],
    "not served: $out");
// doctor after the deny rule: every check holds.
$doctor = doctor(['site_url' => $closed['url']] + $crm, 0);
same(true, $doctor['outbox']['ok'], $doctor['outbox']['detail']);
check(str_contains($doctor['outbox']['detail'], 'is not served (HTTP 404)'), $doctor['outbox']['detail']);
same("веб-сервер не отдаёт {$closed['url']}core/cache/$m[1]/outbox.sqlite (HTTP 404)", $inRussian($closed['url']));
stop_server($closed);

// --- uninstall keeps the folder with its outbox; installing again finds it ----------------------
$removed = run_installer(["--site=$site", '--uninstall']);
same(0, $removed['status'], json_encode($removed));
check(is_file("$folder/outbox.sqlite"), 'uninstall keeps the outbox');
$out = install($site);
same($dataPath, site_db($site)['objects']['modSystemSetting']['modretailcrm_data_path']['value'] ?? null,
    "installing again uses the folder with the outbox: $out");
check(str_contains($out, "kept the private folder {core_path}cache/$m[1]/ of an earlier install"), $out);

// --- an older outbox in core/cache/modretailcrm/ is kept, protected, and said --------------------
$older = fake_site();
mkdir("$older/core/cache/modretailcrm", 0700);
file_put_contents("$older/core/cache/modretailcrm/outbox.sqlite", "SQLite format 3\0 queued changes");
$out = install($older);
same('{core_path}cache/modretailcrm/', site_db($older)['objects']['modSystemSetting']['modretailcrm_data_path']['value'] ?? null,
    'the older folder is kept');
check(str_contains($out, "kept the outbox in $older/core/cache/modretailcrm/"), "the owner learns why and how to move it: $out");
same("SQLite format 3\0 queued changes", file_get_contents("$older/core/cache/modretailcrm/outbox.sqlite"), 'the queue is untouched');
check(str_contains((string) file_get_contents("$older/core/cache/modretailcrm/.htaccess"), 'Require all denied'), 'and denied on Apache');
// --- run as root on a site of another user: the folder is the site user's, so PHP can write it ---
if (trim((string) shell_exec('id -u')) === '0') {
    $owned = fake_site();
    chown("$owned/core/cache", 65534);
    chgrp("$owned/core/cache", 65534);
    install($owned);
    $value = site_db($owned)['objects']['modSystemSetting']['modretailcrm_data_path']['value'] ?? '';
    $made = str_replace('{core_path}', "$owned/core/", $value);
    clearstatcache();
    same([65534, 65534, 65534, 65534], [fileowner($made), filegroup($made), fileowner("$made.htaccess"), filegroup("$made.htaccess")],
        'the private folder and its .htaccess belong to the site\'s user');
}
done();
