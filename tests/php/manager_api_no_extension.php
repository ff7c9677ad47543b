<?php
// The manager page's connector on a site whose PHP lacks the extension: what can be shown is
// (the settings, the site's references, the doctor's verdict on the extension), with the
// notice why; whatever needs the CRM or changes something is refused with it, and nothing
// changes. Run with `php -n`: no extension.
require __DIR__ . '/lib.php';
require __DIR__ . '/modx/harness.php';
require dirname(__DIR__, 2) . '/php-plugin/lib/ManagerApi.php';

use ModRetailCrm\Plugin\ManagerApi;

check(!extension_loaded('modretailcrm'), 'run without the extension');
$modx = new modX(['modretailcrm_url' => 'https://shop.retailcrm.ru', 'modretailcrm_apiKey' => 'k',
    'modretailcrm_siteCode' => 'shop', 'manager_language' => 'ru']);
$modx->user = new modUserStub('token');
$modx->permissions = ['settings'];
give_crm_codes($modx);
$lexicon = (function (): array {
    $_lang = [];
    include dirname(__DIR__, 2) . '/php-plugin/lexicon/ru/default.inc.php';
    return $_lang;
})();

$status = ManagerApi::handle($modx, ['do' => 'status'], 'token');
same(true, $status['success']);
same(false, $status['object']['extension']);
same(null, $status['object']['status']);
same(['url' => 'https://shop.retailcrm.ru', 'site' => 'shop', 'key_set' => true], $status['object']['connection']);
same(['php', 'extension'], array_column($status['object']['doctor'], 'check'));
same(false, $status['object']['doctor'][1]['ok'], 'the doctor says the extension is missing');
same('расширение modretailcrm не загружено в этот PHP (' . (php_ini_loaded_file() ?: $lexicon['modretailcrm_doctor_no_php_ini'])
    . '): см. README, раздел «Installing»', $status['object']['doctor'][1]['detail'], 'in the manager\'s language');

$mapping = ManagerApi::handle($modx, ['do' => 'mapping'], 'token');
same(true, $mapping['success']);
same(['extension' => $lexicon['modretailcrm_page_no_extension']], $mapping['object']['errors']);
same('courier', $mapping['object']['site']['deliveries'][0]['retailcrm_delivery_code'], 'the site\'s codes are shown');
same(['success' => true, 'message' => '', 'object' => ['file' => null, 'lines' => []]],
    ManagerApi::handle($modx, ['do' => 'log'], 'token'));

foreach (['save' => ['book' => 'delivery', 'id' => '2', 'code' => 'self-delivery'], 'retry' => ['id' => '1'], 'discard' => ['id' => '1']] as $action => $input) {
    same(['success' => false, 'message' => $lexicon['modretailcrm_page_read_only'], 'object' => null],
        ManagerApi::handle($modx, ['do' => $action] + $input, 'token'), "$action is refused: read-only");
}
foreach (['credentials', 'reference', 'check'] as $action) {
    same(['success' => false, 'message' => $lexicon['modretailcrm_page_no_extension'], 'object' => null],
        ManagerApi::handle($modx, ['do' => $action, 'book' => 'delivery'], 'token'), "$action needs the extension");
}
same('courier', $modx->getObject('msDelivery', 2)->get('retailcrm_delivery_code'), 'nothing changed');
same(false, ManagerApi::handle($modx, ['do' => 'status'], 'wrong')['success'], 'the token is still checked');
$config = ManagerApi::pageConfig($modx, '/connector.php');
same(['/connector.php', 'token', false], [$config['connector'], $config['token'], $config['extension']]);
same('Проверить подключение', $config['lang']['check_connection'], 'the page speaks the manager\'s language');
done();
