<?php
/**
 * modRetailCRM — the shop owner's page in the MODX manager (Extras → RetailCRM): what its
 * connector answers, and what the page is given to start with.
 *
 * MODX runs the calls through the processor processors/mgr/page.class.php behind the connector
 * assets/connector.php; handle() is all that processor does. Every call is checked here again
 * (MODX's connector checks them first): the manager's HTTP_MODAUTH token of the user's session,
 * the `settings` permission, the action and each of its inputs. The work is the extension's
 * (ModRetailCrm\Integration: status(), retry(), discard(), reference(), checkMapping(), and
 * ModRetailCrm\Client::credentials()); this class only reads and writes the miniShop2 rows the
 * page shows (the retailcrm_*_code columns) and the tail of the integration's log. Without the
 * extension the page is read-only: what needs the CRM or changes anything answers with the
 * notice why. Failures are answered as readable messages, never thrown to MODX.
 */

declare(strict_types=1);

namespace ModRetailCrm\Plugin;

require_once __DIR__ . '/Doctor.php';
require_once __DIR__ . '/PrivateFolder.php';
require_once __DIR__ . '/SiteSettings.php';
require_once __DIR__ . '/IcmlCatalog.php';
require_once __DIR__ . '/Lexicon.php';

final class ManagerApi
{
    /** The manager permission a user needs (System settings). */
    public const PERMISSION = 'settings';

    /** The actions of the page's connector. */
    public const ACTIONS = ['status', 'credentials', 'mapping', 'reference', 'check', 'save', 'retry', 'discard', 'log'];

    /** The actions that change something, refused while the extension is missing. */
    private const WRITES = ['save', 'retry', 'discard'];

    /** The actions that need the CRM through the extension. */
    private const NEED_EXTENSION = ['credentials', 'reference', 'check', 'save', 'retry', 'discard'];

    /** book => [miniShop2 class, code column, the CRM's reference book]. */
    public const BOOKS = [
        'delivery' => ['msDelivery', 'retailcrm_delivery_code', 'delivery-types'],
        'payment' => ['msPayment', 'retailcrm_payment_code', 'payment-types'],
        'status' => ['msOrderStatus', 'retailcrm_status_code', 'statuses'],
    ];

    /** The page's element, which assets/js/mgr/page.js fills. */
    public const PAGE_HTML = '<div id="modretailcrm-page"></div>';

    /** How long a click on Retry may deliver, in seconds. */
    private const RETRY_BUDGET = 5;

    /** How many lines of the log the page shows. */
    public const LOG_LINES = 200;

    /** The most of the log's end that is read for them. */
    private const LOG_TAIL_BYTES = 262144;

    /** A RetailCRM symbolic code as the CRM accepts it. */
    private const CODE_PATTERN = '/^[A-Za-z0-9][A-Za-z0-9_.\-]{0,254}$/';

    private ?\ModRetailCrm\Integration $integration = null;

    /** @param \modX $modx */
    private function __construct(private $modx)
    {
    }

    /**
     * One call of the page: `do` (an action of ACTIONS) and its inputs in $properties, $token
     * the HTTP_MODAUTH sent with it. Returns ['success' => bool, 'message' => a readable text,
     * 'object' => the answer].
     *
     * @param \modX $modx
     */
    public static function handle($modx, array $properties, ?string $token): array
    {
        try {
            $expected = is_object($modx->user ?? null) ? (string) $modx->user->getUserToken('mgr') : '';
            if ($expected === '' || $token === null || !hash_equals($expected, $token)) {
                return self::failure(self::text($modx, 'modretailcrm_page_err_token'));
            }
            if (!$modx->hasPermission(self::PERMISSION)) {
                return self::failure(self::text($modx, 'modretailcrm_page_err_permission'));
            }
            $action = $properties['do'] ?? null;
            if (!is_string($action) || !in_array($action, self::ACTIONS, true)) {
                return self::failure(self::text($modx, 'modretailcrm_page_err_action'));
            }
            if (in_array($action, self::NEED_EXTENSION, true) && !extension_loaded('modretailcrm')) {
                return self::failure(self::text($modx, in_array($action, self::WRITES, true)
                    ? 'modretailcrm_page_read_only' : 'modretailcrm_page_no_extension'));
            }
            $api = new self($modx);
            return ['success' => true, 'message' => '', 'object' => $api->$action($properties)];
        } catch (InvalidInput $e) {
            return self::failure(self::text($modx, $e->getMessage(), $e->values));
        } catch (\Throwable $e) {
            return self::failure(self::readable($e));
        }
    }

    /** The HTTP_MODAUTH token this request sent (as a header, else as a field), or null. */
    public static function sentToken(): ?string
    {
        $token = $_SERVER['HTTP_MODAUTH'] ?? $_REQUEST['HTTP_MODAUTH'] ?? null;
        return is_string($token) ? $token : null;
    }

    /**
     * What the page's script starts from (window.ModRetailCrmPage): the connector's address,
     * the token, the texts of the manager's language and whether the extension is loaded.
     *
     * @param \modX $modx
     */
    public static function pageConfig($modx, string $connectorUrl): array
    {
        $texts = [];
        foreach (self::lexicon($modx)->all() as $key => $text) {
            if (strncmp($key, 'modretailcrm_page_', 18) === 0) {
                $texts[substr($key, 18)] = $text;
            }
        }
        return [
            'connector' => $connectorUrl,
            'token' => is_object($modx->user ?? null) ? (string) $modx->user->getUserToken('mgr') : '',
            'extension' => extension_loaded('modretailcrm'),
            'lang' => $texts,
        ];
    }

    // ---------------------------------------------------------------- the actions

    /** The Connection and Health sections: settings, the outbox's status, the doctor's checks (in the manager's language). */
    private function status(array $properties): array
    {
        $settings = $this->settings();
        $answer = [
            'extension' => extension_loaded('modretailcrm'),
            'connection' => [
                'url' => (string) ($settings['modretailcrm_url'] ?? ''),
                'site' => (string) ($settings['modretailcrm_siteCode'] ?? ''),
                'key_set' => trim((string) ($settings['modretailcrm_apiKey'] ?? '')) !== '',
            ],
            'send_mode' => (string) ($settings['modretailcrm_send_mode'] ?? ''),
            'poll_budget' => (string) ($settings['modretailcrm_poll_budget'] ?? ''),
            'icml' => $this->icml(),
            'status' => null,
            'error' => null,
            'doctor' => Doctor::checks($settings, [
                'site_url' => (string) $this->modx->getOption('site_url', null, ''),
                'base_path' => (string) $this->modx->getOption('base_path', null, ''),
            ], self::lexicon($this->modx)),
        ];
        if ($answer['extension']) {
            try {
                $answer['status'] = $this->integration()->status();
                $answer['send_mode'] = $this->integration()->sendMode();
            } catch (\Throwable $e) {
                $answer['error'] = self::readable($e);
            }
        }
        return $answer;
    }

    /** "Check connection": which methods the key may call, and whether the site code is among its stores. */
    private function credentials(array $properties): array
    {
        $settings = $this->settings();
        $client = new \ModRetailCrm\Client((string) ($settings['modretailcrm_url'] ?? ''),
            (string) ($settings['modretailcrm_apiKey'] ?? ''), (string) ($settings['modretailcrm_siteCode'] ?? ''),
            ['timeout' => 10, 'max_retries' => 0]);
        $answer = $client->credentials();
        $site = (string) ($settings['modretailcrm_siteCode'] ?? '');
        $sites = array_map('strval', (array) ($answer['sitesAvailable'] ?? []));
        return [
            'methods' => array_values(array_map('strval', (array) ($answer['credentials'] ?? []))),
            'sites' => $sites,
            'site' => $site,
            'site_ok' => $sites === [] || in_array($site, $sites, true),
        ];
    }

    /**
     * The Mapping section: the site's references with their codes, each book's CRM codes for
     * the dropdowns (or why they could not be read) and the mapping check's findings.
     */
    private function mapping(array $properties): array
    {
        $site = $this->siteReferences();
        $answer = ['site' => $site, 'crm' => [], 'errors' => [], 'findings' => null];
        if (!extension_loaded('modretailcrm')) {
            $answer['errors']['extension'] = self::text($this->modx, 'modretailcrm_page_no_extension');
            return $answer;
        }
        foreach (self::BOOKS as $book => [, , $reference]) {
            try {
                $answer['crm'][$book] = self::options($this->integration()->reference($reference));
            } catch (\Throwable $e) {
                $answer['errors'][$book] = self::readable($e);
            }
        }
        if ($answer['errors'] === []) {
            $answer['findings'] = $this->integration()->checkMapping($site);
        }
        return $answer;
    }

    /** A CRM book's codes for a dropdown: `book` delivery, payment or status. */
    private function reference(array $properties): array
    {
        $book = $this->book($properties);
        return self::options($this->integration()->reference(self::BOOKS[$book][2]));
    }

    /** The mapping check's findings for the site's references now. */
    private function check(array $properties): array
    {
        return $this->integration()->checkMapping($this->siteReferences());
    }

    /** Saves `code` (empty: none) into the retailcrm_*_code column of `book`'s row `id`. */
    private function save(array $properties): array
    {
        $book = $this->book($properties);
        $id = self::id($properties);
        $code = $properties['code'] ?? '';
        if (!is_string($code)) {
            throw new InvalidInput('modretailcrm_page_err_code');
        }
        $code = trim($code);
        if ($code !== '' && !preg_match(self::CODE_PATTERN, $code)) {
            throw new InvalidInput('modretailcrm_page_err_code');
        }
        [$class, $column] = self::BOOKS[$book];
        $this->loadMiniShop2();
        $row = $this->modx->getObject($class, $id);
        if (!is_object($row)) {
            throw new InvalidInput('modretailcrm_page_err_no_row', ['id' => (string) $id]);
        }
        $row->set($column, $code === '' ? null : $code);
        if (!$row->save()) {
            throw new \RuntimeException("could not save $class $id");
        }
        return ['book' => $book, 'id' => $id, 'code' => $code === '' ? null : $code];
    }

    /**
     * Sends dead letter `id` again, or every one with `id` = dead, at once (within
     * RETRY_BUDGET seconds): how many were put back, and the delivery's report.
     */
    private function retry(array $properties): array
    {
        $which = ($properties['id'] ?? null) === 'dead' ? 'dead' : [self::id($properties)];
        $retried = $this->integration()->retry($which);
        return ['retried' => $retried, 'flush' => $retried > 0 ? $this->integration()->flush(self::RETRY_BUDGET) : null];
    }

    /** Removes dead letter (or pending record) `id` for good. */
    private function discard(array $properties): array
    {
        $id = self::id($properties);
        $this->integration()->discard($id);
        return ['discarded' => $id];
    }

    /** The last LOG_LINES lines of the integration's log, the API key masked. */
    private function log(array $properties): array
    {
        $path = null;
        if (extension_loaded('modretailcrm')) {
            $path = $this->integration()->status()['log_file'] ?? null;
        }
        if (!is_string($path) || $path === '') {
            return ['file' => null, 'lines' => []];
        }
        if (!is_file($path)) {
            return ['file' => $path, 'lines' => []];
        }
        $size = (int) @filesize($path);
        $text = (string) @file_get_contents($path, false, null, max(0, $size - self::LOG_TAIL_BYTES));
        $lines = preg_split('/\r\n|\n|\r/', rtrim($text, "\r\n")) ?: [];
        if ($size > self::LOG_TAIL_BYTES) {
            array_shift($lines); // cut in the middle
        }
        $lines = array_slice(array_values(array_filter($lines, fn($l) => $l !== '')), -self::LOG_LINES);
        $key = trim((string) ($this->settings()['modretailcrm_apiKey'] ?? ''));
        $lines = array_map(function (string $line) use ($key): string {
            $line = $key !== '' ? str_replace($key, '***', $line) : $line;
            $line = (string) preg_replace('/(apiKey["\']?\s*[=:]\s*["\']?)[^"\'&\s,}]+/i', '$1***', $line);
            // Bytes that are not UTF-8 become U+FFFD (the answer is JSON); the rest is kept as it is.
            return htmlspecialchars_decode(htmlspecialchars($line, ENT_NOQUOTES | ENT_SUBSTITUTE, 'UTF-8'), ENT_NOQUOTES);
        }, $lines);
        return ['file' => $path, 'lines' => $lines];
    }

    // ---------------------------------------------------------------- reading

    /** The site's settings, as the plugin gives them to the extension (see SiteSettings). */
    private function settings(): array
    {
        return SiteSettings::of($this->modx);
    }

    private function integration(): \ModRetailCrm\Integration
    {
        return $this->integration ??= new \ModRetailCrm\Integration($this->settings());
    }

    /** miniShop2's model, for a connector request in which it was not loaded yet. */
    private function loadMiniShop2(): void
    {
        if (!isset($this->modx->packages['minishop2']) && method_exists($this->modx, 'addPackage')) {
            $this->modx->addPackage('minishop2', $this->modx->getOption('core_path', null, MODX_CORE_PATH)
                . 'components/minishop2/model/');
        }
    }

    /**
     * The site's deliveries (with the ids of the payments offered with each), payments and
     * statuses: id, name, active and the code, by rank — the input of checkMapping().
     */
    private function siteReferences(): array
    {
        $this->loadMiniShop2();
        $lists = ['delivery' => 'deliveries', 'payment' => 'payments', 'status' => 'statuses'];
        $site = [];
        foreach (self::BOOKS as $book => [$class, $column]) {
            $rows = [];
            foreach ($this->modx->getCollection($class) as $object) {
                $row = $object->toArray();
                $reference = [
                    'id' => (int) ($row['id'] ?? 0),
                    'name' => (string) ($row['name'] ?? ''),
                    'active' => (bool) ($row['active'] ?? true),
                    'rank' => (int) ($row['rank'] ?? 0),
                    $column => isset($row[$column]) && $row[$column] !== '' ? (string) $row[$column] : null,
                ];
                if ($book === 'delivery') {
                    $reference['payments'] = [];
                    foreach ($this->modx->getCollection('msDeliveryMember', ['delivery_id' => $reference['id']]) as $member) {
                        $reference['payments'][] = (int) $member->get('payment_id');
                    }
                }
                $rows[] = $reference;
            }
            usort($rows, fn(array $a, array $b) => [$a['rank'], $a['id']] <=> [$b['rank'], $b['id']]);
            $site[$lists[$book]] = array_map(function (array $row) {
                unset($row['rank']);
                return $row;
            }, $rows);
        }
        return $site;
    }

    /** The last ICML file: where, when written, how large (null when there is none yet). */
    private function icml(): ?array
    {
        $file = trim((string) $this->modx->getOption('modretailcrm_icml_file', null, ''));
        $assets = (string) $this->modx->getOption('assets_path', null, defined('MODX_ASSETS_PATH') ? MODX_ASSETS_PATH : '');
        $file = $file !== '' ? $file : '{assets_path}modretailcrm/icml.xml';
        $file = str_replace(['{assets_path}', '{core_path}', '{base_path}'], [$assets,
            (string) $this->modx->getOption('core_path', null, ''), (string) $this->modx->getOption('base_path', null, '')], $file);
        // The last export's figures, when it wrote this file (the icml snippet and the cron
        // command keep them in the integration's private folder).
        $run = IcmlCatalog::lastRun([PrivateFolder::SETTING => (string) $this->modx->getOption(PrivateFolder::SETTING, null, ''),
            'core_path' => (string) $this->modx->getOption('core_path', null, '')]);
        foreach ([$file, $file . '.gz'] as $candidate) {
            if ($candidate !== '' && is_file($candidate)) {
                $icml = ['file' => $candidate, 'written_at' => (int) filemtime($candidate), 'bytes' => (int) filesize($candidate)];
                if ($run !== null && realpath((string) ($run['path'] ?? '')) === realpath($candidate)) {
                    $icml += ['run_at' => $run['at'], 'offers' => $run['offers'], 'changed' => (bool) ($run['changed'] ?? true)];
                }
                return $icml;
            }
        }
        return null;
    }

    /** A reference answer's entries as [['code', 'name', 'active']], by the CRM's order. */
    private static function options(array $answer): array
    {
        foreach ($answer as $key => $entries) {
            if ($key === 'success' || !is_array($entries)) {
                continue;
            }
            $options = [];
            foreach ($entries as $entry) {
                if (is_array($entry) && isset($entry['code'])) {
                    $options[] = ['code' => (string) $entry['code'], 'name' => (string) ($entry['name'] ?? $entry['code']),
                        'active' => (bool) ($entry['active'] ?? true)];
                }
            }
            return $options;
        }
        return [];
    }

    // ---------------------------------------------------------------- inputs and texts

    /** The `book` input: delivery, payment or status. */
    private function book(array $properties): string
    {
        $book = $properties['book'] ?? null;
        if (!is_string($book) || !isset(self::BOOKS[$book])) {
            throw new InvalidInput('modretailcrm_page_err_book');
        }
        return $book;
    }

    /** The `id` input: a positive integer. */
    private static function id(array $properties): int
    {
        $id = $properties['id'] ?? null;
        if (is_int($id) && $id > 0) {
            return $id;
        }
        if (is_string($id) && preg_match('/^[1-9][0-9]{0,17}$/', $id)) {
            return (int) $id;
        }
        throw new InvalidInput('modretailcrm_page_err_id');
    }

    private static function failure(string $message): array
    {
        return ['success' => false, 'message' => $message, 'object' => null];
    }

    /** A failure as a shop owner reads it: the extension's message (never with the key). */
    private static function readable(\Throwable $e): string
    {
        $class = substr(strrchr('\\' . get_class($e), '\\'), 1);
        return "$class: " . strip_tags($e->getMessage());
    }

    /**
     * Text $key of the manager's language (en or ru) from this component's lexicon, with
     * [[+name]] placeholders filled.
     *
     * @param \modX $modx
     */
    private static function text($modx, string $key, array $values = []): string
    {
        return self::lexicon($modx)->text($key, $values);
    }

    /**
     * The component's lexicon in the manager's language.
     *
     * @param \modX $modx
     */
    private static function lexicon($modx): Lexicon
    {
        return Lexicon::of((string) $modx->getOption('manager_language', null, $modx->getOption('cultureKey', null, 'en')));
    }
}

/** An input the page sent that cannot be used: the message is a lexicon key. */
final class InvalidInput extends \RuntimeException
{
    /** @param array<string, string> $values the key's placeholders */
    public function __construct(string $key, public readonly array $values = [])
    {
        parent::__construct($key);
    }
}
