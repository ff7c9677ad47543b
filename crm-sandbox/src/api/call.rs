//! One authenticated API request's parameters, and readers for the common ones.

use crate::crm::fields::{Object, id, text};
use crate::crm::paging::Paging;
use crate::crm::table::Lookup;
use crate::crm::{Actor, PaymentLookup};
use crate::seed::Seed;
use crate::wire::error::{ApiError, field_error};
use serde_json::Value;

/// The decoded parameters of an API request and the key it came with; the gate puts it in
/// the request's extensions.
#[derive(Debug, Clone)]
pub struct ApiCall {
    params: Object,
    key: String,
}

/// What a path id means: `by=externalId` (the default) or `by=id`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum By {
    ExternalId,
    Id,
}

impl ApiCall {
    /// A call with decoded `params`, made with API key `key`.
    pub fn new(params: Object, key: String) -> Self {
        ApiCall { params, key }
    }

    /// Who makes the changes of this call.
    pub fn actor(&self) -> Actor {
        Actor::Api(self.key.clone())
    }

    /// The API key of this call.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The `site` parameter, required and known to the seed.
    pub fn site(&self, seed: &Seed) -> Result<String, ApiError> {
        self.optional_site(seed)?
            .ok_or_else(|| ApiError::missing_parameter("site"))
    }

    /// The `site` parameter if given, which must then be known to the seed.
    pub fn optional_site(&self, seed: &Seed) -> Result<Option<String>, ApiError> {
        let Some(code) = self.text("site") else {
            return Ok(None);
        };
        if seed.sites().contains(&code) {
            Ok(Some(code))
        } else {
            let message = format!("Site with code \"{code}\" does not exist.");
            Err(ApiError::input(field_error("site", message)))
        }
    }

    /// The entity in parameter `name` (e.g. `order`), which must be a JSON object.
    pub fn entity(&self, name: &str) -> Result<Object, ApiError> {
        match self.json(name)? {
            Value::Object(entity) => Ok(entity),
            _ => Err(ApiError::entity_format(field_error(
                name,
                "This value should be a JSON object.",
            ))),
        }
    }

    /// The entities in parameter `name` (e.g. `orders`), which must be a JSON list.
    pub fn entities(&self, name: &str) -> Result<Vec<Value>, ApiError> {
        match self.json(name)? {
            Value::Array(list) => Ok(list),
            _ => Err(ApiError::entity_format(field_error(
                name,
                "This value should be a JSON list.",
            ))),
        }
    }

    /// The JSON in parameter `name`: decoded by the gate for the usual entity fields, and
    /// here for the others (`deliveryType`, `resultCustomer` …), which hold JSON text.
    fn json(&self, name: &str) -> Result<Value, ApiError> {
        match self.params.get(name) {
            None => Err(ApiError::missing_parameter(name)),
            Some(Value::String(text)) => serde_json::from_str(text).map_err(|error| {
                ApiError::entity_format(field_error(name, format!("Invalid JSON: {error}")))
            }),
            Some(value) => Ok(value.clone()),
        }
    }

    /// The text of plain parameter `name`, if given and not empty.
    pub fn text(&self, name: &str) -> Option<String> {
        self.params
            .get(name)
            .and_then(text)
            .filter(|value| !value.is_empty())
    }

    fn by(&self) -> Result<By, ApiError> {
        match self.params.get("by").and_then(Value::as_str) {
            None | Some("externalId") => Ok(By::ExternalId),
            Some("id") => Ok(By::Id),
            Some(other) => Err(ApiError::input(field_error(
                "by",
                format!("Value \"{other}\" is not allowed: use \"externalId\" or \"id\"."),
            ))),
        }
    }

    /// What the path id `path_id` names in `site`, following `by`.
    pub fn lookup(&self, path_id: &str, site: &str) -> Result<Lookup, ApiError> {
        Ok(match self.by()? {
            By::Id => Lookup::Id(numeric(path_id)?),
            By::ExternalId => Lookup::External {
                site: site.to_string(),
                external_id: path_id.to_string(),
            },
        })
    }

    /// Which payment the path id `path_id` names, following `by`.
    pub fn payment_lookup(&self, path_id: &str) -> Result<PaymentLookup, ApiError> {
        Ok(match self.by()? {
            By::Id => PaymentLookup::Id(numeric(path_id)?),
            By::ExternalId => PaymentLookup::External(path_id.to_string()),
        })
    }

    /// The `filter` parameter (empty when absent).
    pub fn filter(&self) -> Object {
        match self.params.get("filter") {
            Some(Value::Object(filter)) => filter.clone(),
            _ => Object::new(),
        }
    }

    /// The `limit` and `page` parameters.
    pub fn paging(&self, default: usize, allowed: &[usize]) -> Result<Paging, ApiError> {
        Paging::parse(
            self.params.get("limit"),
            self.params.get("page"),
            default,
            allowed,
        )
    }

    /// The values of a list parameter such as `ids[]=1&ids[]=2` (or a single `ids=1`).
    pub fn texts(&self, name: &str) -> Vec<String> {
        match self.params.get(name) {
            Some(Value::Array(values)) => values.iter().filter_map(text).collect(),
            Some(Value::Object(values)) => values.values().filter_map(text).collect(),
            Some(value) => text(value).into_iter().collect(),
            None => Vec::new(),
        }
    }
}

/// A path id that is a CRM id (`by=id`, or a route that only takes ids): a number, or no
/// entity at all (404 `Not found`).
pub fn numeric(path_id: &str) -> Result<u64, ApiError> {
    id(&Value::from(path_id)).ok_or_else(ApiError::not_found)
}
