<?php
// The shop behind the manager page in the browser test and the demo: the MODX harness (the
// captured miniShop2 data with its CRM codes, the courier offering the card payment) whose rows
// last from one HTTP request to the next in $PAGE_DIR/db.json, the integration's settings
// (outbox and log in $PAGE_DIR, the CRM at $CRM_URL with $CRM_KEY), and a manager user with the
// settings permission and the session token PAGE_TOKEN.

declare(strict_types=1);

require_once __DIR__ . '/modx/harness.php';
require_once dirname(__DIR__, 2) . '/php-plugin/lib/ManagerApi.php';

/** The HTTP_MODAUTH token of the manager's session. */
const PAGE_TOKEN = 'page-test-token';

/** The folder of the site's state, from $PAGE_DIR. */
function page_dir(): string
{
    $dir = getenv('PAGE_DIR');
    if (!is_string($dir) || !is_dir($dir)) {
        throw new RuntimeException('PAGE_DIR must name an existing folder');
    }
    return $dir;
}

/** The site's settings: the integration's, and the manager's language ($PAGE_LANGUAGE, default en). */
function page_settings(): array
{
    $dir = page_dir();
    return [
        'modretailcrm_url' => (string) getenv('CRM_URL'),
        'modretailcrm_apiKey' => (string) getenv('CRM_KEY'),
        'modretailcrm_siteCode' => 'shop',
        'modretailcrm_queue_path' => "$dir/outbox.sqlite",
        'modretailcrm_log_file' => "$dir/api.log",
        'modretailcrm_send_mode' => 'queue',
        'modretailcrm_rate_limit' => '0',
        'modretailcrm_timeout' => '5',
        'manager_language' => getenv('PAGE_LANGUAGE') ?: 'en',
    ];
}

/** The site as the last request left it (the first time: the fixtures, mapped). */
function page_site(): modX
{
    $file = page_dir() . '/db.json';
    $rows = is_file($file) ? json_decode((string) file_get_contents($file), true, 512, JSON_THROW_ON_ERROR) : null;
    $modx = new modX(page_settings(), $rows);
    if ($rows === null) {
        give_crm_codes($modx);
        $modx->store(new xPDOObjectStub('msDeliveryMember', ['id' => 1, 'delivery_id' => 2, 'payment_id' => 2]));
    }
    $modx->user = new modUserStub(PAGE_TOKEN);
    $modx->permissions = ['settings'];
    return $modx;
}

/** Keeps the site's rows for the next request. */
function save_page_site(modX $modx): void
{
    file_put_contents(page_dir() . '/db.json', json_encode($modx->rows(), JSON_THROW_ON_ERROR | JSON_PRETTY_PRINT));
}
