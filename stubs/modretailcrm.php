<?php

// Stubs for modretailcrm

namespace ModRetailCrm {
    /**
     * A RetailCRM API v5 client. Every method returns the CRM's answer as an array and throws a
     * `ModRetailCrm\Exception` subclass on any failure.
     */
    class Client {
        /**
         * Creates a client. `$url` is the account address (`https://example.retailcrm.ru`),
         * `$site` the shop code sent where RetailCRM expects one. Options: `timeout`,
         * `connect_timeout`, `retry_delay` (seconds), `rate_limit` (requests/s, default 10),
         * `max_retries` (on 503/429, default 3), `log` (log every call, not only failures),
         * `log_file` and `log_max_bytes` (a rotated file, 0600; its folder must exist), or
         * `log_callback` (a callable that receives each line). Without either, the log goes to
         * `MODX_CORE_PATH/cache/logs/modretailcrm.log` inside MODX, else to PHP's `error_log`.
         * `max_response_bytes` caps one answer (default 8 MiB; a longer one is a
         * `TransportException`).
         *
         * @param mixed $url
         * @param mixed $api_key
         * @param mixed $site
         * @param mixed $options
         */
        public function __construct(mixed $url, mixed $api_key, mixed $site = null, mixed $options = null) {}

        /**
         * `api-versions`.
         *
         * @return mixed
         */
        public function apiVersions(): mixed {}

        /**
         * Reads every page of a list or history route (`orders`, `orders/history` …) up to the
         * last page the CRM reports and returns the items under `$field` (`orders`, `history`)
         * as one list.
         *
         * @param mixed $route
         * @param mixed $field
         * @param mixed $filter
         * @param mixed $limit
         * @return mixed
         */
        public function collectPages(mixed $route, mixed $field, mixed $filter = null, mixed $limit = null): mixed {}

        /**
         * `costs/create`.
         *
         * @param mixed $cost
         * @param mixed $site
         * @return mixed
         */
        public function costsCreate(mixed $cost, mixed $site = null): mixed {}

        /**
         * `credentials`.
         *
         * @return mixed
         */
        public function credentials(): mixed {}

        /**
         * `customers/create`.
         *
         * @param mixed $customer
         * @param mixed $site
         * @return mixed
         */
        public function customersCreate(mixed $customer, mixed $site = null): mixed {}

        /**
         * `customers/{id}/edit`; the id is `$customer[$by]`.
         *
         * @param mixed $customer
         * @param mixed $by
         * @param mixed $site
         * @return mixed
         */
        public function customersEdit(mixed $customer, mixed $by = null, mixed $site = null): mixed {}

        /**
         * `customers/fix-external-ids`: `[['id' => …, 'externalId' => …], …]`.
         *
         * @param mixed $customers
         * @return mixed
         */
        public function customersFixExternalIds(mixed $customers): mixed {}

        /**
         * `customers/{id}`.
         *
         * @param mixed $id
         * @param mixed $by
         * @param mixed $site
         * @return mixed
         */
        public function customersGet(mixed $id, mixed $by = null, mixed $site = null): mixed {}

        /**
         * `customers/history`: `$filter` such as `['sinceId' => 123]`.
         *
         * @param mixed $filter
         * @param mixed $page
         * @param mixed $limit
         * @return mixed
         */
        public function customersHistory(mixed $filter = null, mixed $page = null, mixed $limit = null): mixed {}

        /**
         * `customers` list: `$filter` as `filter[...]`, `$page` from 1, `$limit` 20/50/100.
         *
         * @param mixed $filter
         * @param mixed $page
         * @param mixed $limit
         * @return mixed
         */
        public function customersList(mixed $filter = null, mixed $page = null, mixed $limit = null): mixed {}

        /**
         * `customers/upload`: at most 50 customers.
         *
         * @param mixed $customers
         * @param mixed $site
         * @return mixed
         */
        public function customersUpload(mixed $customers, mixed $site = null): mixed {}

        /**
         * `orders/create`.
         *
         * @param mixed $order
         * @param mixed $site
         * @return mixed
         */
        public function ordersCreate(mixed $order, mixed $site = null): mixed {}

        /**
         * `orders/{id}/edit`; the id is `$order[$by]`.
         *
         * @param mixed $order
         * @param mixed $by
         * @param mixed $site
         * @return mixed
         */
        public function ordersEdit(mixed $order, mixed $by = null, mixed $site = null): mixed {}

        /**
         * `orders/fix-external-ids`: `[['id' => …, 'externalId' => …], …]`.
         *
         * @param mixed $orders
         * @return mixed
         */
        public function ordersFixExternalIds(mixed $orders): mixed {}

        /**
         * `orders/{id}`.
         *
         * @param mixed $id
         * @param mixed $by
         * @param mixed $site
         * @return mixed
         */
        public function ordersGet(mixed $id, mixed $by = null, mixed $site = null): mixed {}

        /**
         * `orders/history`: `$filter` such as `['sinceId' => 123]`.
         *
         * @param mixed $filter
         * @param mixed $page
         * @param mixed $limit
         * @return mixed
         */
        public function ordersHistory(mixed $filter = null, mixed $page = null, mixed $limit = null): mixed {}

        /**
         * `orders` list: `$filter` as `filter[...]`, `$page` from 1, `$limit` 20/50/100.
         *
         * @param mixed $filter
         * @param mixed $page
         * @param mixed $limit
         * @return mixed
         */
        public function ordersList(mixed $filter = null, mixed $page = null, mixed $limit = null): mixed {}

        /**
         * `orders/payments/create`.
         *
         * @param mixed $payment
         * @param mixed $site
         * @return mixed
         */
        public function ordersPaymentCreate(mixed $payment, mixed $site = null): mixed {}

        /**
         * `orders/payments/{id}/edit`; the id is `$payment[$by]`.
         *
         * @param mixed $payment
         * @param mixed $by
         * @param mixed $site
         * @return mixed
         */
        public function ordersPaymentEdit(mixed $payment, mixed $by = null, mixed $site = null): mixed {}

        /**
         * `orders/statuses` for CRM ids and/or external ids.
         *
         * @param mixed $ids
         * @param mixed $external_ids
         * @return mixed
         */
        public function ordersStatuses(mixed $ids = null, mixed $external_ids = null): mixed {}

        /**
         * `orders/upload`: at most 50 orders.
         *
         * @param mixed $orders
         * @param mixed $site
         * @return mixed
         */
        public function ordersUpload(mixed $orders, mixed $site = null): mixed {}

        /**
         * A reference book: `statuses`, `status-groups`, `delivery-types`, `payment-types`,
         * `sites`, `order-methods` or `stores`.
         *
         * @param mixed $name
         * @return mixed
         */
        public function reference(mixed $name): mixed {}

        /**
         * Calls any API route: `$method` is `GET` or `POST`, `$route` is relative to
         * `/api/v5/` (such as `orders/combine`), `$params` are sent as RetailCRM expects
         * (query string for GET, form fields with entities as JSON for POST).
         *
         * @param mixed $method
         * @param mixed $route
         * @param mixed $params
         * @return mixed
         */
        public function request(mixed $method, mixed $route, mixed $params = null): mixed {}

        /**
         * `store/inventories`.
         *
         * @param mixed $filter
         * @param mixed $page
         * @param mixed $limit
         * @return mixed
         */
        public function storeInventories(mixed $filter = null, mixed $page = null, mixed $limit = null): mixed {}

        /**
         * `store/inventories/upload`.
         *
         * @param mixed $offers
         * @param mixed $site
         * @return mixed
         */
        public function storeInventoriesUpload(mixed $offers, mixed $site = null): mixed {}

        /**
         * `store/offers`.
         *
         * @param mixed $filter
         * @param mixed $page
         * @param mixed $limit
         * @return mixed
         */
        public function storeOffers(mixed $filter = null, mixed $page = null, mixed $limit = null): mixed {}

        /**
         * `store/prices/upload`.
         *
         * @param mixed $prices
         * @return mixed
         */
        public function storePricesUpload(mixed $prices): mixed {}

        /**
         * `store/products`.
         *
         * @param mixed $filter
         * @param mixed $page
         * @param mixed $limit
         * @return mixed
         */
        public function storeProducts(mixed $filter = null, mixed $page = null, mixed $limit = null): mixed {}

        /**
         * `tasks/create`.
         *
         * @param mixed $task
         * @param mixed $site
         * @return mixed
         */
        public function tasksCreate(mixed $task, mixed $site = null): mixed {}
    }

    /**
     * A shop's integration with its CRM. Every failure is a `ModRetailCrm\Exception`.
     */
    class Integration {
        /**
         * Builds the integration from the settings array: the `modretailcrm_*` system settings
         * (those the settings table `php-plugin/install/settings.json` gives to the extension,
         * listed with their defaults in README's "Settings"; a blank one has the table's default)
         * and MODX's `core_path` (for `{core_path}` in a path, and under which a relative
         * `modretailcrm_queue_path` lies). `modretailcrm_url`, `modretailcrm_apiKey` and
         * `modretailcrm_siteCode` are required. Opens (or creates) the outbox file.
         *
         * @param mixed $settings
         */
        public function __construct(mixed $settings) {}

        /**
         * The work after the response, once `pollDue()` said it is due: ends the response where
         * the SAPI can (PHP-FPM, LiteSpeed), delivers the outbox's due records, then pulls the
         * CRM's status changes, within `modretailcrm_poll_budget` (default 2 s). Returns the
         * actions to apply and confirm as `pullChanges()` does, or null when the work was not
         * claimed. Never throws: problems go to PHP's error log.
         *
         * @param mixed $status_codes
         * @return mixed
         */
        public function afterResponse(mixed $status_codes): mixed {}

        /**
         * Confirms action `$id` of `pullChanges()` or `afterResponse()`: applied when `$error` is
         * null, else set aside with miniShop2's refusal `$error` (listed in `status()`). Returns
         * false when it was confirmed before (nothing changes); an id never handed out is a
         * `ValidationException`.
         *
         * @param mixed $id
         * @param mixed $error
         * @return bool
         */
        public function applied(mixed $id, mixed $error = null): bool {}

        /**
         * The mapping check before go-live. `$siteReferences` is `['deliveries' => […],
         * 'payments' => […], 'statuses' => […]]`, each a list of the `toArray()` of miniShop2's
         * msDelivery / msPayment / msOrderStatus (`id`, `name`, `active`, its
         * `retailcrm_*_code`); a delivery's `payments` lists the ids of the payments offered with
         * it (msDeliveryMember). Compared with the CRM's books (read as `reference()` does).
         * Returns the findings of the active references: `['rule' => 'no_code' | 'unknown_code'
         * | 'inactive_code' | 'payment_not_allowed' | 'duplicate_status', 'book' => 'delivery' |
         * 'payment' | 'status', 'id', 'name', 'code', 'other' => the payment not allowed, or the
         * earlier status with the same code, as `['id', 'name', 'code']` (else null), 'message'
         * => one English sentence]`; `[]` when all is well.
         *
         * @param mixed $site_references
         * @return mixed
         */
        public function checkMapping(mixed $site_references): mixed {}

        /**
         * For `register_shutdown_function([$integration, 'deliverAfterResponse'])` in
         * `deferred` mode: delivers due changes for at most `$seconds` (default
         * `modretailcrm_after_response_budget`, 3 s) without the visitor waiting for the CRM,
         * unless another process of the site is delivering already (then it returns at once:
         * that process takes these changes too). Where the SAPI can end the response first
         * (`fastcgi_finish_request()` of PHP-FPM, `litespeed_finish_request()` of LiteSpeed)
         * it does, then flushes here; on the CLI (nobody waits, the process ends) it flushes
         * here; elsewhere (Apache mod_php, the built-in server) it hands the flush to a
         * background thread of this process and returns at once: the response goes out and
         * the process lives on. One such thread runs per process; a call while it runs adds
         * this outbox to its work. The thread logs to the integration's log file (inside MODX
         * there always is one); lines meant for `error_log` are passed on by the next PHP call
         * of the process that delivers. Never throws: a shutdown function has no caller to
         * catch it; problems go to the log. Returns the flush report of a flush made here,
         * else null.
         *
         * @param mixed $seconds
         * @return mixed
         */
        public function deliverAfterResponse(mixed $seconds = null): mixed {}

        /**
         * Removes a pending or dead record for good.
         *
         * @param mixed $id
         * @return void
         */
        public function discard(mixed $id): void {}

        /**
         * Queues a change (`customer.create`, `customer.edit`, `order.create`, `order.edit`,
         * `payment.edit`, or `request` with `method`, `route`, `params` and an optional `key`:
         * requests with a key are ordered apart from the others, by key); it is durable when
         * this returns. In `sync` mode the change is then delivered within the sync budget.
         * Returns `['id' => …, 'state' => 'queued'|'delivered'|'retrying'|'dead', 'result' =>
         * the CRM's ids, 'error' => …]`.
         *
         * @param mixed $kind
         * @param mixed $payload
         * @return mixed
         */
        public function enqueue(mixed $kind, mixed $payload): mixed {}

        /**
         * Delivers due changes for at most `$seconds` (default 10), waiting within that time
         * when another process of the site is delivering (one delivers at a time). Returns
         * `['delivered' => n, 'retried' => n, 'dead' => n, 'budget_exhausted' => bool, 'busy' =>
         * bool (another process delivered the whole time), 'breaker_open_until' => Unix time in
         * seconds (a float) or null (the CRM failed to answer: nothing is tried until then)]`.
         *
         * @param mixed $seconds
         * @return mixed
         */
        public function flush(mixed $seconds = null): mixed {}

        /**
         * For the MODX plugin: the integration the site's settings describe, or `null` when it
         * is inactive (settings empty or wrong, outbox unusable). Why is told to `$log`
         * (`function (string $message)`, default PHP's `error_log`) once — not on every request,
         * nor in every PHP worker — until the settings make it active again. The plugin logs it
         * as an error: a site whose orders do not reach the CRM must see it in MODX's log.
         *
         * @param mixed $settings
         * @param mixed $log
         * @return \ModRetailCrm\Integration|null
         */
        public static function forSite(mixed $settings, mixed $log = null): ?\ModRetailCrm\Integration {}

        /**
         * `OnHandleRequest`: answers a call of RetailCRM's trigger. `$request` is the HTTP
         * request (`method`, `path` without the query, `query` and `post` as `$_GET` and
         * `$_POST`, `headers` name => value, `body` the raw body, `remote_addr`), `$statusCodes`
         * the site's statuses with their CRM codes (`[ms2 status id => retailcrm_status_code]`).
         * Returns null when the request is not a webhook call (or the webhook is off: no
         * `modretailcrm_webhook_secret`): MODX goes on as usual. Else `['code' => HTTP status,
         * 'body' => JSON text, 'actions' => [['order' => order num, 'status' => ms2 status id,
         * 'order_id' => site order id when known, as `pullChanges()` gives it], …], 'log' => the
         * line to log for a refusal]`. The order is read from the CRM and its current status
         * decides (the call is only a hint); the plugin sets the action's status when the order
         * has another one.
         *
         * @param mixed $request
         * @param mixed $status_codes
         * @return mixed
         */
        public function handleRequest(mixed $request, mixed $status_codes): mixed {}

        /**
         * Moves the queue to `$to` (`'mysql'` or `'sqlite'`) from the other backend: every
         * change not delivered yet (pending and set aside) in its order, and the state (the
         * history cursor, order ids …), see README "Several web servers". Returns `moved`,
         * `state`, `from` and `to` (the file, or the server, database and table prefix).
         * Refused, moving nothing, when the target holds undelivered changes of the same orders
         * or customers.
         *
         * @param mixed $to
         * @return mixed
         */
        public function migrateQueue(mixed $to): mixed {}

        /**
         * `msOnCreateOrder`: `$data` holds `toArray()` of the order and what belongs to it:
         * `order`, `address` (msOrderAddress), `products` (list of msOrderProduct), `delivery`,
         * `payment`, `status`, `user`, `profile`, `promo` (msPromoCode's mspcOrder); the optional
         * ones may be null. Returns the queued record and the references without a CRM code.
         *
         * @param mixed $data
         * @return mixed
         */
        public function onOrderCreate(mixed $data): mixed {}

        /**
         * `msOnChangeOrderStatus`: `$data` holds `order` (msOrder `toArray()`), `status` (the new
         * msOrderStatus `toArray()`), `paid_at` (`Y-m-d H:i:s`, for a paid status) and `payment`
         * (the order's msPayment `toArray()`). Statuses in `modretailcrm_sync_statuses` with a
         * CRM code change the CRM order's status; those in `modretailcrm_paid_statuses` (default
         * 2) mark its payment paid with amount and date, creating the payment when the CRM does
         * not have it (an order sent before its payment method had a code).
         *
         * @param mixed $data
         * @return mixed
         */
        public function onOrderStatusChange(mixed $data): mixed {}

        /**
         * A manager's edit of an order: `msOnUpdateOrder` (the order window saved) and
         * `msOnCreateOrderProduct`, `msOnUpdateOrderProduct`, `msOnRemoveOrderProduct` (its
         * product grid). `$data` is shaped as for `onOrderCreate()`, read after the change. The
         * whole current order is sent as an edit (its items replace the CRM's), then its
         * payment's amount; of several pending updates of one order only the newest is sent.
         *
         * @param mixed $data
         * @return mixed
         */
        public function onOrderUpdate(mixed $data): mixed {}

        /**
         * `OnUserSave`: `$user` and `$profile` are `toArray()` of modUser and modUserProfile,
         * `$mode` is `new` or `upd`, `$context` the context key the save ran in, `$groups` the
         * user's group names. Saves outside `modretailcrm_user_contexts` (default `web`) by
         * users outside `modretailcrm_user_groups` are skipped. Returns the queued records, or
         * `['state' => 'skipped', 'reason' => …]`.
         *
         * @param mixed $user
         * @param mixed $profile
         * @param mixed $mode
         * @param mixed $context
         * @param mixed $groups
         * @return mixed
         */
        public function onUserSave(mixed $user, mixed $profile, mixed $mode, mixed $context, mixed $groups = null): mixed {}

        /**
         * For the plugin's shutdown function on every request, so that a shop without cron
         * works: whether the work after the response is due — at most once a minute per site,
         * by one PHP worker at a time, `modretailcrm_poll_budget` not 0. When it is, this
         * worker has it: call `afterResponse()`. Never throws: problems go to PHP's error log.
         *
         * @return bool
         */
        public function pollDue(): bool {}

        /**
         * The status changes made in RetailCRM since the last pull, for the site to apply:
         * reads `orders/history` after the saved position (the first pull only notes the CRM's
         * latest entry), under the rate limit deliveries share. `$statusCodes` is `[ms2 status
         * id => retailcrm_status_code]` of the site's statuses; only those in
         * `modretailcrm_sync_statuses` are set. Returns a list of `['id' => '…', 'order' =>
         * order num, 'order_id' => order id or null, 'status' => site status id, 'code' => CRM
         * code, 'crm_order_id' => …, 'changed_at' => Unix time]`, oldest first. Apply each with
         * miniShop2's `changeOrderStatus()` — nothing when the order has that status already —
         * and confirm it with `applied()`: an action not confirmed is returned again by the next
         * pull (after a crash), and the history cursor moves only past confirmed ones. Changes
         * made with this integration's own key, of other sites' or the CRM's own orders, and
         * older than a later change of their order are not returned; those that cannot be
         * applied are set aside (see `status()`). Returns `[]` while another process of the site
         * pulls or has not confirmed its actions.
         *
         * @param mixed $status_codes
         * @return mixed
         */
        public function pullChanges(mixed $status_codes): mixed {}

        /**
         * Removes delivered records older than `$days` (default `modretailcrm_keep_delivered_days`,
         * which deliveries also apply). Returns how many.
         *
         * @param mixed $days
         * @return int
         */
        public function purge(mixed $days = null): int {}

        /**
         * Starts a reconciliation of the site's recent orders with the CRM; with `$fix`,
         * differences are queued as edits. Returns a `ModRetailCrm\Reconciliation` to feed.
         *
         * @param mixed $fix
         * @return \ModRetailCrm\Reconciliation
         */
        public function reconcile(mixed $fix = null): \ModRetailCrm\Reconciliation {}

        /**
         * A reference book of the integration's CRM, as `Client::reference()` answers it
         * (`statuses`, `status-groups`, `delivery-types`, `payment-types`, `sites`,
         * `order-methods`, `stores`), read under the deliveries' rate limit and reused for a
         * minute by the process (the manager page's dropdowns).
         *
         * @param mixed $name
         * @return mixed
         */
        public function reference(mixed $name): mixed {}

        /**
         * Sends dead letters again: `'dead'` for all of them (and the CRM changes set aside,
         * handed to the site again by the next pull), `'history'` for the CRM changes set aside
         * only, or a list of record ids. Returns how many were put back.
         *
         * @param mixed $which
         * @return int
         */
        public function retry(mixed $which): int {}

        /**
         * The send mode: `deferred`, `sync` or `queue`.
         *
         * @return string
         */
        public function sendMode(): string {}

        /**
         * The outbox at a glance: counts by state (`delivered_last_day`: delivered in the last
         * 24 hours), the oldest pending age, the last success and error, blocked keys, the dead letters with the CRM's messages, the circuit breakers
         * (`breakers`: each CRM that failed to answer, with `open_until` — no worker tries it
         * before — the `reason`, and the `failures` in a row since `since`), the pending
         * records by the CRM they were queued for (`pending_by_crm`: `crm`, `pending`),
         * `outbox`, the file, `log_file`, the integration's log (null: PHP's error log), and
         * `damaged`: why the file is damaged, when it is (what could
         * still be read is shown, and every change is refused with an `OutboxException`);
         * `webhook`: the last webhook call (`code`, `verdict`, `order`, `remote_addr`, `at`) or
         * null; `history`: the CRM → site sync — `cursor` (every history entry up to it is settled)
         * and `cursor_age` (seconds since it last moved), `read` (the last entry read),
         * `latest` (the CRM's latest entry seen) and `lag` (entries between it and the cursor),
         * `pending`, `skipped` (older than a later change of their order), and the entries set
         * aside (`set_aside_count`, `set_aside`: `id`, `order`, `number`, `code`, `changed_at`,
         * `reason`, `at`; `retry('dead')` or `retry('history')` hands them out again);
         * `upload`: per kind (`customers`, `orders`) the upload's checkpoint (`selection`,
         * `after`, `uploaded`, `linked`, `skipped`, `failed`, `failures`, `in_flight`,
         * `started_at`, `finished_at`) or null; `reconcile`: the last reconciliation's report or
         * null.
         *
         * @return mixed
         */
        public function status(): mixed {}

        /**
         * For forms (the `modRetailCrmForm` FormIt hook): sends a submitted form as a CRM order
         * (a lead, or a one-click order of one product), customer or task. `$form` holds
         * `values` (FormIt's `getValues()`), `properties` (the hook's `crm*` properties and
         * FormIt's `formName`: see README, "Forms"), `page` (the resource id, naming the form
         * when nothing else does) and `time` (the submission's Unix time, default now).
         * `$findProduct` (`function (int $id): ?array`) answers the row of the product a
         * one-click order names (msProduct `toArray()`), null when the site has none. Returns
         * `['state' => 'invalid', 'errors' => [['field' => form field, 'code' => …, 'params' =>
         * […]], …]]` when the values cannot make a lead (nothing is queued; each code has the
         * lexicon entry `modretailcrm_form_{code}`), else `['state' => 'queued'|'delivered'|
         * 'retrying'|'dead', 'id' => record id, 'key' => the submission's key]`, or `'state' =>
         * 'duplicate'` when the same submission (same form, values and minute) was queued
         * before: nothing is queued again. A mistake in the properties is a `ConfigException`.
         *
         * @param mixed $form
         * @param mixed $find_product
         * @return mixed
         */
        public function submitForm(mixed $form, mixed $find_product = null): mixed {}

        /**
         * Starts (or resumes) the upload of what the shop already has: `$kind` is `customers`
         * or `orders`; `$options`: `dry_run` (map and validate, send nothing), `link_existing`
         * (link CRM customers without an externalId that match a user by e-mail or phone),
         * `since` (the date the site's reader selects from: a run over another date starts
         * over), `ids` (true when the site names the entities: no checkpoint, the CRM is asked
         * about each batch). Returns a `ModRetailCrm\Upload` to feed; see `status()['upload']`.
         *
         * @param mixed $kind
         * @param mixed $options
         * @return \ModRetailCrm\Upload
         */
        public function upload(mixed $kind, mixed $options = null): \ModRetailCrm\Upload {}
    }

    /**
     * A run of the reconciliation: hand the site's recent orders over with `addOrders()`, end
     * with `finish()`.
     */
    class Reconciliation {
        /**
         * Not for PHP code: a reconciliation comes from `Integration::reconcile()` (a
         * `ValidationException` says so).
         */
        public function __construct() {}

        /**
         * Adds orders shaped as for `Upload::addOrders()`; each 50 are compared with the CRM.
         *
         * @param mixed $rows
         * @return void
         */
        public function addOrders(mixed $rows): void {}

        /**
         * Compares what is left and returns the report (kept for `Integration::status()`):
         * `checked`, `created` (queued creates) and `missing` (their `externalId`s), `different`
         * and `differences` (`externalId`, and `total`, `status`, `paid` each with `site` and
         * `crm`), `fixed` (queued edits), `refused`, `fix`, `at`.
         *
         * @return mixed
         */
        public function finish(): mixed {}
    }

    /**
     * A run of the upload of customers or orders. Read the site from `after()` on, in the
     * order of its ids; hand the rows over with `addCustomers()` / `addOrders()` (batches of 50
     * go out as they fill); end with `finish()`. Every failure is a `ModRetailCrm\Exception`.
     */
    class Upload {
        /**
         * Not for PHP code: an upload comes from `Integration::upload()` (a
         * `ValidationException` says so).
         */
        public function __construct() {}

        /**
         * Adds users, a list of `['user' => modUser row, 'profile' => modUserProfile row]`,
         * in the order of their ids.
         *
         * @param mixed $rows
         * @return void
         */
        public function addCustomers(mixed $rows): void {}

        /**
         * Adds orders, a list of arrays shaped as `Integration::onOrderCreate()` takes them
         * (`order`, `address`, `products`, `delivery`, `payment`, `status`, `user`, `profile`,
         * `promo`), in the order of their ids. An order that cannot be mapped is listed as
         * failed with the reason.
         *
         * @param mixed $rows
         * @return void
         */
        public function addOrders(mixed $rows): void {}

        /**
         * Every site id up to this one is done (0 for a new run): read from the next one.
         *
         * @return int
         */
        public function after(): int {}

        /**
         * Shows the progress over `$total` entities left: a bar on a terminal, a line per
         * 1,000 otherwise (on standard error).
         *
         * @param mixed $total
         * @return void
         */
        public function expect(mixed $total): void {}

        /**
         * Sends what is left and returns the summary: `kind`, `dry_run`, `uploaded`, `linked`,
         * `skipped` (the CRM had them), `failed`, `failures` (`id`, `externalId`, the CRM's
         * `reason`), `after`; in a dry run `links` (`id` of the user, `crm_id`).
         *
         * @return mixed
         */
        public function finish(): mixed {}
    }
}

namespace ModRetailCrm\Icml {
    /**
     * Writes a RetailCRM ICML catalogue offer by offer to a temporary file and publishes it by
     * atomic rename in `finish()`; a writer dropped without `finish()` leaves no file behind.
     * A path ending in `.gz` (`icml.xml.gz`) is written gzip-compressed as it goes.
     * Every error is a `ModRetailCrm\Exception`: `ValidationException` for bad input (naming
     * the offer), `ConfigException` for bad options or an unusable path, `FileException` when
     * the file cannot be written or published (a full disk).
     */
    class Writer {
        /**
         * Starts a catalogue to be published at `$path`. `$shop`: `name`, `company`, optional
         * `date` (`Y-m-d H:i:s`, default now). `$options`: `map` (ICML field => product field,
         * such as `['name' => 'longtitle']`; miniShop2 names by default), `base_url` (the site's
         * address: `url` and `picture` are made absolute against it as a browser reads links,
         * `/x` from its host's root), `params` (product field => param name, default `article`,
         * `color`, `size`), `unit` (default unit), `vendors` (vendor id => name).
         *
         * @param mixed $path
         * @param mixed $shop
         * @param mixed $options
         */
        public function __construct(mixed $path, mixed $shop, mixed $options = null) {}

        /**
         * Stops without publishing: the temporary file is removed, the published file stays.
         * Does nothing on a writer already finished or aborted.
         *
         * @return void
         */
        public function abort(): void {}

        /**
         * Adds a category (`id`, `name` or `pagetitle`, `parentId` or `parent`). Every
         * category must come before the first offer.
         *
         * @param mixed $category
         * @return void
         */
        public function addCategory(mixed $category): void {}

        /**
         * Writes one offer from a product array (miniShop2 or ICML field names), and one more
         * for each msOptionsPrice2 modification in its `modifications` list
         * (`mod-{product}-{modification}`): all of them, or none when one is refused.
         *
         * @param mixed $offer
         * @return void
         */
        public function addOffer(mixed $offer): void {}

        /**
         * Writes a list of product arrays (each with its modifications, as `addOffer`): all of
         * them, or none when one is refused (the exception names its index and id). Returns
         * how many offers were written.
         *
         * @param mixed $offers
         * @return int
         */
        public function addOffers(mixed $offers): int {}

        /**
         * Writes the miniShop2 catalogue of a MySQL/MariaDB site to `$path` and publishes it
         * (as `finish()`), read by the extension itself: no PHP array per product.
         * `$database`: the site's `dsn` (MODX's PDO form), `user`, `password`, `prefix` (the
         * table prefix). `$shop` and `$options` as for the constructor (the msOption captions
         * are added to `params`). `$catalogue`: `parents` (resource ids, `[0]` = all),
         * `friendly_urls`, `modifications` (msOptionsPrice2). Returns the summary of `finish()`
         * plus `products`, `refused` and `refusals` (a product the mapping refuses is left
         * out). A database that cannot be read is a `ConfigException` naming the server and
         * the database (never the password); nothing is published then.
         *
         * @param mixed $database
         * @param mixed $path
         * @param mixed $shop
         * @param mixed $options
         * @param mixed $catalogue
         * @return mixed
         */
        public static function exportDatabase(mixed $database, mixed $path, mixed $shop, mixed $options = null, mixed $catalogue = null): mixed {}

        /**
         * Completes the catalogue and publishes it at the path by atomic rename. Returns
         * `['categories' => n, 'offers' => n, 'bytes' => n, 'path' => …, 'changed' => bool]`;
         * `changed` is false when the published file already held this catalogue apart from
         * its date: it is then left as it was (modification time included).
         *
         * @return mixed
         */
        public function finish(): mixed {}

        /**
         * Where a catalogue may be published: `$path` resolved (no `..`, no symbolic link) when
         * it is an absolute path of a `.xml` or `.xml.gz` file inside one of `$folders` (such as
         * the site's `assets/`), absent or a regular file; otherwise a `ConfigException` saying
         * why. Reads only metadata: nothing is opened or created.
         *
         * @param mixed $path
         * @param mixed $folders
         * @return string
         */
        public static function publishedPath(mixed $path, mixed $folders): string {}
    }
}

// Exception classes (registered at start-up; each carries the file, line and trace of the
// failing call). Every failure the extension reports is one of these.
namespace ModRetailCrm {
    class ApiException extends \ModRetailCrm\Exception {
        public mixed $statusCode;
        public mixed $errorMsg;
        public mixed $errors;
        public mixed $response;
        public mixed $errorClass;
    }

    class ConfigException extends \ModRetailCrm\Exception {
    }

    class Exception extends \Exception {
    }

    class FileException extends \ModRetailCrm\Exception {
    }

    class OutboxException extends \ModRetailCrm\Exception {
    }

    class RateLimitException extends \ModRetailCrm\Exception {
    }

    class TransportException extends \ModRetailCrm\Exception {
    }

    class ValidationException extends \ModRetailCrm\Exception {
    }

}
