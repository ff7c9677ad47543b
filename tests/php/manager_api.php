<?php
// The manager page's connector (lib/ManagerApi.php) over the MODX harness and the sandbox:
// every action, the token and the permission checked first, bad inputs answered with a readable
// message (never a PHP warning: lib.php fails on one), the codes saved into miniShop2's rows,
// a dead letter retried (and delivered at once) or discarded, the mapping check's findings, the
// log's tail with the key masked.
require __DIR__ . '/lib.php';
require __DIR__ . '/modx/harness.php';
require dirname(__DIR__, 2) . '/php-plugin/lib/ManagerApi.php';

use ModRetailCrm\Plugin\ManagerApi;

$dir = temp_dir();
$config = settings($dir, ['manager_language' => 'en']);
$modx = new modX($config);
$modx->user = new modUserStub('token-1');
$modx->permissions = ['settings'];
give_crm_codes($modx); // delivery 2 courier, payment 2 bank-card, statuses 1-4; status 5 (Draft) has none
$modx->store(new xPDOObjectStub('msDeliveryMember', ['id' => 1, 'delivery_id' => 2, 'payment_id' => 2]));

$lexicon = (function (): array {
    $_lang = [];
    include dirname(__DIR__, 2) . '/php-plugin/lexicon/en/default.inc.php';
    return $_lang;
})();
$call = fn(array $properties, ?string $token = 'token-1') => ManagerApi::handle($modx, $properties, $token);
$ok = function (array $properties) use ($call) {
    $answer = $call($properties);
    check($answer['success'] === true, json_encode($properties) . ' succeeds: ' . json_encode($answer));
    return $answer['object'];
};
$refused = function (array $properties, string $message, ?string $token = 'token-1') use ($call) {
    same(['success' => false, 'message' => $message, 'object' => null], $call($properties, $token),
        json_encode($properties) . ' is refused');
};

// The CRM's courier takes cash only; the site offers its card payment with the courier.
control('POST', 'references/delivery-types', ['code' => 'courier', 'name' => 'Courier', 'active' => true,
    'paymentTypes' => [['code' => 'cash', 'cod' => true]]]);

// Nothing without the session's token and the settings permission.
$refused(['do' => 'status'], $lexicon['modretailcrm_page_err_token'], null);
$refused(['do' => 'status'], $lexicon['modretailcrm_page_err_token'], 'token-2');
$refused(['do' => 'status'], $lexicon['modretailcrm_page_err_token'], '');
$modx->permissions = ['view_document'];
$refused(['do' => 'status'], $lexicon['modretailcrm_page_err_permission']);
$refused(['do' => 'save', 'book' => 'delivery', 'id' => '2', 'code' => 'x'], $lexicon['modretailcrm_page_err_permission']);
$modx->permissions = ['settings'];
$refused([], $lexicon['modretailcrm_page_err_action']);
$refused(['do' => 'integration'], $lexicon['modretailcrm_page_err_action']);
$refused(['do' => ['status']], $lexicon['modretailcrm_page_err_action']);

// Health: the outbox's figures are status()'s, with a dead letter and its CRM errors.
$shop = new ModRetailCrm\Integration($config);
$shop->enqueue('customer.create', ['externalId' => '17']);
$bad = $shop->enqueue('order.create', order_payload('900-1', '17', ['delivery' => ['code' => 'teleport', 'cost' => 1]]))['id'];
$other = $shop->enqueue('order.create', order_payload('900-2', '17', ['delivery' => ['code' => 'hyperloop', 'cost' => 1]]))['id'];
same(2, $shop->flush(5)['dead']);
$health = $ok(['do' => 'status']);
$status = $shop->status();
foreach (['pending', 'dead', 'delivered', 'delivered_last_day', 'last_success_at', 'log_file'] as $figure) {
    same($status[$figure], $health['status'][$figure], "the page's $figure is status()'s");
}
same(1, $health['status']['delivered_last_day'], 'the customer was delivered today');
same([$bad, $other], array_column($health['status']['dead_letters'], 'id'), 'the dead letters');
same('Delivery type "teleport" does not exist.', $health['status']['dead_letters'][0]['details']['errors']['delivery.code']);
same(['url' => env('CRM_URL'), 'site' => 'shop', 'key_set' => true], $health['connection']);
same(true, $health['extension']);
same('queue', $health['send_mode']);
same(['php', 'extension', 'settings', 'outbox', 'delivery', 'crm'], array_column($health['doctor'], 'check'), 'the doctor\'s checks');

// The doctor speaks the manager's language: the same checks and verdicts, each detail the
// lexicon's sentence with the facts filled in (the command line's doctor stays English:
// private_folder.php). The outbox's folder is outside the site's files here.
$modx->config['base_path'] = "$dir/web/";
$doctor = function (string $language) use ($modx): array {
    $manager = new modX(['manager_language' => $language] + $modx->config, $modx->rows());
    $manager->user = new modUserStub("token-$language");
    $manager->permissions = ['settings'];
    $answer = ManagerApi::handle($manager, ['do' => 'status'], "token-$language");
    $GLOBALS['modx'] = $modx; // a new modX makes itself the global $modx
    check($answer['success'] === true, "the $language status: " . json_encode($answer));
    return array_column($answer['object']['doctor'], null, 'check');
};
$en = $doctor('en');
$ru = $doctor('ru');
same(array_keys($en), array_keys($ru), 'the same checks in both languages');
same(array_column($en, 'ok'), array_column($ru, 'ok'), 'the same verdicts in both languages');
foreach ($ru as $name => $check) {
    check($check['detail'] !== $en[$name]['detail'], "the ru $name check is not the English one: {$check['detail']}");
}
// php -n has no posix: the doctor cannot name users, and says so in the page's language.
check(!extension_loaded('posix'), 'run by php -n, without posix');
$owner = 'uid ' . fileowner($dir);
$mode = sprintf('%o', fileperms($dir) & 0777);
$methods = count($ok(['do' => 'credentials'])['methods']);
$threads = PHP_ZTS ? 'ZTS' : 'NTS';
same("$dir/outbox.sqlite: writable by this user (its folder: owner $owner, mode $mode; the web server's user must write it);"
    . " $dir is outside the web root $dir/web/: not served", $en['outbox']['detail']);
same("$dir/outbox.sqlite: доступен на запись для текущего пользователя (папка: владелец $owner, права $mode; писать в неё должен"
    . " пользователь веб-сервера); папка $dir лежит вне корня сайта $dir/web/: веб-сервер её не отдаёт", $ru['outbox']['detail']);
same('changes wait for cron (queue); retries and CRM changes also run after pages, at most once a minute; nothing waits',
    $en['delivery']['detail']);
same('изменения ждут cron (queue); повторы и изменения из CRM выполняются и после страниц, не чаще раза в минуту;'
    . ' ничего не ждёт отправки', $ru['delivery']['detail']);
same(env('CRM_URL') . " answers; the key may call $methods methods; store shop is available to it", $en['crm']['detail']);
same(env('CRM_URL') . " отвечает; ключу доступно методов API: $methods; магазин shop ему открыт", $ru['crm']['detail']);
same('the integration is configured (url, key, site code)', $en['settings']['detail']);
same('интеграция настроена (адрес, ключ, код магазина)', $ru['settings']['detail']);
same(sprintf('PHP %s (%s, %s); у веб-сервера свой PHP — проверьте и его', PHP_VERSION, PHP_SAPI, $threads), $ru['php']['detail']);
check(str_starts_with($ru['extension']['detail'], 'modretailcrm ' . phpversion('modretailcrm') . ', собрано для PHP ')
    && str_ends_with($ru['extension']['detail'], ', загружено из ' . ini_get('extension_dir')), $ru['extension']['detail']);
// The outbox inside the site's files, without a site_url to ask: PrivateFolder's words too.
$modx->config['base_path'] = dirname($dir) . '/';
same('; не задан site_url: нельзя проверить по HTTP, отдаёт ли веб-сервер очередь',
    strstr($doctor('ru')['outbox']['detail'], '; не задан'), 'the ru exposure note');
same('; no site_url to check over HTTP whether the outbox is served', strstr($doctor('en')['outbox']['detail'], '; no site_url'));
unset($modx->config['base_path']);

// The catalogue: the file's facts, and the last export's figures once an export kept them in the
// private folder (the icml snippet and the cron command do, through IcmlCatalog::remember).
$modx->config['assets_path'] = "$dir/assets/";
$modx->config['modretailcrm_data_path'] = '{core_path}private/';
$modx->config['core_path'] = "$dir/core/";
mkdir("$dir/assets/modretailcrm", 0700, true);
mkdir("$dir/core/private", 0700, true);
$icmlFile = "$dir/assets/modretailcrm/icml.xml";
file_put_contents($icmlFile, '<yml_catalog/>');
$icml = $ok(['do' => 'status'])['icml'];
same([$icmlFile, 14], [$icml['file'], $icml['bytes']], 'the file as it is');
check(!array_key_exists('offers', $icml), 'no export kept its figures yet: ' . json_encode($icml));
check(ModRetailCrm\Plugin\IcmlCatalog::remember($modx->config, ['path' => $icmlFile, 'categories' => 2, 'offers' => 7,
    'bytes' => 14, 'changed' => false, 'products' => 5], 1796553600), 'the summary is kept');
same('0600', substr(sprintf('%o', fileperms("$dir/core/private/icml-last.json")), -4), 'only for the owner');
$icml = $ok(['do' => 'status'])['icml'];
same([1796553600, 7, false], [$icml['run_at'], $icml['offers'], $icml['changed']], 'the last export\'s figures');
ModRetailCrm\Plugin\IcmlCatalog::remember($modx->config, ['path' => "$dir/assets/other.xml", 'offers' => 1], 1796553700);
check(!array_key_exists('offers', $ok(['do' => 'status'])['icml']), 'the figures of an export to another file are not shown');
check(!str_contains(json_encode($health), env('CRM_KEY')), 'the key is not in the answer');

// Retry and discard take one positive id; a retried letter is delivered at once.
foreach (['0', '-3', 'abc', '1.5', '', ' 4', '99999999999999999999', null] as $id) {
    $refused(['do' => 'retry', 'id' => $id], $lexicon['modretailcrm_page_err_id']);
    $refused(['do' => 'discard', 'id' => $id], $lexicon['modretailcrm_page_err_id']);
}
$refused(['do' => 'retry', 'id' => ['1']], $lexicon['modretailcrm_page_err_id']);
same(['success' => false, 'message' => 'OutboxException: there is no outbox record 4242', 'object' => null],
    $call(['do' => 'retry', 'id' => '4242']), 'an id that is no record says so');
control('POST', 'references/delivery-types', ['code' => 'teleport', 'name' => 'Teleport']);
$retried = $ok(['do' => 'retry', 'id' => (string) $bad]);
same(1, $retried['retried']);
same(1, $retried['flush']['delivered'], 'delivered at once');
check(in_array('900-1', array_column(crm_state()['orders'], 'externalId'), true), 'the retried order is in the CRM');
$missing = $call(['do' => 'discard', 'id' => '4242']);
check($missing['success'] === false && str_contains($missing['message'], '4242'), 'discarding no record says so: ' . json_encode($missing));
same(['discarded' => $other], $ok(['do' => 'discard', 'id' => (string) $other]));
same([0, 0], [$shop->status()['dead'], $shop->status()['pending']], 'nothing is left');

// Check connection: the key's methods and stores.
$connection = $ok(['do' => 'credentials']);
check(count($connection['methods']) > 10, 'the key may call the API: ' . json_encode($connection));
same(['shop', true], [$connection['site'], $connection['site_ok']]);

// The dropdowns: the CRM's books, the sandbox's codes in its order.
same(['courier', 'self-delivery', 'russian-post', 'teleport'], array_column($ok(['do' => 'reference', 'book' => 'delivery']), 'code'));
same(['cash', 'bank-card', 'e-money'], array_column($ok(['do' => 'reference', 'book' => 'payment']), 'code'));
foreach (['', 'deliveries', 'delivery-types', null] as $book) {
    $refused(['do' => 'reference', 'book' => $book], $lexicon['modretailcrm_page_err_book']);
}

// Mapping: the site's references with their codes, the CRM's options and the check's findings.
$mapping = $ok(['do' => 'mapping']);
same([['id' => 2, 'name' => 'Courier', 'active' => true, 'retailcrm_delivery_code' => 'courier', 'payments' => [2]]],
    $mapping['site']['deliveries']);
same([5, 1, 2, 3, 4], array_column($mapping['site']['statuses'], 'id'), 'by rank, as miniShop2 lists them');
same([], $mapping['errors']);
same(['code' => 'courier', 'name' => 'Courier', 'active' => true], $mapping['crm']['delivery'][0]);
$summary = fn(array $findings) => array_map(fn(array $f) => [$f['rule'], $f['book'], $f['id'], $f['other']['id'] ?? null], $findings);
same([['payment_not_allowed', 'delivery', 2, 2], ['no_code', 'status', 5, null]], $summary($mapping['findings']));

// Saving a code writes the column; a check after it sees it.
same(['book' => 'delivery', 'id' => 2, 'code' => 'self-delivery'],
    $ok(['do' => 'save', 'book' => 'delivery', 'id' => '2', 'code' => ' self-delivery ']));
same('self-delivery', $modx->getObject('msDelivery', 2)->get('retailcrm_delivery_code'));
$ok(['do' => 'save', 'book' => 'status', 'id' => '5', 'code' => 'new']);
same([['duplicate_status', 'status', 1, 5]], $summary($ok(['do' => 'check'])), 'the status code used twice');
same(['book' => 'status', 'id' => 5, 'code' => null], $ok(['do' => 'save', 'book' => 'status', 'id' => '5', 'code' => '']));
same(null, $modx->getObject('msOrderStatus', 5)->get('retailcrm_status_code'), 'an empty code clears the column');
$ok(['do' => 'save', 'book' => 'payment', 'id' => '2', 'code' => 'bank_card']);
same([['unknown_code', 'payment', 2, null], ['no_code', 'status', 5, null]], $summary($ok(['do' => 'check'])));
foreach (['bad code', "new\nx", 'код', str_repeat('a', 256), '-x', ['new']] as $code) {
    $refused(['do' => 'save', 'book' => 'status', 'id' => '1', 'code' => $code], $lexicon['modretailcrm_page_err_code']);
}
$refused(['do' => 'save', 'book' => 'status', 'id' => '77', 'code' => 'new'], 'There is no such entry (id 77).');
$refused(['do' => 'save', 'book' => 'order', 'id' => '1', 'code' => 'new'], $lexicon['modretailcrm_page_err_book']);
$refused(['do' => 'save', 'book' => 'status', 'id' => 'x', 'code' => 'new'], $lexicon['modretailcrm_page_err_id']);
same('new', $modx->getObject('msOrderStatus', 1)->get('retailcrm_status_code'), 'a refused save changed nothing');

// The CRM's books are read once a minute: the dropdown, the mapping and three checks asked once.
$asked = array_filter(control('GET', 'requests')['requests'], fn(array $r) => str_ends_with($r['path'], 'reference/delivery-types'));
same(1, count($asked), 'delivery types read once: ' . json_encode(array_values($asked)));
// Another key of the same CRM gets no answer read with this one.
$stranger = new modX(settings($dir, ['modretailcrm_apiKey' => 'not-the-sandbox-key', 'manager_language' => 'en']), $modx->rows());
$stranger->user = new modUserStub('s');
$stranger->permissions = ['settings'];
$refusal = ManagerApi::handle($stranger, ['do' => 'reference', 'book' => 'delivery'], 's');
check($refusal['success'] === false && str_starts_with($refusal['message'], 'ApiException: '), json_encode($refusal));

// The log: its last 200 lines, the key masked wherever it stands.
$log = $config['modretailcrm_log_file'];
$lines = [];
for ($n = 1; $n <= 250; $n++) {
    $lines[] = "line $n";
}
$lines[] = "not UTF-8: \xff &amp;";
$lines[] = 'GET /api/v5/credentials?apiKey=' . env('CRM_KEY') . ' 200';
$lines[] = '{"apiKey": "' . env('CRM_KEY') . '"} key ' . env('CRM_KEY');
file_put_contents($log, implode("\n", $lines) . "\n", FILE_APPEND);
$tail = $ok(['do' => 'log']);
same($log, $tail['file']);
same(200, count($tail['lines']));
same('line 54', $tail['lines'][0]);
same("not UTF-8: \u{FFFD} &amp;", $tail['lines'][197], 'a byte that is not UTF-8 is replaced, the rest kept');
same(['GET /api/v5/credentials?apiKey=*** 200', '{"apiKey": "***"} key ***'], array_slice($tail['lines'], -2));
check(!str_contains(json_encode($tail), env('CRM_KEY')), 'the key is in no line');

// A CRM that does not answer: readable messages, nothing thrown.
$down = new modX(settings($dir, ['modretailcrm_url' => 'http://127.0.0.1:9', 'manager_language' => 'en']), $modx->rows());
$down->user = new modUserStub('t');
$down->permissions = ['settings'];
$answer = ManagerApi::handle($down, ['do' => 'credentials'], 't');
check($answer['success'] === false && str_starts_with($answer['message'], 'TransportException: '), json_encode($answer));
$mapping = ManagerApi::handle($down, ['do' => 'mapping'], 't')['object'];
same(['delivery', 'payment', 'status'], array_keys($mapping['errors']), 'each book says why it is missing');
same(null, $mapping['findings']);
same(5, count($mapping['site']['statuses']), 'the site\'s references are still shown');
done();
