//! `ModRetailCrm\Client`: the RetailCRM API v5 for PHP code (snippets, forms, custom code).

use std::future::Future;

use ext_php_rs::prelude::*;
use ext_php_rs::types::Zval;
use serde_json::{Map, Value};

use crate::php::args;
use crate::php::convert::{entries, to_json, to_zval, type_name};
use crate::php::exceptions::{config, from_api_error, internal, validation};
use crate::php::log::PhpLog;
use modretailcrm_core::api::client::{
    By, Client as ApiClient, ClientSettings, Entity, Page, Reference, StoreList,
};
use modretailcrm_core::api::crm_url::{ApiKey, CrmUrl};
use modretailcrm_core::api::error::ApiError;
use modretailcrm_core::api::transport::Method;
use modretailcrm_core::config::ClientOptions;
use modretailcrm_core::logging::LogFile;
use modretailcrm_core::runtime;

/// A RetailCRM API v5 client. Every method returns the CRM's answer as an array and throws a
/// `ModRetailCrm\Exception` subclass on any failure.
#[php_class]
#[php(name = "ModRetailCrm\\Client")]
pub struct Client {
    api: ApiClient,
    log: PhpLog,
}

#[php_impl]
impl Client {
    /// Creates a client. `$url` is the account address (`https://example.retailcrm.ru`),
    /// `$site` the shop code sent where RetailCRM expects one. Options: `timeout`,
    /// `connect_timeout`, `retry_delay` (seconds), `rate_limit` (requests/s, default 10),
    /// `max_retries` (on 503/429, default 3), `log` (log every call, not only failures),
    /// `log_file` and `log_max_bytes` (a rotated file, 0600; its folder must exist), or
    /// `log_callback` (a callable that receives each line). Without either, the log goes to
    /// `MODX_CORE_PATH/cache/logs/modretailcrm.log` inside MODX, else to PHP's `error_log`.
    /// `max_response_bytes` caps one answer (default 8 MiB; a longer one is a
    /// `TransportException`).
    pub fn __construct(
        url: &Zval,
        api_key: &Zval,
        site: Option<&Zval>,
        options: Option<&Zval>,
    ) -> PhpResult<Self> {
        let url = CrmUrl::parse(&args::string(url, "$url")?).map_err(from_api_error)?;
        let api_key = ApiKey::parse(&args::string(api_key, "$api_key")?).map_err(from_api_error)?;
        let site = args::optional_string(site, "$site")?;
        let callable = log_callable(options)?;
        let options = ClientOptions::parse(&option_values(options)?).map_err(config)?;
        let log = PhpLog::new(
            options.log,
            options.log_file.map(LogFile::configured),
            options.log_max_bytes,
            callable,
        );
        let settings = ClientSettings {
            url,
            api_key,
            site,
            transport: options.transport,
        };
        Ok(Client {
            api: ApiClient::new(settings, Some(log.sink())),
            log,
        })
    }

    /// Calls any API route: `$method` is `GET` or `POST`, `$route` is relative to
    /// `/api/v5/` (such as `orders/combine`), `$params` are sent as RetailCRM expects
    /// (query string for GET, form fields with entities as JSON for POST).
    pub fn request(&self, method: &Zval, route: &Zval, params: Option<&Zval>) -> PhpResult<Zval> {
        let method = match args::string(method, "$method")?
            .to_ascii_uppercase()
            .as_str()
        {
            "GET" => Method::Get,
            "POST" => Method::Post,
            other => {
                return Err(validation(format!(
                    "$method must be GET or POST, {other:?} given"
                )));
            }
        };
        let route = args::string(route, "$route")?;
        let params = args::optional_map(params, "$params")?;
        self.run(self.api.request(method, &route, params))
    }

    /// `customers/create`.
    pub fn customers_create(&self, customer: &Zval, site: Option<&Zval>) -> PhpResult<Zval> {
        self.create(Entity::Customer, customer, site)
    }

    /// `customers/{id}/edit`; the id is `$customer[$by]`.
    pub fn customers_edit(
        &self,
        customer: &Zval,
        by: Option<&Zval>,
        site: Option<&Zval>,
    ) -> PhpResult<Zval> {
        self.edit(Entity::Customer, customer, by, site)
    }

    /// `customers/{id}`.
    pub fn customers_get(
        &self,
        id: &Zval,
        by: Option<&Zval>,
        site: Option<&Zval>,
    ) -> PhpResult<Zval> {
        self.get(Entity::Customer, id, by, site)
    }

    /// `customers` list: `$filter` as `filter[...]`, `$page` from 1, `$limit` 20/50/100.
    pub fn customers_list(
        &self,
        filter: Option<&Zval>,
        page: Option<&Zval>,
        limit: Option<&Zval>,
    ) -> PhpResult<Zval> {
        let page = page_arg(filter, page, limit)?;
        self.run(self.api.list(Entity::Customer, &page))
    }

    /// `customers/history`: `$filter` such as `['sinceId' => 123]`.
    pub fn customers_history(
        &self,
        filter: Option<&Zval>,
        page: Option<&Zval>,
        limit: Option<&Zval>,
    ) -> PhpResult<Zval> {
        let page = page_arg(filter, page, limit)?;
        self.run(self.api.history(Entity::Customer, &page))
    }

    /// `customers/upload`: at most 50 customers.
    pub fn customers_upload(&self, customers: &Zval, site: Option<&Zval>) -> PhpResult<Zval> {
        self.upload(Entity::Customer, customers, site)
    }

    /// `customers/fix-external-ids`: `[['id' => …, 'externalId' => …], …]`.
    pub fn customers_fix_external_ids(&self, customers: &Zval) -> PhpResult<Zval> {
        let pairs = args::list(customers, "$customers")?;
        self.run(self.api.fix_external_ids(Entity::Customer, pairs))
    }

    /// `orders/create`.
    pub fn orders_create(&self, order: &Zval, site: Option<&Zval>) -> PhpResult<Zval> {
        self.create(Entity::Order, order, site)
    }

    /// `orders/{id}/edit`; the id is `$order[$by]`.
    pub fn orders_edit(
        &self,
        order: &Zval,
        by: Option<&Zval>,
        site: Option<&Zval>,
    ) -> PhpResult<Zval> {
        self.edit(Entity::Order, order, by, site)
    }

    /// `orders/{id}`.
    pub fn orders_get(&self, id: &Zval, by: Option<&Zval>, site: Option<&Zval>) -> PhpResult<Zval> {
        self.get(Entity::Order, id, by, site)
    }

    /// `orders` list: `$filter` as `filter[...]`, `$page` from 1, `$limit` 20/50/100.
    pub fn orders_list(
        &self,
        filter: Option<&Zval>,
        page: Option<&Zval>,
        limit: Option<&Zval>,
    ) -> PhpResult<Zval> {
        let page = page_arg(filter, page, limit)?;
        self.run(self.api.list(Entity::Order, &page))
    }

    /// `orders/history`: `$filter` such as `['sinceId' => 123]`.
    pub fn orders_history(
        &self,
        filter: Option<&Zval>,
        page: Option<&Zval>,
        limit: Option<&Zval>,
    ) -> PhpResult<Zval> {
        let page = page_arg(filter, page, limit)?;
        self.run(self.api.history(Entity::Order, &page))
    }

    /// `orders/upload`: at most 50 orders.
    pub fn orders_upload(&self, orders: &Zval, site: Option<&Zval>) -> PhpResult<Zval> {
        self.upload(Entity::Order, orders, site)
    }

    /// `orders/fix-external-ids`: `[['id' => …, 'externalId' => …], …]`.
    pub fn orders_fix_external_ids(&self, orders: &Zval) -> PhpResult<Zval> {
        let pairs = args::list(orders, "$orders")?;
        self.run(self.api.fix_external_ids(Entity::Order, pairs))
    }

    /// `orders/statuses` for CRM ids and/or external ids.
    pub fn orders_statuses(
        &self,
        ids: Option<&Zval>,
        external_ids: Option<&Zval>,
    ) -> PhpResult<Zval> {
        let ids = args::optional_list(ids, "$ids")?;
        let external_ids = args::optional_list(external_ids, "$external_ids")?;
        self.run(self.api.order_statuses(ids, external_ids))
    }

    /// `orders/payments/create`.
    pub fn orders_payment_create(&self, payment: &Zval, site: Option<&Zval>) -> PhpResult<Zval> {
        let payment = args::array(payment, "$payment")?;
        let site = args::optional_string(site, "$site")?;
        self.run(self.api.payment_create(payment, site.as_deref()))
    }

    /// `orders/payments/{id}/edit`; the id is `$payment[$by]`.
    pub fn orders_payment_edit(
        &self,
        payment: &Zval,
        by: Option<&Zval>,
        site: Option<&Zval>,
    ) -> PhpResult<Zval> {
        let payment = args::array(payment, "$payment")?;
        let by = by_arg(by)?;
        let site = args::optional_string(site, "$site")?;
        self.run(self.api.payment_edit(payment, by, site.as_deref()))
    }

    /// A reference book: `statuses`, `status-groups`, `delivery-types`, `payment-types`,
    /// `sites`, `order-methods` or `stores`.
    pub fn reference(&self, name: &Zval) -> PhpResult<Zval> {
        self.run(self.api.reference(reference_arg(name)?))
    }

    /// `store/inventories`.
    pub fn store_inventories(
        &self,
        filter: Option<&Zval>,
        page: Option<&Zval>,
        limit: Option<&Zval>,
    ) -> PhpResult<Zval> {
        self.store_list(StoreList::Inventories, filter, page, limit)
    }

    /// `store/offers`.
    pub fn store_offers(
        &self,
        filter: Option<&Zval>,
        page: Option<&Zval>,
        limit: Option<&Zval>,
    ) -> PhpResult<Zval> {
        self.store_list(StoreList::Offers, filter, page, limit)
    }

    /// `store/products`.
    pub fn store_products(
        &self,
        filter: Option<&Zval>,
        page: Option<&Zval>,
        limit: Option<&Zval>,
    ) -> PhpResult<Zval> {
        self.store_list(StoreList::Products, filter, page, limit)
    }

    /// `store/inventories/upload`.
    pub fn store_inventories_upload(&self, offers: &Zval, site: Option<&Zval>) -> PhpResult<Zval> {
        let offers = args::list(offers, "$offers")?;
        let site = args::optional_string(site, "$site")?;
        self.run(self.api.inventories_upload(offers, site.as_deref()))
    }

    /// `store/prices/upload`.
    pub fn store_prices_upload(&self, prices: &Zval) -> PhpResult<Zval> {
        let prices = args::list(prices, "$prices")?;
        self.run(self.api.prices_upload(prices))
    }

    /// `tasks/create`.
    pub fn tasks_create(&self, task: &Zval, site: Option<&Zval>) -> PhpResult<Zval> {
        let task = args::array(task, "$task")?;
        let site = args::optional_string(site, "$site")?;
        self.run(self.api.task_create(task, site.as_deref()))
    }

    /// `costs/create`.
    pub fn costs_create(&self, cost: &Zval, site: Option<&Zval>) -> PhpResult<Zval> {
        let cost = args::array(cost, "$cost")?;
        let site = args::optional_string(site, "$site")?;
        self.run(self.api.cost_create(cost, site.as_deref()))
    }

    /// `api-versions`.
    pub fn api_versions(&self) -> PhpResult<Zval> {
        self.run(self.api.api_versions())
    }

    /// `credentials`.
    pub fn credentials(&self) -> PhpResult<Zval> {
        self.run(self.api.credentials())
    }

    /// Reads every page of a list or history route (`orders`, `orders/history` …) up to the
    /// last page the CRM reports and returns the items under `$field` (`orders`, `history`)
    /// as one list.
    pub fn collect_pages(
        &self,
        route: &Zval,
        field: &Zval,
        filter: Option<&Zval>,
        limit: Option<&Zval>,
    ) -> PhpResult<Zval> {
        let route = args::string(route, "$route")?;
        let field = args::string(field, "$field")?;
        let page = page_arg(filter, None, limit)?;
        self.run(async {
            self.api
                .collect_pages(&route, &page, &field)
                .await
                .map(Value::Array)
        })
    }
}

impl Client {
    fn create(&self, entity: Entity, data: &Zval, site: Option<&Zval>) -> PhpResult<Zval> {
        let data = args::array(data, &format!("${}", entity_name(entity)))?;
        let site = args::optional_string(site, "$site")?;
        self.run(self.api.create(entity, data, site.as_deref()))
    }

    fn edit(
        &self,
        entity: Entity,
        data: &Zval,
        by: Option<&Zval>,
        site: Option<&Zval>,
    ) -> PhpResult<Zval> {
        let data = args::array(data, &format!("${}", entity_name(entity)))?;
        let by = by_arg(by)?;
        let site = args::optional_string(site, "$site")?;
        self.run(self.api.edit(entity, data, by, site.as_deref()))
    }

    fn get(
        &self,
        entity: Entity,
        id: &Zval,
        by: Option<&Zval>,
        site: Option<&Zval>,
    ) -> PhpResult<Zval> {
        let id = args::string(id, "$id")?;
        let by = by_arg(by)?;
        let site = args::optional_string(site, "$site")?;
        self.run(self.api.get(entity, &id, by, site.as_deref()))
    }

    fn upload(&self, entity: Entity, items: &Zval, site: Option<&Zval>) -> PhpResult<Zval> {
        let name = match entity {
            Entity::Customer => "$customers",
            Entity::Order => "$orders",
        };
        let items = args::list(items, name)?;
        let site = args::optional_string(site, "$site")?;
        self.run(self.api.upload(entity, items, site.as_deref()))
    }

    fn store_list(
        &self,
        what: StoreList,
        filter: Option<&Zval>,
        page: Option<&Zval>,
        limit: Option<&Zval>,
    ) -> PhpResult<Zval> {
        let page = page_arg(filter, page, limit)?;
        self.run(self.api.store_list(what, &page))
    }

    /// Runs a call on the process's runtime, passes the log lines on, and converts the answer.
    fn run(&self, call: impl Future<Output = Result<Value, ApiError>>) -> PhpResult<Zval> {
        let outcome = runtime::block_on(call)
            .map_err(|e| internal(format!("cannot start the async runtime: {e}")))?;
        self.log.pass_lines()?;
        to_zval(&outcome.map_err(from_api_error)?)
    }
}

/// The reference book `$name` names: `statuses`, `status-groups`, `delivery-types`,
/// `payment-types`, `sites`, `order-methods` or `stores`.
pub fn reference_arg(name: &Zval) -> PhpResult<Reference> {
    Ok(match args::string(name, "$name")?.as_str() {
        "statuses" => Reference::Statuses,
        "status-groups" => Reference::StatusGroups,
        "delivery-types" => Reference::DeliveryTypes,
        "payment-types" => Reference::PaymentTypes,
        "sites" => Reference::Sites,
        "order-methods" => Reference::OrderMethods,
        "stores" => Reference::Stores,
        other => {
            return Err(validation(format!(
                "$name {other:?} is not a known reference"
            )));
        }
    })
}

fn entity_name(entity: Entity) -> &'static str {
    match entity {
        Entity::Customer => "customer",
        Entity::Order => "order",
    }
}

fn by_arg(by: Option<&Zval>) -> PhpResult<By> {
    let by = args::optional_string(by, "$by")?;
    By::parse(by.as_deref().unwrap_or("externalId")).map_err(from_api_error)
}

fn page_arg(filter: Option<&Zval>, page: Option<&Zval>, limit: Option<&Zval>) -> PhpResult<Page> {
    let filter: Map<String, Value> = args::optional_map(filter, "$filter")?;
    let page = args::integer(page, "$page", 1, 1..=i64::from(u32::MAX))?;
    let limit = args::integer(limit, "$limit", 20, 1..=250)?;
    Ok(Page {
        filter,
        page: u32::try_from(page).unwrap_or(1),
        limit: u32::try_from(limit).unwrap_or(20),
    })
}

/// The options array as JSON, without `log_callback` (a callable is no JSON value).
fn option_values(options: Option<&Zval>) -> PhpResult<Map<String, Value>> {
    let Some(options) = options.filter(|o| !o.dereference().is_null()) else {
        return Ok(Map::new());
    };
    let Some(array) = options.dereference().array() else {
        return Err(validation(format!(
            "$options must be an array, {} given",
            type_name(options)
        )));
    };
    let mut values = Map::new();
    for (key, value) in entries(array, "$options")?.0 {
        if key != "log_callback" {
            let converted = to_json(value, &format!("$options[{key}]"))?;
            values.insert(key, converted);
        }
    }
    Ok(values)
}

/// Takes `log_callback` out of the options array, checking it is callable.
fn log_callable(options: Option<&Zval>) -> PhpResult<Option<Zval>> {
    let Some(callback) = options
        .and_then(|o| o.dereference().array())
        .and_then(|o| o.get("log_callback"))
        .filter(|c| !c.is_null())
    else {
        return Ok(None);
    };
    if callback.is_callable() {
        Ok(Some(callback.shallow_clone()))
    } else {
        Err(config("option \"log_callback\" must be callable"))
    }
}
