<?php
// A minimal MODX-shaped harness for running the real plugin file under the php CLI.
//
// It is fed from the real capture in tests/fixtures/minishop2: the database is the rows in
// db/*.json (as toArray() gives them, cast with their recorded types), and each replayed event
// brings its parameters (objects with their recorded types) and the related objects it carried,
// which are "saved" so later getObject() calls find them. Events replay in events.jsonl order.
//
// A plugin (or snippet) file runs as MODX 2.8.7 runs one: modScript::loadScript() writes the code
// to core/cache/includes/elements/modplugin/{id}.include.cache.php and modScript::process()
// includes that file for every event, inside the method, with `$modx` and `$scriptProperties` in
// scope and the parameters extracted — so neither local nor `static` variables survive from one
// event to the next (checked on a real 2.8.7 site). Only globals last, for the request: a new
// request (newRequest()) starts without the globals the plugin created.
//
// Needs no extension: the test of a site without modretailcrm loads it too. The xPDO class model
// (packages, loadClass, $map: xPDOClassMap) is the fake MODX site's: ./site/core/xpdo/xpdo.class.php.

declare(strict_types=1);

require_once __DIR__ . '/site/core/xpdo/xpdo.class.php';

if (!defined('MODX_CORE_PATH')) {
    define('MODX_CORE_PATH', sys_get_temp_dir() . '/modretailcrm-harness-core-' . getmypid() . '/');
}

/** The captured miniShop2 data. */
final class ShopFixtures
{
    public static function dir(): string
    {
        $fromEnv = getenv('MODRETAILCRM_FIXTURES');
        return $fromEnv !== false && $fromEnv !== ''
            ? $fromEnv
            : dirname(__DIR__, 3) . '/tests/fixtures/minishop2';
    }

    public static function json(string $name): mixed
    {
        $path = self::dir() . '/' . $name;
        $text = file_get_contents($path);
        if ($text === false) {
            throw new RuntimeException("fixture $path is missing");
        }
        return json_decode($text, true, 512, JSON_THROW_ON_ERROR);
    }

    /** Every captured event in firing order: ['event', 'context', 'user_id', 'params' => raw]. */
    public static function events(): array
    {
        $events = [];
        $lines = file(self::dir() . '/events.jsonl', FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES);
        foreach ($lines ?: [] as $line) {
            $events[] = json_decode($line, true, 512, JSON_THROW_ON_ERROR);
        }
        return $events;
    }

    /** Casts a row to the PHP types toArray() gave (`integer`, `double`, `boolean`, …). */
    public static function typed(array $row, array $types): array
    {
        foreach ($row as $key => $value) {
            if ($value === null || !isset($types[$key])) {
                continue;
            }
            $row[$key] = match ($types[$key]) {
                'integer' => (int) $value,
                'double' => (float) $value,
                'boolean' => (bool) $value,
                'string' => is_array($value) ? $value : (string) $value,
                default => $value,
            };
        }
        return $row;
    }

    /** The database after the flow, as class => id => row. */
    public static function database(): array
    {
        $db = [];
        $files = ['modUser_customer', 'modUser_processor', 'modUserProfile_customer',
            'modUserProfile_processor', 'msCustomerProfile', 'msDelivery', 'msOrder', 'msOrderAddress',
            'msOrderLog', 'msOrderProduct', 'msOrderStatus', 'msPayment', 'msProduct', 'msProductData',
            'msProductOption'];
        foreach ($files as $file) {
            $content = self::json("db/$file.json");
            foreach (array_is_list($content) ? $content : [$content] as $entry) {
                $row = self::typed($entry['toArray'], $entry['types'] ?? []);
                $db[$entry['class']][$row['id'] ?? count($db[$entry['class']] ?? [])] = $row;
            }
        }
        $statusTypes = self::json('db/msOrderStatus.json')['types'];
        foreach (self::json('db/msOrderStatus_all.json') as $status) {
            $db['msOrderStatus'][$status['id']] = self::typed($status, $statusTypes);
        }
        return $db;
    }
}

/** An xPDOObject as a plugin sees it: toArray(), get(), set(), getOne(). */
class xPDOObjectStub
{
    /** @param array<string, mixed> $related alias => xPDOObjectStub|list<xPDOObjectStub>|null */
    public function __construct(
        public readonly string $class,
        private array $fields,
        private array $related = [],
        private ?modX $modx = null,
    ) {
    }

    public function toArray(string $keyPrefix = '', bool $rawValues = false): array
    {
        return $this->fields;
    }

    public function get(string $key): mixed
    {
        return $this->fields[$key] ?? null;
    }

    public function set(string $key, mixed $value): bool
    {
        $this->fields[$key] = $value;
        return true;
    }

    public function __get(string $key): mixed
    {
        return $this->get($key);
    }

    /** xPDOObject::save(): the row is written to the harness database. */
    public function save(): bool
    {
        if ($this->modx === null) {
            return false;
        }
        $this->modx->store($this, true);
        return true;
    }

    /** The related object the event carried, else the row the database holds (modUser → Profile). */
    public function getOne(string $alias): ?xPDOObjectStub
    {
        $related = $this->related[$alias] ?? null;
        if ($related instanceof xPDOObjectStub) {
            return $related;
        }
        if ($this->modx !== null && $this->class === 'modUser' && $alias === 'Profile') {
            return $this->modx->getObject('modUserProfile', ['internalKey' => $this->get('id')]);
        }
        return null;
    }

    public function getUserGroupNames(): array
    {
        return $this->modx?->userGroups[(int) $this->get('id')] ?? [];
    }

    /** @return array<string, mixed> */
    public function related(): array
    {
        return $this->related;
    }
}

/** miniShop2's msOrderHandler as msOnCreateOrder passes it: get() gives the order form. */
final class msOrderHandlerStub
{
    public function __construct(private array $form)
    {
    }

    public function get(): array
    {
        return $this->form;
    }
}

final class modSystemEvent
{
    public function __construct(public string $name, public array $params = [])
    {
    }
}

/** A manager user as modUser::getUserToken() sees it: the HTTP_MODAUTH token of its session. */
final class modUserStub
{
    public function __construct(private string $token)
    {
    }

    public function getUserToken(string $context = ''): string
    {
        return $this->token;
    }
}

final class modContextStub
{
    public function __construct(public string $key)
    {
    }

    public function get(string $field): mixed
    {
        return $field === 'key' ? $this->key : null;
    }
}

class modX
{
    use xPDOClassMap;

    public const LOG_LEVEL_FATAL = 0;
    public const LOG_LEVEL_ERROR = 1;
    public const LOG_LEVEL_WARN = 2;
    public const LOG_LEVEL_INFO = 3;
    public const LOG_LEVEL_DEBUG = 4;

    public array $config;
    public modContextStub $context;
    public ?modSystemEvent $event = null;
    /** @var list<array{level: int, message: string}> */
    public array $logs = [];
    /** user id => group names */
    public array $userGroups = [];
    /** class => id => row */
    private array $db;
    /** Names of the globals plugin runs created in the current request (of any modX). */
    private static array $pluginGlobals = [];
    /** event name => plugin files invokeEvent() runs (as the plugin's registered events). */
    public array $eventPlugins = [];
    /** The miniShop2 service getService('miniShop2') gives (null until first asked for). */
    public ?miniShop2Stub $miniShop2 = null;
    /** The manager user of the request (null: nobody logged in), see modUserStub. */
    public ?modUserStub $user = null;
    /** The permissions hasPermission() grants the user. */
    public array $permissions = [];

    public function __construct(array $config = [], ?array $database = null)
    {
        // The component's lib folder where an install puts it (core/components/modretailcrm/lib/
        // has the same files), unless a test names another.
        $this->config = $config + ['core_path' => MODX_CORE_PATH, 'extension_packages' => '[]',
            'modretailcrm_lib_path' => dirname(__DIR__, 3) . '/php-plugin/lib'];
        $this->context = new modContextStub('web');
        $this->db = $database ?? ShopFixtures::database();
        $GLOBALS['modx'] = $this;
        $this->newRequest();
    }

    public function log(int $level, string $message, string $target = '', string $def = '', string $file = '', string $line = ''): void
    {
        $this->logs[] = ['level' => $level, 'message' => $message];
    }

    /** Log lines at $level or more severe. */
    public function logged(int $level = self::LOG_LEVEL_DEBUG): array
    {
        $lines = array_filter($this->logs, fn(array $log) => $log['level'] <= $level);
        return array_values(array_map(fn(array $log) => $log['message'], $lines));
    }

    public function getOption(string $key, ?array $options = null, mixed $default = null): mixed
    {
        if ($options !== null && array_key_exists($key, $options)) {
            return $options[$key];
        }
        return $this->config[$key] ?? $default;
    }

    /** @param int|string|array $criteria a primary key or field => value (compared as text, as SQL does) */
    public function getObject(string $class, int|string|array $criteria): ?xPDOObjectStub
    {
        $found = $this->getCollection($class, is_array($criteria) ? $criteria : ['id' => $criteria]);
        return $found === [] ? null : reset($found);
    }

    /** @return array<int, xPDOObjectStub> id => object */
    public function getCollection(string $class, array $criteria = []): array
    {
        $objects = [];
        foreach ($this->db[$class] ?? [] as $id => $row) {
            foreach ($criteria as $field => $value) {
                if ((string) ($row[$field] ?? '') !== (string) $value) {
                    continue 2;
                }
            }
            $objects[$id] = new xPDOObjectStub($class, $row, [], $this);
        }
        return $objects;
    }

    /** Adds fields to a stored row, as OnMODXInit's model map changes add columns. */
    public function setFields(string $class, int $id, array $fields): void
    {
        if (!isset($this->db[$class][$id])) {
            throw new RuntimeException("no $class $id in the fixtures");
        }
        $this->db[$class][$id] = $fields + $this->db[$class][$id];
    }

    public function store(xPDOObjectStub $object, bool $replace = false): void
    {
        $id = $object->get('id');
        if ($id !== null && ($replace || !isset($this->db[$object->class][$id]))) {
            $this->db[$object->class][$id] = $object->toArray();
        }
    }

    /** The database as class => id => row, to start a later request from. */
    public function rows(): array
    {
        return $this->db;
    }

    /** modX::getService(): only miniShop2 is known. */
    public function getService(string $name, string $class = '', string $path = '', array $params = []): ?object
    {
        if (strtolower($name) !== 'minishop2') {
            return null;
        }
        return $this->miniShop2 ??= new miniShop2Stub($this);
    }

    /**
     * modX::invokeEvent(): runs the plugins registered for $eventName with $params and returns
     * their output (none: the plugin outputs nothing). Like MODX 2.8, $this->event is left to
     * the last event, not restored to the one that was running.
     */
    public function invokeEvent(string $eventName, array $params = []): array
    {
        foreach ($this->eventPlugins[$eventName] ?? [] as $file) {
            $this->runPlugin($file, $eventName, $params);
        }
        return [];
    }

    /** Order $id's current status (0: no such order), for assertions. */
    public function orderStatus(int $id): int
    {
        return (int) $this->getObject('msOrder', $id)?->get('status');
    }

    /** modX::lexicon(): the English texts of the miniShop2 errors the harness gives. */
    public function lexicon(string $key, array $params = []): string
    {
        return miniShop2Stub::LEXICON[$key] ?? $key;
    }

    /** modX::hasPermission(): whether the user's policies grant $permission. */
    public function hasPermission(string $permission): bool
    {
        return $this->user !== null && in_array($permission, $this->permissions, true);
    }

    /** Deletes a stored row, as xPDOObject::remove() does. */
    public function removeRow(string $class, int $id): void
    {
        unset($this->db[$class][$id]);
    }

    /** The id the next new row of $class gets (auto increment). */
    public function nextId(string $class): int
    {
        return max([0, ...array_keys($this->db[$class] ?? [])]) + 1;
    }

    /** Starts another HTTP request (as each new modX does): the plugin's globals are gone. */
    public function newRequest(): void
    {
        foreach (self::$pluginGlobals as $name) {
            unset($GLOBALS[$name]);
        }
        self::$pluginGlobals = [];
    }

    /** Runs $file as MODX runs a plugin for $eventName with $params. Returns its return value. */
    public function runPlugin(string $file, string $eventName, array $params): mixed
    {
        $this->event = new modSystemEvent($eventName, $params);
        try {
            $before = array_keys($GLOBALS);
            try {
                return $this->includePlugin($file, $params);
            } finally {
                self::$pluginGlobals = array_unique([...self::$pluginGlobals, ...array_diff(array_keys($GLOBALS), $before)]);
            }
        } finally {
            $this->event = null;
        }
    }

    /** modPlugin::process(): `$modx` and `$scriptProperties` in scope, the parameters extracted. */
    private function includePlugin(string $file, array $scriptProperties): mixed
    {
        $modx = $this;
        extract($scriptProperties, EXTR_SKIP);
        return include $file;
    }

    /**
     * Replays one captured event through the plugin: the context it ran in, its parameters as
     * objects, and the related objects it carried stored first (they were saved by then).
     */
    public function replay(string $file, array $captured): mixed
    {
        $this->context = new modContextStub($captured['context']);
        $params = [];
        foreach ($captured['params'] as $name => $param) {
            $params[$name] = $this->materialize($param['value']);
        }
        return $this->runPlugin($file, $captured['event'], $params);
    }

    private function materialize(mixed $value): mixed
    {
        if (!is_array($value) || !isset($value['__class'])) {
            return $value;
        }
        if ($value['__class'] === 'msOrderHandler') {
            return new msOrderHandlerStub($value['get()'] ?? []);
        }
        return $this->object($value);
    }

    private function object(array $captured): xPDOObjectStub
    {
        $class = preg_replace('/_mysql$/', '', $captured['__class']);
        $related = [];
        foreach ($captured['related'] ?? [] as $alias => $item) {
            if ($item === null) {
                $related[$alias] = null;
            } elseif (array_is_list($item)) {
                $related[$alias] = array_map(fn(array $one) => $this->object($one), $item);
            } else {
                $related[$alias] = $this->object($item);
            }
        }
        $object = new xPDOObjectStub($class, ShopFixtures::typed($captured['data'], $captured['__types'] ?? []), $related, $this);
        foreach ($related as $item) {
            foreach (is_array($item) ? $item : [$item] as $one) {
                if ($one !== null) {
                    $this->store($one);
                }
            }
        }
        return $object;
    }
}

/**
 * miniShop2's service as far as changeOrderStatus() (miniShop2 4.x, minishop2.class.php): the
 * same refusals in the same order — the order and an active status must exist, a final status
 * is never left, a fixed one only for a status of a higher rank, the same status is refused —
 * each returned as its lexicon text; then msOnBeforeChangeOrderStatus (a plugin's output
 * refuses), the status saved, an msOrderLog row, msOnChangeOrderStatus, and true. Mails are
 * not sent. Every call is recorded in $calls.
 */
final class miniShop2Stub
{
    public const LEXICON = [
        'ms2_err_order_nf' => 'The order with this id was not found.',
        'ms2_err_status_nf' => 'The status with this id was not found.',
        'ms2_err_status_final' => 'This status is final. You can not change it.',
        'ms2_err_status_fixed' => 'This status is fixed. You can not change it to the previous one.',
        'ms2_err_status_same' => 'This status is already set.',
    ];

    /** @var list<array{0: int, 1: int}> (order id, status id) of every call */
    public array $calls = [];

    public function __construct(private modX $modx)
    {
    }

    public function changeOrderStatus($order_id, $status_id): string|bool
    {
        $this->calls[] = [(int) $order_id, (int) $status_id];
        $error = '';
        $order = $this->modx->getObject('msOrder', (int) $order_id);
        if ($order === null) {
            $error = 'ms2_err_order_nf';
        }
        $status = $this->modx->getObject('msOrderStatus', ['id' => (int) $status_id, 'active' => 1]);
        if ($status === null) {
            $error = 'ms2_err_status_nf';
        } elseif ($order !== null
            && ($old = $this->modx->getObject('msOrderStatus', ['id' => (int) $order->get('status'), 'active' => 1]))) {
            if ($old->get('final')) {
                $error = 'ms2_err_status_final';
            } elseif ($old->get('fixed') && $status->get('rank') <= $old->get('rank')) {
                $error = 'ms2_err_status_fixed';
            }
        }
        if ($order !== null && (int) $order->get('status') === (int) $status_id) {
            $error = 'ms2_err_status_same';
        }
        if ($error !== '') {
            return $this->modx->lexicon($error);
        }
        $refused = implode('<br/>', array_filter($this->modx->invokeEvent('msOnBeforeChangeOrderStatus',
            ['order' => $order, 'status' => $order->get('status')])));
        if ($refused !== '') {
            return $refused;
        }
        $order->set('status', (int) $status_id);
        if ($order->save()) {
            $logs = $this->modx->getCollection('msOrderLog');
            $this->modx->store(new xPDOObjectStub('msOrderLog', [
                'id' => ($logs === [] ? 0 : max(array_keys($logs))) + 1, 'order_id' => (int) $order_id,
                'user_id' => (int) $order->get('user_id'), 'timestamp' => date('Y-m-d H:i:s'),
                'action' => 'status', 'entry' => (string) $status_id, 'ip' => '127.0.0.1',
            ]));
            $this->modx->invokeEvent('msOnChangeOrderStatus', ['order' => $order, 'status' => (int) $status_id]);
        }
        return true;
    }
}

/** The manager page controller msOnManagerCustomCssJs receives: records what the plugin adds. */
final class modManagerControllerStub
{
    public array $css = [];
    public array $javascripts = [];
    public array $lastJavascripts = [];
    public array $html = [];
    public array $lexiconTopics = [];

    public function addCss($script)
    {
        $this->css[] = $script;
    }

    public function addJavascript($script)
    {
        $this->javascripts[] = $script;
    }

    public function addLastJavascript($script)
    {
        $this->lastJavascripts[] = $script;
    }

    public function addHtml($script)
    {
        $this->html[] = $script;
    }

    public function addLexiconTopic($topic)
    {
        $this->lexiconTopics[] = $topic;
        return implode(',', $this->lexiconTopics);
    }
}

/** The repository's plugin file. */
function plugin_file(): string
{
    return dirname(__DIR__, 3) . '/php-plugin/elements/plugins/modretailcrm.php';
}

/** The captured events named in $names, in firing order. */
function captured_events(array $names): array
{
    return array_values(array_filter(ShopFixtures::events(), fn(array $e) => in_array($e['event'], $names, true)));
}

/** The order a captured event concerns, or null. */
function event_order_id(array $event): ?int
{
    $order = $event['params']['msOrder']['value']['data'] ?? $event['params']['order']['value']['data'] ?? null;
    return $order === null ? null : (int) $order['id'];
}

/**
 * Replays the captured checkout events (user saves, order created, its status changes) up to
 * order $orderId's last one, leaving out other orders'; returns the names replayed.
 */
function replay_order(modX $modx, int $orderId): array
{
    $events = captured_events(['OnUserSave', 'msOnCreateOrder', 'msOnChangeOrderStatus']);
    $last = max(array_keys(array_filter($events, fn(array $e) => event_order_id($e) === $orderId)));
    $replayed = [];
    foreach (array_slice($events, 0, $last + 1) as $event) {
        if (!in_array(event_order_id($event), [null, $orderId], true)) {
            continue;
        }
        // The paid status change came in a later request than the checkout.
        if ($event['event'] === 'msOnChangeOrderStatus' && $event['params']['status']['value'] === 2) {
            $modx->newRequest();
        }
        $modx->replay(plugin_file(), $event);
        $replayed[] = $event['event'];
    }
    return $replayed;
}

/** The CRM codes a migrated site has on its miniShop2 references (OnMODXInit's model fields). */
function give_crm_codes(modX $modx): void
{
    $statuses = [1 => 'new', 2 => 'prepayed', 3 => 'delivering', 4 => 'cancel-other'];
    foreach ($statuses as $id => $code) {
        $modx->setFields('msOrderStatus', $id, ['retailcrm_status_code' => $code]);
    }
    $modx->setFields('msDelivery', 2, ['retailcrm_delivery_code' => 'courier']);
    $modx->setFields('msPayment', 2, ['retailcrm_payment_code' => 'bank-card']);
}

/** Replays the captured shop's first web checkout through the plugin: the customer's OnUserSave, then order 1's msOnCreateOrder. */
function replay_first_checkout(modX $modx): void
{
    foreach (captured_events(['OnUserSave', 'msOnCreateOrder']) as $event) {
        $order = $event['params']['msOrder']['value']['data'] ?? null;
        if ($event['context'] === 'web' && ($order === null || $order['id'] === 1)) {
            $modx->replay(plugin_file(), $event);
            if ($order !== null) {
                return;
            }
        }
    }
}
