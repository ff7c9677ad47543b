<?php
// The lexicons: en and ru define the same keys with the same [[+placeholders]]; every setting
// the installer creates has a name and a description (setting_<key>, setting_<key>_desc, which
// MODX 2.8's settings grid reads from the namespace's default topic) and its area a title in
// both; the manager script's keys exist.
// (That the extension reads exactly the table's settings is config::table's Rust test.)
// After an install, MODX finds the topic through the namespace.
require __DIR__ . '/install_lib.php';

function lexicon(string $language): array
{
    $_lang = [];
    include REPO . "/php-plugin/lexicon/$language/default.inc.php";
    check($_lang !== [], "the $language lexicon defines entries");
    return $_lang;
}

$en = lexicon('en');
$ru = lexicon('ru');
$enKeys = array_keys($en);
$ruKeys = array_keys($ru);
sort($enKeys);
sort($ruKeys);
same($enKeys, $ruKeys, 'en and ru define the same keys');
// The same placeholders in both languages: a translation fills in every fact the English does.
$placeholders = function (string $text): array {
    preg_match_all('/\[\[\+([a-z_]+)\]\]/', $text, $m);
    $names = $m[1];
    sort($names);
    return $names;
};
foreach ($en as $key => $text) {
    same($placeholders($text), $placeholders((string) ($ru[$key] ?? '')), "en and ru $key have the same placeholders");
}
check(count(preg_grep('/^modretailcrm_doctor_/', $enKeys)) >= 20, 'the doctor\'s sentences are in the lexicon');
foreach (['en' => $en, 'ru' => $ru] as $language => $entries) {
    foreach ($entries as $key => $text) {
        check(is_string($text) && trim($text) !== '', "$language $key is a text");
    }
    foreach (installer_settings() as $key => $definition) {
        check(isset($entries["setting_$key"], $entries["setting_{$key}_desc"]), "$language names and describes $key");
        check(isset($entries["area_{$definition['area']}"]), "$language titles the area {$definition['area']}");
    }
}
check($ru['setting_modretailcrm_url'] !== $en['setting_modretailcrm_url'], 'ru is translated');

// The manager script's lexicon keys: _('…') and the help keys of its fields.
$script = file_get_contents(REPO . '/php-plugin/assets/js/mgr/crm-codes.js');
preg_match_all("/_\\('([a-z0-9_]+)'\\)|help: '([a-z0-9_]+)'/", $script, $m);
$jsKeys = array_filter(array_merge($m[1], $m[2]));
check(count($jsKeys) >= 4, 'the script uses lexicon keys: ' . json_encode($jsKeys));
foreach ($jsKeys as $key) {
    check(isset($en[$key]), "the lexicon has the script's $key");
}

// After an install MODX loads the topic from the namespace's path.
$site = fake_site();
install($site);
require "$site/config.core.php";
require MODX_CORE_PATH . 'model/modx/modx.class.php';
$modx = new modX();
check($modx->initialize('mgr'), 'the installed fake site starts');
$modx->lexicon->load('en:modretailcrm:default');
foreach (installer_settings() as $key => $definition) {
    check($modx->lexicon->exists("setting_$key"), "MODX finds setting_$key");
}
same($en['modretailcrm_crm_code'], $modx->lexicon('modretailcrm_crm_code'), 'MODX translates the column title');
done();
