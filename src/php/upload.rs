//! `ModRetailCrm\Upload` and `ModRetailCrm\Reconciliation`: the bulk upload of what a shop
//! already has and the comparison of its recent orders with the CRM, fed page by page by
//! the site's reader (`php-plugin/lib/ShopHistory.php`). Both come from
//! `Integration::upload()` and `Integration::reconcile()`.

use ext_php_rs::boxed::ZBox;
use ext_php_rs::exception::PhpException;
use ext_php_rs::prelude::*;
use ext_php_rs::types::{ZendClassObject, Zval};
use serde_json::Value;

use crate::php::args;
use crate::php::convert::to_zval;
use crate::php::custom::SiteClasses;
use crate::php::exceptions::{Kind as ExceptionKind, from_api_error, internal, validation};
use crate::php::integration::ErrorLog;
use modretailcrm_core::mapping::OrderInput;
use modretailcrm_core::sync::engine::Engine;
use modretailcrm_core::sync::reconcile::{self, ReconcileError};
use modretailcrm_core::sync::upload::historic::Site;
use modretailcrm_core::sync::upload::{self, Kind, Selection, UploadError, UploadOptions};

/// The site's classes and PHP's error log, as the live events use them.
const SITE: Site<'static> = Site {
    customizer: &SiteClasses,
    log: &ErrorLog,
};

/// A run of the upload of customers or orders. Read the site from `after()` on, in the
/// order of its ids; hand the rows over with `addCustomers()` / `addOrders()` (batches of 50
/// go out as they fill); end with `finish()`. Every failure is a `ModRetailCrm\Exception`.
#[php_class]
#[php(name = "ModRetailCrm\\Upload")]
pub struct Upload {
    /// `None` once finished.
    run: Option<upload::Upload>,
}

/// Starts the upload for `Integration::upload()`.
pub fn start(
    engine: &Engine,
    kind: &Zval,
    options: Option<&Zval>,
) -> PhpResult<ZBox<ZendClassObject<Upload>>> {
    let name = args::string(kind, "$kind")?;
    let kind = Kind::parse(&name)
        .ok_or_else(|| validation(format!("$kind must be customers or orders, {name:?} given")))?;
    let options = args::optional_map(options, "$options")?;
    let flag = |key: &str| options.get(key).is_some_and(truthy);
    let since = options
        .get("since")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|since| !since.is_empty());
    let selection = match (flag("ids"), since) {
        (true, _) => Selection::Ids,
        (false, Some(since)) => Selection::Since(since.to_string()),
        (false, None) => Selection::All,
    };
    let options = UploadOptions {
        dry_run: flag("dry_run"),
        link_existing: flag("link_existing"),
        selection,
    };
    let run = upload::Upload::start(engine, kind, options).map_err(upload_error)?;
    Ok(ZendClassObject::new(Upload { run: Some(run) }))
}

#[php_impl]
impl Upload {
    /// Not for PHP code: an upload comes from `Integration::upload()` (a
    /// `ValidationException` says so).
    pub fn __construct() -> PhpResult<Self> {
        Err(validation("an upload comes from Integration::upload()"))
    }

    /// Every site id up to this one is done (0 for a new run): read from the next one.
    pub fn after(&self) -> PhpResult<i64> {
        Ok(self.run()?.after())
    }

    /// Shows the progress over `$total` entities left: a bar on a terminal, a line per
    /// 1,000 otherwise (on standard error).
    pub fn expect(&mut self, total: &Zval) -> PhpResult<()> {
        let total = args::integer(Some(total), "$total", 0, 0..=i64::MAX)?;
        self.run_mut()?
            .expect(u64::try_from(total).unwrap_or_default());
        Ok(())
    }

    /// Adds users, a list of `['user' => modUser row, 'profile' => modUserProfile row]`,
    /// in the order of their ids.
    pub fn add_customers(&mut self, rows: &Zval) -> PhpResult<()> {
        let rows = args::list(rows, "$rows")?;
        let run = self.run_mut()?;
        for (index, row) in rows.iter().enumerate() {
            let user = row
                .get("user")
                .ok_or_else(|| validation(format!("$rows[{index}][user] is required")))?;
            let profile = row.get("profile").unwrap_or(&Value::Null);
            run.add_customer(user, profile, SITE)
                .map_err(upload_error)?;
        }
        Ok(())
    }

    /// Adds orders, a list of arrays shaped as `Integration::onOrderCreate()` takes them
    /// (`order`, `address`, `products`, `delivery`, `payment`, `status`, `user`, `profile`,
    /// `promo`), in the order of their ids. An order that cannot be mapped is listed as
    /// failed with the reason.
    pub fn add_orders(&mut self, rows: &Zval) -> PhpResult<()> {
        let rows = args::list(rows, "$rows")?;
        let run = self.run_mut()?;
        for (index, row) in rows.iter().enumerate() {
            if !row.is_object() {
                return Err(validation(format!("$rows[{index}] must be an array")));
            }
            let input = OrderInput::from_rows(row)
                .map_err(|error| validation(format!("$rows[{index}]: {error}")))?;
            run.add_order(&input, row, SITE).map_err(upload_error)?;
        }
        Ok(())
    }

    /// Sends what is left and returns the summary: `kind`, `dry_run`, `uploaded`, `linked`,
    /// `skipped` (the CRM had them), `failed`, `failures` (`id`, `externalId`, the CRM's
    /// `reason`), `after`; in a dry run `links` (`id` of the user, `crm_id`).
    pub fn finish(&mut self) -> PhpResult<Zval> {
        let run = self.run.take().ok_or_else(finished)?;
        to_zval(&run.finish().map_err(upload_error)?)
    }
}

impl Upload {
    fn run(&self) -> PhpResult<&upload::Upload> {
        self.run.as_ref().ok_or_else(finished)
    }

    fn run_mut(&mut self) -> PhpResult<&mut upload::Upload> {
        self.run.as_mut().ok_or_else(finished)
    }
}

/// A run of the reconciliation: hand the site's recent orders over with `addOrders()`, end
/// with `finish()`.
#[php_class]
#[php(name = "ModRetailCrm\\Reconciliation")]
pub struct Reconciliation {
    /// `None` once finished.
    run: Option<reconcile::Reconcile>,
}

/// Starts the reconciliation for `Integration::reconcile()`.
pub fn reconcile(engine: &Engine, fix: bool) -> ZBox<ZendClassObject<Reconciliation>> {
    ZendClassObject::new(Reconciliation {
        run: Some(reconcile::Reconcile::start(engine, fix)),
    })
}

#[php_impl]
impl Reconciliation {
    /// Not for PHP code: a reconciliation comes from `Integration::reconcile()` (a
    /// `ValidationException` says so).
    pub fn __construct() -> PhpResult<Self> {
        Err(validation(
            "a reconciliation comes from Integration::reconcile()",
        ))
    }

    /// Adds orders shaped as for `Upload::addOrders()`; each 50 are compared with the CRM.
    pub fn add_orders(&mut self, rows: &Zval) -> PhpResult<()> {
        let rows = args::list(rows, "$rows")?;
        let run = self.run.as_mut().ok_or_else(finished)?;
        for row in rows {
            run.add_order(row, SITE).map_err(reconcile_error)?;
        }
        Ok(())
    }

    /// Compares what is left and returns the report (kept for `Integration::status()`):
    /// `checked`, `created` (queued creates) and `missing` (their `externalId`s), `different`
    /// and `differences` (`externalId`, and `total`, `status`, `paid` each with `site` and
    /// `crm`), `fixed` (queued edits), `refused`, `fix`, `at`.
    pub fn finish(&mut self) -> PhpResult<Zval> {
        let run = self.run.take().ok_or_else(finished)?;
        to_zval(&run.finish(SITE).map_err(reconcile_error)?)
    }
}

fn finished() -> PhpException {
    validation("the run is finished already")
}

/// PHP's truthiness of a flag option (`true`, `1`, `"1"`).
fn truthy(value: &Value) -> bool {
    match value {
        Value::Bool(flag) => *flag,
        Value::Number(number) => number.as_f64().is_some_and(|n| n != 0.0),
        Value::String(text) => !text.is_empty() && text != "0",
        _ => false,
    }
}

fn upload_error(error: UploadError) -> PhpException {
    match error {
        UploadError::Outbox(error) => ExceptionKind::Outbox.exception(error.to_string(), 0),
        UploadError::Crm(error) => from_api_error(error),
        UploadError::Runtime(error) => internal(format!("cannot start the async runtime: {error}")),
    }
}

fn reconcile_error(error: ReconcileError) -> PhpException {
    match error {
        ReconcileError::Outbox(error) => ExceptionKind::Outbox.exception(error.to_string(), 0),
        ReconcileError::Crm(error) => from_api_error(error),
        other => internal(other.to_string()),
    }
}
