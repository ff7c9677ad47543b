//! `ModRetailCrm\Integration`: a shop's link to its CRM, built from the `modretailcrm_*`
//! system settings. Changes are queued durably in the outbox and delivered after the
//! response, within a budget, or by cron, as `modretailcrm_send_mode` says.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ext_php_rs::boxed::ZBox;
use ext_php_rs::prelude::*;
use ext_php_rs::types::{ZendCallable, ZendClassObject, Zval};
use serde_json::{Value, json};

use crate::php::args;
use crate::php::convert::to_zval;
use crate::php::custom::SiteClasses;
use crate::php::exceptions::{Kind, config, internal, validation};
use crate::php::form;
use crate::php::history::{actions_json, history_error, status_json as history_status_json};
use crate::php::log::PhpLog;
use crate::php::mapping_check;
use crate::php::upload::{self, Reconciliation, Upload};
use crate::php::webhook;
use modretailcrm_core::config::{DEFAULT_LOG_MAX_BYTES, InactiveNote, QueueBackend, SendMode};
use modretailcrm_core::logging::LineSink;
use modretailcrm_core::mapping::form::{self as form_lead, FormSpec};
use modretailcrm_core::mapping::{OrderInput, StatusChangeInput};
use modretailcrm_core::outbox::{Confirmation, OutboxError, OutboxStatus, RetrySelection};
use modretailcrm_core::sync::activation::{self, Inactive};
use modretailcrm_core::sync::background;
use modretailcrm_core::sync::change::Change;
use modretailcrm_core::sync::engine::{Engine, FlushReport, LockWait, Settled};
use modretailcrm_core::sync::form as sync_form;
use modretailcrm_core::sync::inbound::history::{HistorySync, Pulled};
use modretailcrm_core::sync::inbound::{self, SiteStatuses};
use modretailcrm_core::sync::reconcile;
use modretailcrm_core::sync::send::{self, Queued, SendError};
use modretailcrm_core::sync::shop_event::{EventError, EventOutcome, NOTHING_TO_SEND, ShopEvents};
use modretailcrm_core::sync::upload::Kind as UploadKind;
use modretailcrm_core::sync::upload::checkpoint::Checkpoint;

/// The default time `flush()` may take when no budget is given (seconds).
const DEFAULT_FLUSH_BUDGET: f64 = 10.0;

/// The time `pullChanges()` may spend reading the CRM's history.
const PULL_BUDGET: Duration = Duration::from_secs(10);

/// A shop's integration with its CRM. Every failure is a `ModRetailCrm\Exception`.
#[php_class]
#[php(name = "ModRetailCrm\\Integration")]
pub struct Integration {
    engine: Engine,
    log: PhpLog,
    history: HistorySync,
}

#[php_impl]
impl Integration {
    /// Builds the integration from the settings array: the `modretailcrm_*` system settings
    /// (those the settings table `php-plugin/install/settings.json` gives to the extension,
    /// listed with their defaults in README's "Settings"; a blank one has the table's default)
    /// and MODX's `core_path` (for `{core_path}` in a path, and under which a relative
    /// `modretailcrm_queue_path` lies). `modretailcrm_url`, `modretailcrm_apiKey` and
    /// `modretailcrm_siteCode` are required. Opens (or creates) the outbox file.
    pub fn __construct(settings: &Zval) -> PhpResult<Self> {
        let map = args::optional_map(Some(settings), "$settings")?;
        Self::open(&map).map_err(inactive_exception)
    }

    /// For the MODX plugin: the integration the site's settings describe, or `null` when it
    /// is inactive (settings empty or wrong, outbox unusable). Why is told to `$log`
    /// (`function (string $message)`, default PHP's `error_log`) once — not on every request,
    /// nor in every PHP worker — until the settings make it active again. The plugin logs it
    /// as an error: a site whose orders do not reach the CRM must see it in MODX's log.
    pub fn for_site(
        settings: &Zval,
        log: Option<&Zval>,
    ) -> PhpResult<Option<ZBox<ZendClassObject<Integration>>>> {
        let map = args::optional_map(Some(settings), "$settings")?;
        let log = match log.map(Zval::dereference) {
            Some(log) if log.is_callable() => Some(log),
            Some(log) if !log.is_null() => return Err(validation("$log must be callable")),
            _ => None,
        };
        let note = InactiveNote::for_settings(&map);
        match Self::open(&map) {
            Ok(integration) => {
                note.clear();
                Ok(Some(ZendClassObject::new(integration)))
            }
            Err(inactive) => {
                let message = inactive.to_string();
                if note.is_news(&message) {
                    let told = match log {
                        Some(log) => {
                            ZendCallable::new(log).and_then(|log| log.try_call(vec![&message]))
                        }
                        None => ZendCallable::try_from_name("error_log").and_then(|log| {
                            log.try_call(vec![&format!("modretailcrm: {message}")])
                        }),
                    };
                    told.map_err(|e| internal(format!("the log callback failed: {e}")))?;
                }
                Ok(None)
            }
        }
    }

    /// Queues a change (`customer.create`, `customer.edit`, `order.create`, `order.edit`,
    /// `payment.edit`, or `request` with `method`, `route`, `params` and an optional `key`:
    /// requests with a key are ordered apart from the others, by key); it is durable when
    /// this returns. In `sync` mode the change is then delivered within the sync budget.
    /// Returns `['id' => …, 'state' => 'queued'|'delivered'|'retrying'|'dead', 'result' =>
    /// the CRM's ids, 'error' => …]`.
    pub fn enqueue(&self, kind: &Zval, payload: &Zval) -> PhpResult<Zval> {
        let kind = args::string(kind, "$kind")?;
        let payload = args::array(payload, "$payload")?;
        let change = Change::parse(&kind, payload).map_err(validation)?;
        let sent = send::send(&self.engine, &change);
        let queued = self.after_sending(sent)?.map_err(send_error)?;
        to_zval(&record_json(&queued))
    }

    /// For forms (the `modRetailCrmForm` FormIt hook): sends a submitted form as a CRM order
    /// (a lead, or a one-click order of one product), customer or task. `$form` holds
    /// `values` (FormIt's `getValues()`), `properties` (the hook's `crm*` properties and
    /// FormIt's `formName`: see README, "Forms"), `page` (the resource id, naming the form
    /// when nothing else does) and `time` (the submission's Unix time, default now).
    /// `$findProduct` (`function (int $id): ?array`) answers the row of the product a
    /// one-click order names (msProduct `toArray()`), null when the site has none. Returns
    /// `['state' => 'invalid', 'errors' => [['field' => form field, 'code' => …, 'params' =>
    /// […]], …]]` when the values cannot make a lead (nothing is queued; each code has the
    /// lexicon entry `modretailcrm_form_{code}`), else `['state' => 'queued'|'delivered'|
    /// 'retrying'|'dead', 'id' => record id, 'key' => the submission's key]`, or `'state' =>
    /// 'duplicate'` when the same submission (same form, values and minute) was queued
    /// before: nothing is queued again. A mistake in the properties is a `ConfigException`.
    pub fn submit_form(&self, form: &Zval, find_product: Option<&Zval>) -> PhpResult<Zval> {
        let submission = form::Submission::read(form)?;
        let order_method = self.engine.settings().mapping.order_method.as_deref();
        let spec = FormSpec::parse(&submission.properties, submission.page, order_method)
            .map_err(config)?;
        let product = match form_lead::product_id(&spec, &submission.values) {
            Some(id) => form::find_product(find_product, id)?,
            None => None,
        };
        match form_lead::lead(&spec, &submission.values, product.as_ref(), submission.time) {
            Err(problems) => to_zval(&form::problems_json(&problems)),
            Ok(lead) => {
                let sent = sync_form::submit(&self.engine, lead);
                let submitted = self.after_sending(sent)?.map_err(send_error)?;
                to_zval(&form::submitted_json(&submitted))
            }
        }
    }

    /// `OnUserSave`: `$user` and `$profile` are `toArray()` of modUser and modUserProfile,
    /// `$mode` is `new` or `upd`, `$context` the context key the save ran in, `$groups` the
    /// user's group names. Saves outside `modretailcrm_user_contexts` (default `web`) by
    /// users outside `modretailcrm_user_groups` are skipped. Returns the queued records, or
    /// `['state' => 'skipped', 'reason' => …]`.
    pub fn on_user_save(
        &self,
        user: &Zval,
        profile: &Zval,
        mode: &Zval,
        context: &Zval,
        groups: Option<&Zval>,
    ) -> PhpResult<Zval> {
        let user = args::array(user, "$user")?;
        let profile = args::array(profile, "$profile")?;
        let mode = args::string(mode, "$mode")?;
        let context = args::string(context, "$context")?;
        let groups: Vec<String> = args::optional_list(groups, "$groups")?
            .iter()
            .filter_map(|g| g.as_str().map(str::to_string))
            .collect();
        let outcome = self
            .events()
            .user_saved(&user, &profile, &mode, &context, &groups);
        self.event_result(outcome)
    }

    /// `msOnCreateOrder`: `$data` holds `toArray()` of the order and what belongs to it:
    /// `order`, `address` (msOrderAddress), `products` (list of msOrderProduct), `delivery`,
    /// `payment`, `status`, `user`, `profile`, `promo` (msPromoCode's mspcOrder); the optional
    /// ones may be null. Returns the queued record and the references without a CRM code.
    pub fn on_order_create(&self, data: &Zval) -> PhpResult<Zval> {
        let outcome = with_order_input(data, |input, source| {
            self.events().order_created(input, source)
        })?;
        self.event_result(outcome)
    }

    /// A manager's edit of an order: `msOnUpdateOrder` (the order window saved) and
    /// `msOnCreateOrderProduct`, `msOnUpdateOrderProduct`, `msOnRemoveOrderProduct` (its
    /// product grid). `$data` is shaped as for `onOrderCreate()`, read after the change. The
    /// whole current order is sent as an edit (its items replace the CRM's), then its
    /// payment's amount; of several pending updates of one order only the newest is sent.
    pub fn on_order_update(&self, data: &Zval) -> PhpResult<Zval> {
        let outcome = with_order_input(data, |input, source| {
            self.events().order_updated(input, source)
        })?;
        self.event_result(outcome)
    }

    /// `msOnChangeOrderStatus`: `$data` holds `order` (msOrder `toArray()`), `status` (the new
    /// msOrderStatus `toArray()`), `paid_at` (`Y-m-d H:i:s`, for a paid status) and `payment`
    /// (the order's msPayment `toArray()`). Statuses in `modretailcrm_sync_statuses` with a
    /// CRM code change the CRM order's status; those in `modretailcrm_paid_statuses` (default
    /// 2) mark its payment paid with amount and date, creating the payment when the CRM does
    /// not have it (an order sent before its payment method had a code).
    pub fn on_order_status_change(&self, data: &Zval) -> PhpResult<Zval> {
        let data = args::optional_map(Some(data), "$data")?;
        let order = data
            .get("order")
            .ok_or_else(|| validation("$data[order] is required"))?;
        let status = data
            .get("status")
            .ok_or_else(|| validation("$data[status] is required"))?;
        let paid_at = data
            .get("paid_at")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let input = StatusChangeInput {
            order,
            status,
            paid_at,
            payment: data.get("payment"),
        };
        let outcome = self.events().status_changed(&input);
        self.event_result(outcome)
    }

    /// `OnHandleRequest`: answers a call of RetailCRM's trigger. `$request` is the HTTP
    /// request (`method`, `path` without the query, `query` and `post` as `$_GET` and
    /// `$_POST`, `headers` name => value, `body` the raw body, `remote_addr`), `$statusCodes`
    /// the site's statuses with their CRM codes (`[ms2 status id => retailcrm_status_code]`).
    /// Returns null when the request is not a webhook call (or the webhook is off: no
    /// `modretailcrm_webhook_secret`): MODX goes on as usual. Else `['code' => HTTP status,
    /// 'body' => JSON text, 'actions' => [['order' => order num, 'status' => ms2 status id,
    /// 'order_id' => site order id when known, as `pullChanges()` gives it], …], 'log' => the
    /// line to log for a refusal]`. The order is read from the CRM and its current status
    /// decides (the call is only a hint); the plugin sets the action's status when the order
    /// has another one.
    pub fn handle_request(&self, request: &Zval, status_codes: &Zval) -> PhpResult<Option<Zval>> {
        let request = webhook::http_request(request)?;
        let codes = args::array(status_codes, "$statusCodes")?;
        let answer = inbound::webhook::handle(&self.engine, &request, &codes);
        self.log.pass_lines()?;
        answer
            .map(|answer| to_zval(&webhook::answer_json(&answer)))
            .transpose()
    }

    /// The send mode: `deferred`, `sync` or `queue`.
    pub fn send_mode(&self) -> &'static str {
        match self.engine.settings().send_mode {
            SendMode::Deferred => "deferred",
            SendMode::Sync => "sync",
            SendMode::Queue => "queue",
        }
    }

    /// Delivers due changes for at most `$seconds` (default 10), waiting within that time
    /// when another process of the site is delivering (one delivers at a time). Returns
    /// `['delivered' => n, 'retried' => n, 'dead' => n, 'budget_exhausted' => bool, 'busy' =>
    /// bool (another process delivered the whole time), 'breaker_open_until' => Unix time in
    /// seconds (a float) or null (the CRM failed to answer: nothing is tried until then)]`.
    pub fn flush(&self, seconds: Option<&Zval>) -> PhpResult<Zval> {
        let budget = seconds_arg(seconds, "$seconds", DEFAULT_FLUSH_BUDGET)?;
        self.flush_report(budget, LockWait::Wait)
    }

    /// For `register_shutdown_function([$integration, 'deliverAfterResponse'])` in
    /// `deferred` mode: delivers due changes for at most `$seconds` (default
    /// `modretailcrm_after_response_budget`, 3 s) without the visitor waiting for the CRM,
    /// unless another process of the site is delivering already (then it returns at once:
    /// that process takes these changes too). Where the SAPI can end the response first
    /// (`fastcgi_finish_request()` of PHP-FPM, `litespeed_finish_request()` of LiteSpeed)
    /// it does, then flushes here; on the CLI (nobody waits, the process ends) it flushes
    /// here; elsewhere (Apache mod_php, the built-in server) it hands the flush to a
    /// background thread of this process and returns at once: the response goes out and
    /// the process lives on. One such thread runs per process; a call while it runs adds
    /// this outbox to its work. The thread logs to the integration's log file (inside MODX
    /// there always is one); lines meant for `error_log` are passed on by the next PHP call
    /// of the process that delivers. Never throws: a shutdown function has no caller to
    /// catch it; problems go to the log. Returns the flush report of a flush made here,
    /// else null.
    pub fn deliver_after_response(&self, seconds: Option<&Zval>) -> Option<Zval> {
        let delivered = self.after_response_budget(seconds).and_then(|budget| {
            if end_response() || sapi_name().is_none_or(|name| name == "cli") {
                self.flush_report(budget, LockWait::Skip).map(Some)
            } else {
                self.deliver_in_background(budget)
            }
        });
        match delivered {
            Ok(report) => report,
            Err(error) => {
                log_to_php(&format!(
                    "modretailcrm: delivery after the response failed: {error:?}"
                ));
                None
            }
        }
    }

    /// The outbox at a glance: counts by state (`delivered_last_day`: delivered in the last
    /// 24 hours), the oldest pending age, the last success and error, blocked keys, the dead letters with the CRM's messages, the circuit breakers
    /// (`breakers`: each CRM that failed to answer, with `open_until` — no worker tries it
    /// before — the `reason`, and the `failures` in a row since `since`), the pending
    /// records by the CRM they were queued for (`pending_by_crm`: `crm`, `pending`),
    /// `outbox`, the file, `log_file`, the integration's log (null: PHP's error log), and
    /// `damaged`: why the file is damaged, when it is (what could
    /// still be read is shown, and every change is refused with an `OutboxException`);
    /// `webhook`: the last webhook call (`code`, `verdict`, `order`, `remote_addr`, `at`) or
    /// null; `history`: the CRM → site sync — `cursor` (every history entry up to it is settled)
    /// and `cursor_age` (seconds since it last moved), `read` (the last entry read),
    /// `latest` (the CRM's latest entry seen) and `lag` (entries between it and the cursor),
    /// `pending`, `skipped` (older than a later change of their order), and the entries set
    /// aside (`set_aside_count`, `set_aside`: `id`, `order`, `number`, `code`, `changed_at`,
    /// `reason`, `at`; `retry('dead')` or `retry('history')` hands them out again);
    /// `upload`: per kind (`customers`, `orders`) the upload's checkpoint (`selection`,
    /// `after`, `uploaded`, `linked`, `skipped`, `failed`, `failures`, `in_flight`,
    /// `started_at`, `finished_at`) or null; `reconcile`: the last reconciliation's report or
    /// null.
    pub fn status(&self) -> PhpResult<Zval> {
        let now = SystemTime::now();
        let outbox = self.engine.outbox();
        let status = outbox.status(now).map_err(outbox_error)?;
        let mut json = status_json(&status);
        json["outbox"] = json!(self.engine.outbox().path().to_string_lossy());
        json["log_file"] = (self.engine.settings().log_file.as_ref())
            .map_or(Value::Null, |log| json!(log.path.to_string_lossy()));
        json["webhook"] = inbound::webhook::last_call(&self.engine)
            .map_err(outbox_error)?
            .unwrap_or(Value::Null);
        let history = outbox.history_status().map_err(outbox_error)?;
        json["history"] = history_status_json(&history, now);
        json["upload"] = upload_status(outbox)?;
        json["reconcile"] = reconcile::last_run(&self.engine)
            .map_err(outbox_error)?
            .unwrap_or(Value::Null);
        to_zval(&json)
    }

    /// Starts (or resumes) the upload of what the shop already has: `$kind` is `customers`
    /// or `orders`; `$options`: `dry_run` (map and validate, send nothing), `link_existing`
    /// (link CRM customers without an externalId that match a user by e-mail or phone),
    /// `since` (the date the site's reader selects from: a run over another date starts
    /// over), `ids` (true when the site names the entities: no checkpoint, the CRM is asked
    /// about each batch). Returns a `ModRetailCrm\Upload` to feed; see `status()['upload']`.
    pub fn upload(
        &self,
        kind: &Zval,
        options: Option<&Zval>,
    ) -> PhpResult<ZBox<ZendClassObject<Upload>>> {
        upload::start(&self.engine, kind, options)
    }

    /// Starts a reconciliation of the site's recent orders with the CRM; with `$fix`,
    /// differences are queued as edits. Returns a `ModRetailCrm\Reconciliation` to feed.
    pub fn reconcile(
        &self,
        fix: Option<&Zval>,
    ) -> PhpResult<ZBox<ZendClassObject<Reconciliation>>> {
        let fix = match fix.map(Zval::dereference) {
            Some(fix) if !fix.is_null() => fix
                .bool()
                .ok_or_else(|| validation("$fix must be true or false"))?,
            _ => false,
        };
        Ok(upload::reconcile(&self.engine, fix))
    }

    /// Sends dead letters again: `'dead'` for all of them (and the CRM changes set aside,
    /// handed to the site again by the next pull), `'history'` for the CRM changes set aside
    /// only, or a list of record ids. Returns how many were put back.
    pub fn retry(&self, which: &Zval) -> PhpResult<i64> {
        let outbox = self.engine.outbox();
        let history = match which.dereference().str() {
            Some("dead" | "history") => outbox.retry_history().map_err(outbox_error)?,
            _ => 0,
        };
        let history = i64::try_from(history).unwrap_or(i64::MAX);
        let selection = match which.dereference().str() {
            Some("history") => return Ok(history),
            Some("dead") => RetrySelection::AllDead,
            _ => {
                let ids = args::list(which, "$which")?
                    .iter()
                    .map(|id| {
                        id.as_i64().ok_or_else(|| {
                            validation("$which must be 'dead' or a list of record ids")
                        })
                    })
                    .collect::<PhpResult<Vec<_>>>()?;
                RetrySelection::Ids(ids)
            }
        };
        let count = outbox
            .retry(&selection, SystemTime::now())
            .map_err(outbox_error)?;
        Ok(i64::try_from(count)
            .unwrap_or(i64::MAX)
            .saturating_add(history))
    }

    /// A reference book of the integration's CRM, as `Client::reference()` answers it
    /// (`statuses`, `status-groups`, `delivery-types`, `payment-types`, `sites`,
    /// `order-methods`, `stores`), read under the deliveries' rate limit and reused for a
    /// minute by the process (the manager page's dropdowns).
    pub fn reference(&self, name: &Zval) -> PhpResult<Zval> {
        let answer = mapping_check::reference(&self.engine, name);
        self.log.pass_lines()?;
        answer
    }

    /// The mapping check before go-live. `$siteReferences` is `['deliveries' => […],
    /// 'payments' => […], 'statuses' => […]]`, each a list of the `toArray()` of miniShop2's
    /// msDelivery / msPayment / msOrderStatus (`id`, `name`, `active`, its
    /// `retailcrm_*_code`); a delivery's `payments` lists the ids of the payments offered with
    /// it (msDeliveryMember). Compared with the CRM's books (read as `reference()` does).
    /// Returns the findings of the active references: `['rule' => 'no_code' | 'unknown_code'
    /// | 'inactive_code' | 'payment_not_allowed' | 'duplicate_status', 'book' => 'delivery' |
    /// 'payment' | 'status', 'id', 'name', 'code', 'other' => the payment not allowed, or the
    /// earlier status with the same code, as `['id', 'name', 'code']` (else null), 'message'
    /// => one English sentence]`; `[]` when all is well.
    pub fn check_mapping(&self, site_references: &Zval) -> PhpResult<Zval> {
        let findings = mapping_check::check(&self.engine, site_references);
        self.log.pass_lines()?;
        findings
    }

    /// Removes a pending or dead record for good.
    pub fn discard(&self, id: &Zval) -> PhpResult<()> {
        let id = args::integer(Some(id), "$id", 0, 1..=i64::MAX)?;
        self.engine
            .outbox()
            .discard(id, SystemTime::now())
            .map_err(outbox_error)
    }

    /// Moves the queue to `$to` (`'mysql'` or `'sqlite'`) from the other backend: every
    /// change not delivered yet (pending and set aside) in its order, and the state (the
    /// history cursor, order ids …), see README "Several web servers". Returns `moved`,
    /// `state`, `from` and `to` (the file, or the server, database and table prefix).
    /// Refused, moving nothing, when the target holds undelivered changes of the same orders
    /// or customers.
    pub fn migrate_queue(&self, to: &Zval) -> PhpResult<Zval> {
        let to = match args::string(to, "$to")?.as_str() {
            "mysql" => QueueBackend::Mysql,
            "sqlite" => QueueBackend::Sqlite,
            other => {
                return Err(Kind::Validation
                    .exception(format!("$to must be 'mysql' or 'sqlite', not {other:?}"), 0));
            }
        };
        let (moved, from, to) = self.engine.migrate_queue(to).map_err(outbox_error)?;
        to_zval(&json!({
            "moved": moved.records,
            "state": moved.state_rows,
            "from": from,
            "to": to,
        }))
    }

    /// Removes delivered records older than `$days` (default `modretailcrm_keep_delivered_days`,
    /// which deliveries also apply). Returns how many.
    pub fn purge(&self, days: Option<&Zval>) -> PhpResult<i64> {
        let kept = self.engine.settings().keep_delivered.as_secs() / 86_400;
        let kept = i64::try_from(kept).unwrap_or(36_500);
        let days = args::integer(days, "$days", kept, 0..=36_500)?;
        let age = Duration::from_secs(u64::try_from(days).unwrap_or(0) * 86_400);
        let before = SystemTime::now().checked_sub(age).unwrap_or(UNIX_EPOCH);
        let count = self.engine.outbox().purge(before).map_err(outbox_error)?;
        Ok(i64::try_from(count).unwrap_or(i64::MAX))
    }

    /// The status changes made in RetailCRM since the last pull, for the site to apply:
    /// reads `orders/history` after the saved position (the first pull only notes the CRM's
    /// latest entry), under the rate limit deliveries share. `$statusCodes` is `[ms2 status
    /// id => retailcrm_status_code]` of the site's statuses; only those in
    /// `modretailcrm_sync_statuses` are set. Returns a list of `['id' => '…', 'order' =>
    /// order num, 'order_id' => order id or null, 'status' => site status id, 'code' => CRM
    /// code, 'crm_order_id' => …, 'changed_at' => Unix time]`, oldest first. Apply each with
    /// miniShop2's `changeOrderStatus()` — nothing when the order has that status already —
    /// and confirm it with `applied()`: an action not confirmed is returned again by the next
    /// pull (after a crash), and the history cursor moves only past confirmed ones. Changes
    /// made with this integration's own key, of other sites' or the CRM's own orders, and
    /// older than a later change of their order are not returned; those that cannot be
    /// applied are set aside (see `status()`). Returns `[]` while another process of the site
    /// pulls or has not confirmed its actions.
    pub fn pull_changes(&self, status_codes: &Zval) -> PhpResult<Zval> {
        let statuses = self.site_statuses(status_codes)?;
        let pulled = self.history.pull(&self.engine, &statuses, PULL_BUDGET);
        self.log.pass_lines()?;
        match pulled.map_err(history_error)? {
            Pulled::Busy => to_zval(&json!([])),
            Pulled::Actions(actions) => to_zval(&actions_json(&actions)),
        }
    }

    /// Confirms action `$id` of `pullChanges()` or `afterResponse()`: applied when `$error` is
    /// null, else set aside with miniShop2's refusal `$error` (listed in `status()`). Returns
    /// false when it was confirmed before (nothing changes); an id never handed out is a
    /// `ValidationException`.
    pub fn applied(&self, id: &Zval, error: Option<&Zval>) -> PhpResult<bool> {
        let id = args::string(id, "$id")?;
        let error = args::optional_string(error, "$error")?;
        let confirmation = self
            .history
            .applied(&self.engine, &id, error.as_deref())
            .map_err(history_error)?;
        Ok(confirmation == Confirmation::Settled)
    }

    /// For the plugin's shutdown function on every request, so that a shop without cron
    /// works: whether the work after the response is due — at most once a minute per site,
    /// by one PHP worker at a time, `modretailcrm_poll_budget` not 0. When it is, this
    /// worker has it: call `afterResponse()`. Never throws: problems go to PHP's error log.
    pub fn poll_due(&self) -> bool {
        match self.history.claim_poll(&self.engine) {
            Ok(due) => due,
            Err(error) => {
                log_to_php(&format!(
                    "modretailcrm: the work after the response failed: {error}"
                ));
                false
            }
        }
    }

    /// The work after the response, once `pollDue()` said it is due: ends the response where
    /// the SAPI can (PHP-FPM, LiteSpeed), delivers the outbox's due records, then pulls the
    /// CRM's status changes, within `modretailcrm_poll_budget` (default 2 s). Returns the
    /// actions to apply and confirm as `pullChanges()` does, or null when the work was not
    /// claimed. Never throws: problems go to PHP's error log.
    pub fn after_response(&self, status_codes: &Zval) -> Option<Zval> {
        let statuses = match self.site_statuses(status_codes) {
            Ok(statuses) => statuses,
            Err(error) => {
                log_to_php(&format!("modretailcrm: afterResponse(): {error:?}"));
                return None;
            }
        };
        end_response();
        let actions = self.history.run_poll(&self.engine, &statuses);
        if let Err(error) = self.log.pass_lines() {
            log_to_php(&format!("modretailcrm: the API log: {error:?}"));
        }
        match actions {
            Ok(Some(actions)) => to_zval(&actions_json(&actions)).ok(),
            Ok(None) => None,
            Err(error) => {
                log_to_php(&format!(
                    "modretailcrm: the work after the response failed: {error}"
                ));
                None
            }
        }
    }
}

impl Integration {
    /// The integration `settings` describe, or why there is none.
    fn open(settings: &serde_json::Map<String, Value>) -> Result<Self, Inactive> {
        let settings = activation::settings(settings)?;
        let log = PhpLog::new(
            settings.log,
            settings.log_file.clone(),
            DEFAULT_LOG_MAX_BYTES,
            None,
        );
        let engine = activation::engine(settings, Some(log.sink()))?;
        Ok(Integration {
            engine,
            log,
            history: HistorySync::new(),
        })
    }

    /// The site's statuses from the plugin's `[ms2 status id => retailcrm_status_code]`.
    fn site_statuses(&self, status_codes: &Zval) -> PhpResult<SiteStatuses> {
        let codes = args::array(status_codes, "$statusCodes")?;
        let synced: Vec<u64> = (self.engine.settings().status_rules.sync_statuses.iter())
            .filter_map(|id| u64::try_from(*id).ok())
            .collect();
        SiteStatuses::from_json(&codes, &synced)
            .map_err(|problem| validation(format!("$statusCodes: {problem}")))
    }

    /// The shop events of this integration, a failing site class told to PHP's error log.
    fn events(&self) -> ShopEvents<'_> {
        ShopEvents {
            engine: &self.engine,
            customizer: &SiteClasses,
            log: &ErrorLog,
        }
    }

    /// An event's outcome for PHP: `['state' => the last record's state, 'records' => […],
    /// 'unmapped' => […]]`, or `['state' => 'skipped', 'reason' => …]`.
    fn event_result(&self, outcome: Result<EventOutcome, EventError>) -> PhpResult<Zval> {
        let outcome = match self.after_sending(outcome)? {
            Ok(outcome) => outcome,
            Err(EventError::Mapping(error)) => return Err(validation(error.to_string())),
            Err(EventError::Send(error)) => return Err(send_error(error)),
        };
        let state = outcome.state();
        to_zval(&match outcome {
            EventOutcome::Skipped(skip) => json!({"state": state, "reason": skip.reason()}),
            EventOutcome::NothingToSend { unmapped } => {
                json!({"state": state, "reason": NOTHING_TO_SEND, "unmapped": unmapped})
            }
            EventOutcome::Queued { records, unmapped } => {
                let records: Vec<Value> = records.iter().map(record_json).collect();
                json!({"state": state, "records": records, "unmapped": unmapped})
            }
        })
    }

    /// `result` of a call that may have delivered (a `sync` send), once the API log's lines
    /// are handed on.
    fn after_sending<T>(&self, result: T) -> PhpResult<T> {
        if self.engine.settings().send_mode == SendMode::Sync {
            self.log.pass_lines()?;
        }
        Ok(result)
    }

    /// The budget of a delivery after the response: `$seconds`, else the setting.
    fn after_response_budget(&self, seconds: Option<&Zval>) -> PhpResult<Duration> {
        let default = self.engine.settings().after_response_budget.as_secs_f64();
        seconds_arg(seconds, "$seconds", default)
    }

    /// Flushes for `budget` and answers the report as `flush()` does.
    fn flush_report(&self, budget: Duration, wait: LockWait) -> PhpResult<Zval> {
        let report = self.run_flush(budget, wait)?;
        to_zval(&json!({
            "delivered": report.delivered,
            "retried": report.retried,
            "dead": report.dead,
            "budget_exhausted": report.budget_exhausted,
            "busy": report.busy,
            "breaker_open_until": report.breaker_open_until.map(unix_precise),
        }))
    }

    /// Hands a flush of `budget` to the process's background thread; flushes here when no
    /// thread can be started.
    fn deliver_in_background(&self, budget: Duration) -> PhpResult<Option<Zval>> {
        self.log.pass_lines()?;
        let engine = self
            .engine
            .worker_with_log(Some(self.log.background_sink()));
        match background::deliver(engine, budget) {
            Ok(()) => Ok(None),
            Err(error) => {
                log_to_php(&format!(
                    "modretailcrm: cannot start a thread to deliver after the response ({error}); delivering now"
                ));
                self.flush_report(budget, LockWait::Skip).map(Some)
            }
        }
    }

    /// Flushes for `budget`, then hands on the API log's lines.
    fn run_flush(&self, budget: Duration, wait: LockWait) -> PhpResult<FlushReport> {
        let report = send::flush(&self.engine, budget, None, wait);
        self.log.pass_lines()?;
        report.map_err(send_error)
    }
}

/// The exception `new Integration()` throws for an inactive site.
/// Calls `handle` with the order `$data` holds (see `onOrderCreate()`) and `$data` itself as
/// the source rows for the site's class.
fn with_order_input<T>(data: &Zval, handle: impl FnOnce(&OrderInput, &Value) -> T) -> PhpResult<T> {
    let source = Value::Object(args::optional_map(Some(data), "$data")?);
    let input =
        OrderInput::from_rows(&source).map_err(|error| validation(format!("$data: {error}")))?;
    Ok(handle(&input, &source))
}

fn inactive_exception(inactive: Inactive) -> PhpException {
    match inactive {
        Inactive::NotConfigured => config(
            "the integration is not configured: set modretailcrm_url, modretailcrm_apiKey and modretailcrm_siteCode",
        ),
        Inactive::Settings(problem) => config(problem),
        Inactive::Outbox(error) => outbox_error(error),
    }
}

/// PHP's error log as a sink of lines.
pub(crate) struct ErrorLog;

impl LineSink for ErrorLog {
    fn write_line(&self, line: &str) {
        log_to_php(line);
    }
}

/// Ends the response to the visitor where the SAPI can: `fastcgi_finish_request()` (PHP-FPM)
/// or `litespeed_finish_request()` (LiteSpeed). Whether one was there to call.
fn end_response() -> bool {
    ["fastcgi_finish_request", "litespeed_finish_request"]
        .into_iter()
        .any(|name| {
            ZendCallable::try_from_name(name).is_ok_and(|finish| finish.try_call(vec![]).is_ok())
        })
}

/// `php_sapi_name()`: `cli`, `fpm-fcgi`, `apache2handler`, `cli-server` …
fn sapi_name() -> Option<String> {
    ZendCallable::try_from_name("php_sapi_name")
        .and_then(|name| name.try_call(vec![]))
        .ok()
        .and_then(|name| name.str().map(str::to_string))
}

/// Writes a line to PHP's error log (MODX's, inside MODX).
fn log_to_php(line: &str) {
    if let Ok(error_log) = ZendCallable::try_from_name("error_log") {
        let _ = error_log.try_call(vec![&line]);
    }
}

fn seconds_arg(value: Option<&Zval>, name: &str, default: f64) -> PhpResult<Duration> {
    let seconds = match value.map(Zval::dereference) {
        None => default,
        Some(value) if value.is_null() => default,
        Some(value) => value
            .double()
            .or_else(|| value.long().map(|n| n as f64))
            .ok_or_else(|| validation(format!("{name} must be a number of seconds")))?,
    };
    if seconds.is_finite() && (0.0..=3600.0).contains(&seconds) {
        Ok(Duration::from_secs_f64(seconds))
    } else {
        Err(validation(format!(
            "{name} must be between 0 and 3600 seconds, {seconds} given"
        )))
    }
}

fn outbox_error(error: OutboxError) -> PhpException {
    Kind::Outbox.exception(error.to_string(), 0)
}

fn send_error(error: SendError) -> PhpException {
    match error {
        SendError::Outbox(error) => outbox_error(error),
        runtime @ SendError::Runtime(_) => internal(runtime.to_string()),
    }
}

/// A queued record for PHP: `['id' => …, 'state' => …]` with the CRM's ids (`result`) or
/// the failure (`error`) when it was delivered at once.
fn record_json(queued: &Queued) -> Value {
    let mut record = json!({"id": queued.id, "state": queued.state()});
    match &queued.settled {
        None => {}
        Some(Settled::Delivered(result)) => record["result"] = result.clone(),
        Some(Settled::Retrying(error) | Settled::Dead(error)) => record["error"] = json!(error),
    }
    record
}

fn unix(time: SystemTime) -> Value {
    time.duration_since(UNIX_EPOCH)
        .map_or(Value::Null, |d| json!(d.as_secs()))
}

/// Unix time in seconds with the milliseconds.
fn unix_precise(time: SystemTime) -> Value {
    time.duration_since(UNIX_EPOCH)
        .map_or(Value::Null, |d| json!(d.as_secs_f64()))
}

/// Each kind's upload checkpoint (see `upload()`), or null when it never ran.
fn upload_status(outbox: &modretailcrm_core::outbox::Outbox) -> PhpResult<Value> {
    let mut kinds = serde_json::Map::new();
    for kind in [UploadKind::Customers, UploadKind::Orders] {
        let kept = outbox
            .inbound_state(&Checkpoint::name(kind))
            .map_err(outbox_error)?
            .and_then(|(text, _)| serde_json::from_str::<Value>(&text).ok());
        kinds.insert(kind.plural().into(), kept.unwrap_or(Value::Null));
    }
    Ok(Value::Object(kinds))
}

fn status_json(status: &OutboxStatus) -> Value {
    json!({
        "pending": status.pending,
        "in_flight": status.in_flight,
        "delivered": status.delivered,
        "delivered_last_day": status.delivered_last_day,
        "dead": status.dead,
        "blocked_keys": status.blocked_keys,
        "damaged": status.damaged,
        "oldest_pending_age": status.oldest_pending_age.map(|age| age.as_secs_f64()),
        "last_success_at": status.last_success_at.map(unix),
        "last_error": status.last_error.as_ref().map(|e| json!({
            "message": e.message, "at": unix(e.at), "record_id": e.record_id,
        })),
        "unmapped": status.unmapped.iter().map(|u| json!({
            "reference": u.reference, "seen": u.seen,
            "first_seen": unix(u.first_seen), "last_seen": unix(u.last_seen),
        })).collect::<Vec<_>>(),
        "pending_by_crm": status.pending_by_crm.iter()
            .map(|(crm, pending)| json!({"crm": crm, "pending": pending}))
            .collect::<Vec<_>>(),
        "breakers": status.breakers.iter().map(|b| json!({
            "crm": b.crm, "open_until": unix_precise(b.open_until), "reason": b.reason,
            "failures": b.failures, "since": unix(b.since),
        })).collect::<Vec<_>>(),
        "dead_letters": status.dead_letters.iter().map(|d| json!({
            "id": d.id, "kind": d.kind, "entity_key": d.entity_key, "error": d.error,
            "details": d.details, "attempts": d.attempts, "created_at": unix(d.created_at),
            "failed_at": d.failed_at.map(unix),
        })).collect::<Vec<_>>(),
    })
}
