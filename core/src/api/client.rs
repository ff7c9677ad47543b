//! The RetailCRM API v5 client: one method per endpoint a shop integration uses, a generic
//! [`Client::request`] for the rest, and page iteration.

use std::sync::Arc;

use serde_json::{Map, Value, json};

use super::crm_url::{ApiKey, CrmUrl};
use super::encode::{build_query, form_body, path_segment};
use super::error::ApiError;
use super::ratelimit::{Gate, RateLimiter};
use super::transport::{ApiRequest, ExchangeLog, Method, Transport, TransportSettings};

/// Most entities one upload call may carry.
pub const MAX_UPLOAD: usize = 50;

/// Everything a client needs to reach one CRM account.
#[derive(Debug, Clone)]
pub struct ClientSettings {
    /// The account's address.
    pub url: CrmUrl,
    /// The API key.
    pub api_key: ApiKey,
    /// The shop's site code, sent where RetailCRM expects `site` unless a call names another.
    pub site: Option<String>,
    /// Timeouts, pacing and retries.
    pub transport: TransportSettings,
}

/// What an id in a path means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum By {
    /// The shop's own id (the default).
    ExternalId,
    /// The CRM's internal id.
    Id,
}

impl By {
    /// Parses RetailCRM's `by` parameter value.
    pub fn parse(raw: &str) -> Result<By, ApiError> {
        match raw {
            "externalId" => Ok(By::ExternalId),
            "id" => Ok(By::Id),
            other => Err(ApiError::InvalidRequest(format!(
                "by must be \"externalId\" or \"id\", not {other:?}"
            ))),
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            By::ExternalId => "externalId",
            By::Id => "id",
        }
    }
}

/// The reference books a shop integration reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reference {
    /// Order statuses.
    Statuses,
    /// Order status groups.
    StatusGroups,
    /// Delivery types.
    DeliveryTypes,
    /// Payment types.
    PaymentTypes,
    /// Sites (shops).
    Sites,
    /// Order methods.
    OrderMethods,
    /// Stores (warehouses).
    Stores,
}

impl Reference {
    fn route(self) -> &'static str {
        match self {
            Reference::Statuses => "reference/statuses",
            Reference::StatusGroups => "reference/status-groups",
            Reference::DeliveryTypes => "reference/delivery-types",
            Reference::PaymentTypes => "reference/payment-types",
            Reference::Sites => "reference/sites",
            Reference::OrderMethods => "reference/order-methods",
            Reference::Stores => "reference/stores",
        }
    }
}

/// The entities that have the create / edit / get / list / upload family of endpoints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entity {
    /// `customers/…`
    Customer,
    /// `orders/…`
    Order,
}

impl Entity {
    /// The entity's field in requests and answers: `customer`, `order`.
    pub fn one(self) -> &'static str {
        match self {
            Entity::Customer => "customer",
            Entity::Order => "order",
        }
    }

    fn many(self) -> &'static str {
        match self {
            Entity::Customer => "customers",
            Entity::Order => "orders",
        }
    }
}

/// A page request for list and history endpoints.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// `filter[...]` parameters.
    pub filter: Map<String, Value>,
    /// Page number, from 1.
    pub page: u32,
    /// Page size (RetailCRM accepts 20, 50 or 100).
    pub limit: u32,
}

impl Default for Page {
    fn default() -> Self {
        Page {
            filter: Map::new(),
            page: 1,
            limit: 20,
        }
    }
}

/// A client for one CRM account.
pub struct Client {
    transport: Transport,
    site: Option<String>,
}

impl Client {
    /// A client for the account in `settings`; `log`, when given, sees every exchange.
    /// Requests are paced by this process's [`RateLimiter`] for the key, at
    /// `settings.transport.rate_limit` a second.
    pub fn new(settings: ClientSettings, log: Option<Arc<dyn ExchangeLog>>) -> Self {
        let limiter = RateLimiter::shared(settings.api_key.expose(), settings.transport.rate_limit);
        Self::gated(settings, log, limiter)
    }

    /// A client like [`Client::new`] whose every HTTP request (retries and the follow-up
    /// calls of one delivery included) first waits on `gate` instead.
    pub fn gated(
        settings: ClientSettings,
        log: Option<Arc<dyn ExchangeLog>>,
        gate: Arc<dyn Gate>,
    ) -> Self {
        Client {
            transport: Transport::new(
                settings.url,
                settings.api_key,
                settings.transport,
                log,
                gate,
            ),
            site: settings.site,
        }
    }

    /// Calls any route with any parameters: GET parameters go into the query string, POST
    /// parameters into the form body (entities as JSON). `route` is relative to `/api/v5/`
    /// (a leading `/` is ignored); `api-versions` and `credentials` are unversioned.
    pub async fn request(
        &self,
        method: Method,
        route: &str,
        params: Map<String, Value>,
    ) -> Result<Value, ApiError> {
        let route = route.trim_start_matches('/');
        if route.is_empty()
            || route.contains("..")
            || route.contains(['?', '#'])
            || route.chars().any(char::is_whitespace)
        {
            return Err(ApiError::InvalidRequest(format!(
                "{route:?} is not an API route"
            )));
        }
        let path = match route {
            "api-versions" | "credentials" => route.to_string(),
            _ => format!("v5/{route}"),
        };
        let request = match method {
            Method::Get => ApiRequest {
                method,
                path,
                query: build_query(&params),
                body: String::new(),
            },
            Method::Post => ApiRequest {
                method,
                path,
                query: String::new(),
                body: form_body(&params),
            },
        };
        self.transport.send(&request).await
    }

    /// `{entity}/create`: creates a customer or an order.
    pub async fn create(
        &self,
        entity: Entity,
        data: Value,
        site: Option<&str>,
    ) -> Result<Value, ApiError> {
        let params = self.with_site(vec![(entity.one(), data)], site);
        self.request(Method::Post, &format!("{}/create", entity.many()), params)
            .await
    }

    /// `{entity}/{id}/edit`: edits a customer or an order found by the `by` field of `data`.
    pub async fn edit(
        &self,
        entity: Entity,
        data: Value,
        by: By,
        site: Option<&str>,
    ) -> Result<Value, ApiError> {
        let id = id_field(&data, entity.one(), by)?;
        let route = format!("{}/{}/edit", entity.many(), path_segment(&id));
        let params = self.with_site(vec![(entity.one(), data), ("by", json!(by.as_str()))], site);
        self.request(Method::Post, &route, params).await
    }

    /// `{entity}/{id}`: reads one customer or order.
    pub async fn get(
        &self,
        entity: Entity,
        id: &str,
        by: By,
        site: Option<&str>,
    ) -> Result<Value, ApiError> {
        let route = format!("{}/{}", entity.many(), path_segment(id));
        let params = self.with_site(vec![("by", json!(by.as_str()))], site);
        self.request(Method::Get, &route, params).await
    }

    /// `{entity}` list with a filter and a page.
    pub async fn list(&self, entity: Entity, page: &Page) -> Result<Value, ApiError> {
        self.request(Method::Get, entity.many(), page_params(page))
            .await
    }

    /// `{entity}/history` with a filter (`sinceId`, `startDate` …) and a page.
    pub async fn history(&self, entity: Entity, page: &Page) -> Result<Value, ApiError> {
        self.request(
            Method::Get,
            &format!("{}/history", entity.many()),
            page_params(page),
        )
        .await
    }

    /// `{entity}/upload`: up to [`MAX_UPLOAD`] customers or orders in one call.
    pub async fn upload(
        &self,
        entity: Entity,
        items: Vec<Value>,
        site: Option<&str>,
    ) -> Result<Value, ApiError> {
        if items.len() > MAX_UPLOAD {
            return Err(ApiError::InvalidRequest(format!(
                "{} items given; an upload takes at most {MAX_UPLOAD}",
                items.len()
            )));
        }
        let params = self.with_site(vec![(entity.many(), Value::Array(items))], site);
        self.request(Method::Post, &format!("{}/upload", entity.many()), params)
            .await
    }

    /// `{entity}/fix-external-ids`: links CRM ids to shop ids (`[{id, externalId}]`).
    pub async fn fix_external_ids(
        &self,
        entity: Entity,
        pairs: Vec<Value>,
    ) -> Result<Value, ApiError> {
        let params = object(vec![(entity.many(), Value::Array(pairs))]);
        self.request(
            Method::Post,
            &format!("{}/fix-external-ids", entity.many()),
            params,
        )
        .await
    }

    /// `orders/statuses`: the statuses of orders given by CRM ids and/or external ids.
    pub async fn order_statuses(
        &self,
        ids: Vec<Value>,
        external_ids: Vec<Value>,
    ) -> Result<Value, ApiError> {
        let params = object(vec![
            ("ids", Value::Array(ids)),
            ("externalIds", Value::Array(external_ids)),
        ]);
        self.request(Method::Get, "orders/statuses", params).await
    }

    /// `orders/payments/create`: adds a payment to an order.
    pub async fn payment_create(
        &self,
        payment: Value,
        site: Option<&str>,
    ) -> Result<Value, ApiError> {
        let params = self.with_site(vec![("payment", payment)], site);
        self.request(Method::Post, "orders/payments/create", params)
            .await
    }

    /// `orders/payments/{id}/edit`: edits a payment found by the `by` field of `payment`.
    pub async fn payment_edit(
        &self,
        payment: Value,
        by: By,
        site: Option<&str>,
    ) -> Result<Value, ApiError> {
        let id = id_field(&payment, "payment", by)?;
        let route = format!("orders/payments/{}/edit", path_segment(&id));
        let params = self.with_site(vec![("payment", payment), ("by", json!(by.as_str()))], site);
        self.request(Method::Post, &route, params).await
    }

    /// `reference/…`: one reference book.
    pub async fn reference(&self, reference: Reference) -> Result<Value, ApiError> {
        self.request(Method::Get, reference.route(), Map::new())
            .await
    }

    /// `store/inventories`, `store/offers`, `store/products`: catalogue reads.
    pub async fn store_list(&self, what: StoreList, page: &Page) -> Result<Value, ApiError> {
        self.request(Method::Get, what.route(), page_params(page))
            .await
    }

    /// `store/inventories/upload`: stock levels (and optionally purchase prices) of offers.
    pub async fn inventories_upload(
        &self,
        offers: Vec<Value>,
        site: Option<&str>,
    ) -> Result<Value, ApiError> {
        let params = self.with_site(vec![("offers", Value::Array(offers))], site);
        self.request(Method::Post, "store/inventories/upload", params)
            .await
    }

    /// `store/prices/upload`: prices of offers.
    pub async fn prices_upload(&self, prices: Vec<Value>) -> Result<Value, ApiError> {
        self.request(
            Method::Post,
            "store/prices/upload",
            object(vec![("prices", Value::Array(prices))]),
        )
        .await
    }

    /// `tasks/create`.
    pub async fn task_create(&self, task: Value, site: Option<&str>) -> Result<Value, ApiError> {
        let params = self.with_site(vec![("task", task)], site);
        self.request(Method::Post, "tasks/create", params).await
    }

    /// `costs/create`.
    pub async fn cost_create(&self, cost: Value, site: Option<&str>) -> Result<Value, ApiError> {
        let params = self.with_site(vec![("cost", cost)], site);
        self.request(Method::Post, "costs/create", params).await
    }

    /// `api-versions`: the API versions the account offers.
    pub async fn api_versions(&self) -> Result<Value, ApiError> {
        self.request(Method::Get, "api-versions", Map::new()).await
    }

    /// `credentials`: what the key may do.
    pub async fn credentials(&self) -> Result<Value, ApiError> {
        self.request(Method::Get, "credentials", Map::new()).await
    }

    /// Reads every page of a list or history route, from `page.page` up to the answer's
    /// `pagination.totalPageCount` (empty pages in the middle do not stop it), and returns
    /// the items found under `field` (such as `orders` or `history`) in order.
    pub async fn collect_pages(
        &self,
        route: &str,
        page: &Page,
        field: &str,
    ) -> Result<Vec<Value>, ApiError> {
        let mut current = page.clone();
        let mut items = Vec::new();
        loop {
            let answer = self
                .request(Method::Get, route, page_params(&current))
                .await?;
            match answer.get(field) {
                Some(Value::Array(found)) => items.extend(found.iter().cloned()),
                Some(Value::Object(found)) => items.extend(found.values().cloned()),
                _ => {}
            }
            let total = answer
                .pointer("/pagination/totalPageCount")
                .and_then(Value::as_u64)
                .unwrap_or(0);
            if u64::from(current.page) >= total {
                return Ok(items);
            }
            current.page += 1;
        }
    }

    fn with_site(&self, fields: Vec<(&str, Value)>, site: Option<&str>) -> Map<String, Value> {
        let mut params = object(fields);
        if let Some(site) = site.or(self.site.as_deref()) {
            params.insert("site".into(), json!(site));
        }
        params
    }
}

/// The catalogue reads under `store/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreList {
    /// `store/inventories`
    Inventories,
    /// `store/offers`
    Offers,
    /// `store/products`
    Products,
}

impl StoreList {
    fn route(self) -> &'static str {
        match self {
            StoreList::Inventories => "store/inventories",
            StoreList::Offers => "store/offers",
            StoreList::Products => "store/products",
        }
    }
}

fn object(fields: Vec<(&str, Value)>) -> Map<String, Value> {
    fields
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
}

fn page_params(page: &Page) -> Map<String, Value> {
    object(vec![
        ("filter", Value::Object(page.filter.clone())),
        ("page", json!(page.page)),
        ("limit", json!(page.limit)),
    ])
}

fn id_field(data: &Value, entity: &str, by: By) -> Result<String, ApiError> {
    match data.get(by.as_str()) {
        Some(Value::String(id)) if !id.is_empty() => Ok(id.clone()),
        Some(Value::Number(id)) => Ok(id.to_string()),
        _ => Err(ApiError::InvalidRequest(format!(
            "{entity}.{} is required to find the {entity} to edit",
            by.as_str()
        ))),
    }
}
