<?php
// The settings table (php-plugin/install/settings.json) and its generator (scripts/settings.php):
// the repository's lexicons and README are what the table gives; on a temp copy of those files,
// a row added to the table is stale until the generator runs, which then writes its names and
// descriptions into both lexicons and README and nothing else, and the installer's reader
// (install/settings.php) creates it; a generated line edited by hand, a description naming
// another default and a missing marker are refused.
require __DIR__ . '/install_lib.php';

const FILES = ['php-plugin/install/settings.json', 'php-plugin/install/settings.php',
    'php-plugin/lexicon/en/default.inc.php', 'php-plugin/lexicon/ru/default.inc.php', 'README.md'];

/** Runs the generator with $args; ['status' => exit code, 'out' => stdout, 'err' => stderr]. */
function generator(array $args): array
{
    $command = array_merge([PHP_BINARY, '-n', REPO . '/scripts/settings.php'], $args);
    $process = proc_open($command, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
    check(is_resource($process), 'the generator starts');
    $out = stream_get_contents($pipes[1]);
    $err = stream_get_contents($pipes[2]);
    fclose($pipes[1]);
    fclose($pipes[2]);
    return ['status' => proc_close($process), 'out' => $out, 'err' => $err];
}

/** The text of $file outside its generated block (the lines between the two <settings> markers). */
function hand_written(string $file): string
{
    return preg_replace('/(<settings>[^\n]*\n).*?(\n[^\n]*<\/settings>)/s', '$1$2', file_get_contents($file));
}

function lexicon_of(string $root, string $language): array
{
    $_lang = [];
    include "$root/php-plugin/lexicon/$language/default.inc.php";
    return $_lang;
}

$run = generator(['--check']);
same(0, $run['status'], 'the repository is what its table gives: ' . json_encode($run));

$copy = temp_dir();
foreach (FILES as $file) {
    check(is_dir(dirname("$copy/$file")) || mkdir(dirname("$copy/$file"), 0700, true), "a folder for $file");
    check(copy(REPO . "/$file", "$copy/$file"), "$file is copied");
}
same(0, generator(['--check', "--root=$copy"])['status'], 'the copy is current');

// A new setting: one row.
$table = json_decode(file_get_contents("$copy/php-plugin/install/settings.json"), true, 16, JSON_THROW_ON_ERROR);
$table['settings'][] = ['name' => 'modretailcrm_gift_wrap', 'area' => 'modretailcrm_shop', 'xtype' => 'combo-boolean',
    'default' => '1', 'read_by' => 'php-plugin',
    'en' => ['name' => 'Gift wrap', 'description' => "Yes: offer a gift wrap (the shop's | own)."],
    'ru' => ['name' => 'Подарочная упаковка', 'description' => 'Да: предлагать упаковку (по умолчанию 1).']];
file_put_contents("$copy/php-plugin/install/settings.json", json_encode($table, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE));
$before = array_map(fn(string $file) => hand_written("$copy/$file"), array_combine(FILES, FILES));

$run = generator(['--check', "--root=$copy"]);
same(1, $run['status'], 'a row without regeneration is stale');
foreach (['php-plugin/lexicon/en/default.inc.php', 'php-plugin/lexicon/ru/default.inc.php', 'README.md'] as $file) {
    check(str_contains($run['err'], "$file differs from the table"), "the check names $file: {$run['err']}");
}
check(hand_written("$copy/README.md") === $before['README.md'], '--check changes nothing');

$run = generator(["--root=$copy"]);
same(0, $run['status'], 'the generator runs: ' . json_encode($run));
same(0, generator(['--check', "--root=$copy"])['status'], 'then the copy is current');
foreach (['en' => $table['settings'][array_key_last($table['settings'])]['en'],
    'ru' => $table['settings'][array_key_last($table['settings'])]['ru']] as $language => $texts) {
    $entries = lexicon_of($copy, $language);
    same([$texts['name'], $texts['description']],
        [$entries['setting_modretailcrm_gift_wrap'] ?? null, $entries['setting_modretailcrm_gift_wrap_desc'] ?? null],
        "the $language lexicon names and describes the new setting");
}
check(str_contains(file_get_contents("$copy/README.md"),
    "| `modretailcrm_gift_wrap` | yes/no | `yes` | Gift wrap: Yes: offer a gift wrap (the shop's \\| own). |\n"),
    "README's table has the new setting's line, its | escaped");
foreach (FILES as $file) {
    same($before[$file], hand_written("$copy/$file"), "$file outside its generated lines is kept");
}
$installed = (static fn(string $file) => require $file)("$copy/php-plugin/install/settings.php");
same(['xtype' => 'combo-boolean', 'area' => 'modretailcrm_shop', 'value' => '1'], $installed['modretailcrm_gift_wrap'] ?? null,
    'the installer creates the new setting');
same(array_column($table['settings'], 'name'), array_keys($installed), 'the installer creates the rows, in order');

// A generated line edited by hand.
$ru = "$copy/php-plugin/lexicon/ru/default.inc.php";
$lines = explode("\n", file_get_contents($ru));
$at = array_key_first(array_filter($lines, fn(string $line) => str_starts_with($line, "\$_lang['setting_modretailcrm_log_file']")));
$lines[$at] = "\$_lang['setting_modretailcrm_log_file'] = 'Журнал';";
file_put_contents($ru, implode("\n", $lines));
$run = generator(['--check', "--root=$copy"]);
same(1, $run['status'], 'a hand edit is stale');
check(str_contains($run['err'], 'php-plugin/lexicon/ru/default.inc.php differs from the table from line ' . ($at + 1) . ' on'),
    "the check says where: {$run['err']}");
same(0, generator(["--root=$copy"])['status'], 'the generator puts the line back');
same(lexicon_of(REPO, 'ru')['setting_modretailcrm_log_file'], lexicon_of($copy, 'ru')['setting_modretailcrm_log_file'],
    'the line is the table\'s again');

// A description that names another default than the row's.
$table['settings'][0]['en']['description'] .= ' (default 7)';
file_put_contents("$copy/php-plugin/install/settings.json", json_encode($table));
$run = generator(['--check', "--root=$copy"]);
same(1, $run['status'], 'a description naming another default is refused');
check(str_contains($run['err'], 'row 1 (modretailcrm_url): the en description says the default is 7, the table says ""'),
    "the check names the row: {$run['err']}");

// A file without its markers.
array_pop($table['settings']);
$table['settings'][0]['en']['description'] = substr($table['settings'][0]['en']['description'], 0, -strlen(' (default 7)'));
file_put_contents("$copy/php-plugin/install/settings.json", json_encode($table));
file_put_contents("$copy/README.md", str_replace('<!-- </settings> -->', '', file_get_contents("$copy/README.md")));
$run = generator(["--root=$copy"]);
same(1, $run['status'], 'a file without its markers is refused');
check(str_contains($run['err'], 'README.md needs one line'), "the message says what is missing: {$run['err']}");
done();
