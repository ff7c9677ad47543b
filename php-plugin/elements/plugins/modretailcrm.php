<?php
/**
 * modRetailCRM — MODX Revolution 2.8 plugin for miniShop2 4.x.
 *
 * Events handled here: OnUserSave, msOnCreateOrder, msOnChangeOrderStatus, and a manager's
 * edits in miniShop2's order window — msOnUpdateOrder (the window saved) and
 * msOnCreateOrderProduct / msOnUpdateOrderProduct / msOnRemoveOrderProduct (its product grid,
 * fired after miniShop2 recounted the order) — (forwarded to the extension), OnHandleRequest
 * (RetailCRM's trigger calling the webhook: the extension checks the call and the order in the
 * CRM, the plugin sets the status through miniShop2), and OnMODXInit and
 * msOnManagerCustomCssJs, which add the retailcrm_*_code fields to miniShop2's model and
 * settings page and work without the extension. OnMODXInit also registers the work after the
 * response of web requests, for shops without cron (lib/CrmStatus.php): at most once a minute
 * per site, the outbox's due retries and the CRM's status changes applied. A status the CRM set
 * (the webhook, the history: ModRetailCrm\Plugin\CrmStatus::applying()) is not sent back.
 *
 * The plugin is thin: it gathers the toArray() of the objects an event concerns and hands them
 * to the modretailcrm extension (ModRetailCrm\Integration), which maps, queues durably and
 * delivers. There is no mapping logic here. It never throws into MODX and never calls the CRM
 * inline in `deferred` mode: delivery runs in a shutdown function after the response.
 *
 * Related objects are loaded by id with $modx->getObject(), never through the live order
 * ($order->getOne() inside miniShop2's "before" events makes the following save() write stale
 * data back). Status changes run with an anonymous $modx->user: the order's user_id is used.
 *
 * MODX 2.8 includes this code anew for every event (modScript::process() includes the cached
 * file inside the method), so neither local nor `static` variables survive from one event to the
 * next: what a request must remember lives in $GLOBALS['modretailcrm_plugin'] — the integration,
 * whether its delivery after the response is registered, whether a missing extension was
 * reported. No `use` or `declare` (the code may be stored in the database; hence full names).
 *
 * @var modX $modx
 * @var array $scriptProperties
 */

$request = &$GLOBALS['modretailcrm_plugin'];
// integration: ModRetailCrm\Integration, false when inactive, null until the first shop event.
$request ??= ['integration' => null, 'extension_reported' => false, 'shutdown_registered' => false];

if (!isset($modx->event)) {
    return;
}

// The retailcrm_*_code fields of miniShop2's references, in the model and in the manager. These
// two events need neither the extension nor the settings: the codes stay editable and saved
// while the integration is inactive.
try {
    switch ($modx->event->name) {
        case 'OnMODXInit':
            $ms2Model = $modx->getOption('core_path', null, MODX_CORE_PATH) . 'components/minishop2/model/';
            if (!isset($modx->packages['minishop2'])) {
                if (!is_dir($ms2Model . 'minishop2/')) {
                    return; // no miniShop2 on this site
                }
                $modx->addPackage('minishop2', $ms2Model);
            }
            $codeFields = [
                'msDelivery' => 'retailcrm_delivery_code',
                'msPayment' => 'retailcrm_payment_code',
                'msOrderStatus' => 'retailcrm_status_code',
            ];
            foreach ($codeFields as $class => $field) {
                // The class map first: xPDO 2 never loads it once $modx->map[$class] exists.
                if ($modx->loadClass($class) === false || !isset($modx->map[$class]['fields'])) {
                    continue;
                }
                $modx->map[$class]['fields'][$field] = null;
                $modx->map[$class]['fieldMeta'][$field] = [
                    'dbtype' => 'varchar', 'precision' => '255', 'phptype' => 'string', 'null' => true,
                ];
            }
            if (PHP_SAPI === 'cli') {
                return; // the installer, cron and the command line: no response to work after
            }
            break;

        case 'msOnManagerCustomCssJs':
            $controller = $scriptProperties['controller'] ?? null;
            if (($scriptProperties['page'] ?? '') === 'settings' && is_object($controller)) {
                $controller->addLexiconTopic('modretailcrm:default');
                $controller->addLastJavascript($modx->getOption('assets_url')
                    . 'components/modretailcrm/js/mgr/crm-codes.js');
            }
            return;
    }
} catch (\Throwable $e) {
    $modx->log(modX::LOG_LEVEL_ERROR, "[modRetailCRM] {$modx->event->name} failed: " . $e->getMessage());
    return;
}

$events = ['OnMODXInit', 'OnUserSave', 'msOnCreateOrder', 'msOnChangeOrderStatus', 'OnHandleRequest',
    'msOnUpdateOrder', 'msOnCreateOrderProduct', 'msOnUpdateOrderProduct', 'msOnRemoveOrderProduct'];
if (!in_array($modx->event->name, $events, true)) {
    return;
}
// A status the CRM set (the history sync, the webhook): not sent back.
if ($modx->event->name === 'msOnChangeOrderStatus' && class_exists('ModRetailCrm\Plugin\CrmStatus', false)
    && \ModRetailCrm\Plugin\CrmStatus::applying()) {
    return;
}
// Every page view comes here: a cheap look first, so that ordinary pages load nothing. Without
// a secret the webhook is off; the extension decides whether the request is a webhook call.
if ($modx->event->name === 'OnHandleRequest') {
    $webhookPath = trim((string) $modx->getOption('modretailcrm_webhook_path', null, ''), '/');
    $uri = (string) ($_SERVER['REQUEST_URI'] ?? '');
    if (trim((string) $modx->getOption('modretailcrm_webhook_secret', null, '')) === ''
        || (!isset($_REQUEST['retailCRM_action'])
            && strpos($uri, $webhookPath !== '' ? $webhookPath : 'modretailcrm/webhook') === false)) {
        return;
    }
}

if (!extension_loaded('modretailcrm')) {
    // Said on the shop events only, not on every page.
    if (!$request['extension_reported'] && $modx->event->name !== 'OnMODXInit') {
        $request['extension_reported'] = true;
        $modx->log(modX::LOG_LEVEL_ERROR, '[modRetailCRM] the PHP extension "modretailcrm" is not loaded'
            . ' (add extension=modretailcrm.so to php.ini): orders and customers are NOT sent to RetailCRM.');
    }
    return;
}

// Which change an event that failed before reaching the outbox leaves unsent, for the log.
$notQueued = static function () use ($scriptProperties): string {
    foreach (['msOrder' => 'order', 'order' => 'order', 'user' => 'user'] as $key => $what) {
        $object = $scriptProperties[$key] ?? null;
        if (is_object($object)) {
            $name = $what === 'order' ? $object->get('num') : $object->get('id');
            return "; $what $name was NOT queued for the CRM, repeat the change after fixing the cause";
        }
    }
    return '; the change was NOT queued for the CRM';
};

// A file of the component's lib folder (modretailcrm_lib_path, else core/components/modretailcrm/lib/).
$loadLib = static function (string $name) use ($modx): void {
    $lib = (string) $modx->getOption('modretailcrm_lib_path', null, '');
    $lib = $lib !== '' ? $lib : $modx->getOption('core_path', null, MODX_CORE_PATH) . 'components/modretailcrm/lib/';
    $file = rtrim($lib, '/') . "/$name";
    if (!is_file($file)) {
        throw new \RuntimeException("$file is missing: install the component again");
    }
    require_once $file;
};

if ($request['integration'] === null) {
    // Null when inactive; the extension tells why once, not on every request.
    try {
        $loadLib('SiteSettings.php');
        $settings = \ModRetailCrm\Plugin\SiteSettings::of($modx);
        $request['integration'] = \ModRetailCrm\Integration::forSite($settings, static function (string $message) use ($modx): void {
            $modx->log(modX::LOG_LEVEL_ERROR, "[modRetailCRM] $message");
        }) ?? false;
    } catch (\Throwable $e) {
        $request['integration'] = false;
        $modx->log(modX::LOG_LEVEL_ERROR, "[modRetailCRM] inactive{$notQueued()}: " . $e->getMessage());
    }
}
if ($request['integration'] === false) {
    return;
}
$integration = $request['integration'];

// lib/CrmStatus.php: the one place a status from the CRM is applied (the webhook, the history).
$loadCrmStatus = static function () use ($loadLib): void {
    $loadLib('CrmStatus.php');
};

if ($modx->event->name === 'OnMODXInit') {
    try {
        $loadCrmStatus();
        register_shutdown_function(['ModRetailCrm\Plugin\CrmStatus', 'afterResponse'], $modx, $integration);
    } catch (\Throwable $e) {
        $modx->log(modX::LOG_LEVEL_ERROR, '[modRetailCRM] the work after the response cannot run: ' . $e->getMessage());
    }
    return;
}

// toArray() of one object found by id or criteria, or null.
$load = static function (string $class, $criteria) use ($modx): ?array {
    if ($criteria === null || $criteria === 0 || $criteria === '' || $criteria === '0') {
        return null;
    }
    $object = $modx->getObject($class, $criteria);
    return is_object($object) ? $object->toArray() : null;
};

$promo = static function (int $orderId) use ($modx, $load): ?array {
    if (stripos((string) $modx->getOption('extension_packages'), 'mspromocode') === false) {
        return null;
    }
    return $load('mspcOrder', ['order_id' => $orderId]);
};

$orderData = static function ($order) use ($modx, $load, $promo): array {
    $orderId = (int) $order->get('id');
    $userId = (int) $order->get('user_id');
    $products = [];
    foreach ($modx->getCollection('msOrderProduct', ['order_id' => $orderId]) as $product) {
        $products[] = $product->toArray();
    }
    return [
        'order' => $order->toArray(),
        'address' => $load('msOrderAddress', ['order_id' => $orderId])
            ?? $load('msOrderAddress', (int) $order->get('address')),
        'products' => $products,
        'delivery' => $load('msDelivery', (int) $order->get('delivery')),
        'payment' => $load('msPayment', (int) $order->get('payment')),
        'status' => $load('msOrderStatus', (int) $order->get('status')),
        'user' => $load('modUser', $userId) ?? [],
        'profile' => $load('modUserProfile', ['internalKey' => $userId]) ?? [],
        'promo' => $promo($orderId),
    ];
};

$eventName = $modx->event->name;
try {
    $result = null;
    switch ($eventName) {
        case 'OnHandleRequest':
            $headers = function_exists('getallheaders') ? (array) getallheaders() : [];
            if (!function_exists('getallheaders')) {
                foreach ($_SERVER as $key => $value) {
                    if (strncmp((string) $key, 'HTTP_', 5) === 0) {
                        $headers[str_replace('_', '-', substr((string) $key, 5))] = $value;
                    }
                }
                $headers['Content-Type'] = $_SERVER['CONTENT_TYPE'] ?? '';
            }
            $loadCrmStatus();
            $codes = \ModRetailCrm\Plugin\CrmStatus::codes($modx);
            $answer = $integration->handleRequest([
                'method' => (string) ($_SERVER['REQUEST_METHOD'] ?? 'GET'),
                'path' => explode('?', $uri, 2)[0],
                'query' => $_GET,
                'post' => $_POST,
                'headers' => $headers,
                // One byte over the webhook's limit of 64 KB is enough to refuse a longer body.
                'body' => (string) @file_get_contents('php://input', false, null, 0, 65537),
                'remote_addr' => (string) ($_SERVER['REMOTE_ADDR'] ?? ''),
            ], $codes);
            if ($answer === null) {
                return;
            }
            $code = (int) $answer['code'];
            $body = (string) $answer['body'];
            $refusal = isset($answer['log']) ? (string) $answer['log'] : null;
            foreach ($answer['actions'] as $action) {
                // null: the order has the status now (or had it: a replayed call changes nothing).
                $error = \ModRetailCrm\Plugin\CrmStatus::apply($modx, $action);
                if ($error !== null) {
                    $code = \ModRetailCrm\Plugin\CrmStatus::order($modx, $action) === null ? 404 : 409;
                    $refusal = "webhook: order {$action['order']} keeps its status: " . strip_tags($error);
                    $body = (string) json_encode(['success' => false, 'errorMsg' => $refusal],
                        JSON_UNESCAPED_UNICODE | JSON_INVALID_UTF8_SUBSTITUTE);
                }
            }
            if ($refusal !== null) {
                $modx->log(modX::LOG_LEVEL_ERROR, "[modRetailCRM] $refusal");
            }
            // Answered here; MODX renders no page (as modResponse::outputContent() ends).
            if (!headers_sent()) {
                http_response_code($code);
                header('Content-Type: application/json; charset=utf-8');
            }
            @session_write_close();
            echo $body;
            while (ob_get_level() && @ob_end_flush()) {
            }
            flush();
            exit();

        case 'OnUserSave':
            $user = $scriptProperties['user'] ?? null;
            if (!is_object($user)) {
                break;
            }
            $profile = $user->getOne('Profile');
            $profile = is_object($profile)
                ? $profile->toArray()
                : ($load('modUserProfile', ['internalKey' => (int) $user->get('id')]) ?? []);
            $groups = method_exists($user, 'getUserGroupNames') ? (array) $user->getUserGroupNames() : [];
            $context = is_object($modx->context ?? null) ? (string) $modx->context->key : 'web';
            $result = $integration->onUserSave($user->toArray(), $profile,
                (string) ($scriptProperties['mode'] ?? 'upd'), $context, array_values($groups));
            break;

        case 'msOnCreateOrder':
            $order = $scriptProperties['msOrder'] ?? null;
            if (is_object($order)) {
                $result = $integration->onOrderCreate($orderData($order));
            }
            break;

        case 'msOnUpdateOrder':
        case 'msOnCreateOrderProduct':
        case 'msOnUpdateOrderProduct':
        case 'msOnRemoveOrderProduct':
            // The order as saved, read anew by id: the window's order, or the product's.
            $edited = $scriptProperties['object'] ?? null;
            $orderId = is_object($edited)
                ? (int) $edited->get($eventName === 'msOnUpdateOrder' ? 'id' : 'order_id')
                : 0;
            $order = $orderId > 0 ? $modx->getObject('msOrder', $orderId) : null;
            if (is_object($order)) {
                $result = $integration->onOrderUpdate($orderData($order));
            }
            break;

        case 'msOnChangeOrderStatus':
            $order = $scriptProperties['order'] ?? null;
            $status = $load('msOrderStatus', (int) ($scriptProperties['status'] ?? 0));
            if (is_object($order) && $status !== null) {
                $result = $integration->onOrderStatusChange([
                    'order' => $order->toArray(),
                    'status' => $status,
                    'paid_at' => date('Y-m-d H:i:s'),
                    'payment' => $load('msPayment', (int) $order->get('payment')),
                ]);
            }
            break;
    }

    if (is_array($result)) {
        $state = (string) ($result['state'] ?? '');
        // A sync send that failed: the change stays in the outbox and is retried.
        $errors = [];
        foreach (array_merge([$result], is_array($result['records'] ?? null) ? $result['records'] : []) as $record) {
            if (is_array($record) && !empty($record['error'])) {
                $errors[] = is_string($record['error']) ? $record['error'] : json_encode($record['error']);
            }
        }
        if ($errors !== [] || $state === 'dead') {
            $modx->log(modX::LOG_LEVEL_ERROR, "[modRetailCRM] $eventName: not delivered ($state), kept in the outbox: "
                . implode('; ', array_unique($errors)));
        }
        if (!$request['shutdown_registered'] && $state !== 'skipped' && $integration->sendMode() === 'deferred') {
            $request['shutdown_registered'] = true;
            // The budget is modretailcrm_after_response_budget (3 s by default).
            register_shutdown_function([$integration, 'deliverAfterResponse']);
        }
    }
} catch (\Throwable $e) {
    // The change did not reach the outbox (a damaged file, a failing disk …): say which, so
    // that the shop owner can repeat it once the cause is fixed.
    $modx->log(modX::LOG_LEVEL_ERROR, "[modRetailCRM] $eventName failed{$notQueued()}: "
        . get_class($e) . ': ' . $e->getMessage());
}

return;
