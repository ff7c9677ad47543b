//! A change the shop wants the CRM to know about: what is queued in the outbox, and how
//! it is told apart (`kind`) and ordered (`entity_key`).

use serde_json::{Map, Value};

use crate::api::transport::Method;

/// One queued change, decoded from its outbox kind and payload.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// `customers/create` with this customer.
    CustomerCreate(Value),
    /// `customers/{externalId}/edit` with this customer.
    CustomerEdit(Value),
    /// `orders/create` with this order.
    OrderCreate(Value),
    /// `orders/{externalId}/edit` with this order (a status change is an edit).
    OrderEdit(Value),
    /// `orders/{externalId}/edit` with the whole current order after a manager's edit (its
    /// items replace the CRM's); only the newest of an order's pending updates is sent.
    OrderUpdate(Value),
    /// `orders/payments/{externalId}/edit` with this payment.
    PaymentEdit(Value),
    /// Any other API call, for custom code and forms.
    Request {
        /// GET or POST.
        method: Method,
        /// The route below `/api/v5/`.
        route: String,
        /// The parameters.
        params: Map<String, Value>,
        /// Names the request among the others (a form submission's key), giving it an
        /// entity key of its own; without one, requests to one route share a key.
        key: Option<String>,
    },
}

impl Change {
    /// Decodes a change from its outbox `kind` and JSON `payload`, checking that the payload
    /// has what the kind needs (an `externalId` for entities; method and route for requests).
    pub fn parse(kind: &str, payload: Value) -> Result<Change, String> {
        let change = match kind {
            "customer.create" => Change::CustomerCreate(payload),
            "customer.edit" => Change::CustomerEdit(payload),
            "order.create" => Change::OrderCreate(payload),
            "order.edit" => Change::OrderEdit(payload),
            "order.update" => Change::OrderUpdate(payload),
            "payment.edit" => Change::PaymentEdit(payload),
            "request" => return parse_request(payload),
            other => {
                return Err(format!(
                    "unknown change kind {other:?}; known: customer.create, customer.edit, order.create, order.edit, order.update, payment.edit, request"
                ));
            }
        };
        change.entity_key()?;
        Ok(change)
    }

    /// The outbox kind of this change.
    pub fn kind(&self) -> &'static str {
        match self {
            Change::CustomerCreate(_) => "customer.create",
            Change::CustomerEdit(_) => "customer.edit",
            Change::OrderCreate(_) => "order.create",
            Change::OrderEdit(_) => "order.edit",
            Change::OrderUpdate(_) => "order.update",
            Change::PaymentEdit(_) => "payment.edit",
            Change::Request { .. } => "request",
        }
    }

    /// The key whose changes are delivered strictly in order: `customer:{externalId}`,
    /// `order:{externalId}` (a payment belongs to its order's key when the payment names the
    /// order, else to `payment:{externalId}`); a request `request:{key}` when it has a key,
    /// else `request:{METHOD} {route}`, shared by the requests to that route.
    pub fn entity_key(&self) -> Result<String, String> {
        match self {
            Change::CustomerCreate(data) | Change::CustomerEdit(data) => {
                external_id(data, "customer").map(|id| format!("customer:{id}"))
            }
            Change::OrderCreate(data) | Change::OrderEdit(data) | Change::OrderUpdate(data) => {
                external_id(data, "order").map(|id| format!("order:{id}"))
            }
            Change::PaymentEdit(data) => match data.pointer("/order/externalId").and_then(text) {
                Some(order) => Ok(format!("order:{order}")),
                None => external_id(data, "payment").map(|id| format!("payment:{id}")),
            },
            Change::Request { key: Some(key), .. } => Ok(format!("request:{key}")),
            Change::Request { method, route, .. } => Ok(format!("request:{method} {route}")),
        }
    }

    /// This change carrying `payload` instead (requests keep theirs).
    pub fn with_payload(self, payload: Value) -> Change {
        match self {
            Change::CustomerCreate(_) => Change::CustomerCreate(payload),
            Change::CustomerEdit(_) => Change::CustomerEdit(payload),
            Change::OrderCreate(_) => Change::OrderCreate(payload),
            Change::OrderEdit(_) => Change::OrderEdit(payload),
            Change::OrderUpdate(_) => Change::OrderUpdate(payload),
            Change::PaymentEdit(_) => Change::PaymentEdit(payload),
            request @ Change::Request { .. } => request,
        }
    }

    /// Whether only the newest pending change of this kind and entity needs to go (it
    /// carries the whole current state): an order's update.
    pub fn coalesces(&self) -> bool {
        matches!(self, Change::OrderUpdate(_))
    }

    /// The entity keys that must be delivered before this change: an order's customer.
    pub fn depends_on(&self) -> Vec<String> {
        match self {
            Change::OrderCreate(order) | Change::OrderUpdate(order) => order
                .pointer("/customer/externalId")
                .and_then(text)
                .map(|customer| vec![format!("customer:{customer}")])
                .unwrap_or_default(),
            _ => Vec::new(),
        }
    }
}

fn parse_request(payload: Value) -> Result<Change, String> {
    let method = match payload
        .get("method")
        .and_then(Value::as_str)
        .map(str::to_ascii_uppercase)
    {
        Some(m) if m == "GET" => Method::Get,
        Some(m) if m == "POST" => Method::Post,
        _ => return Err("a request needs \"method\": \"GET\" or \"POST\"".into()),
    };
    let route = match payload.get("route").and_then(Value::as_str) {
        Some(route) if !route.trim().is_empty() => route.to_string(),
        _ => return Err("a request needs a \"route\" such as \"tasks/create\"".into()),
    };
    let params = match payload.get("params") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(params)) => params.clone(),
        Some(Value::Array(list)) if list.is_empty() => Map::new(),
        Some(_) => return Err("a request's \"params\" must be an object".into()),
    };
    let key = match payload.get("key") {
        None | Some(Value::Null) => None,
        Some(Value::String(key)) if !key.trim().is_empty() => Some(key.clone()),
        Some(_) => return Err("a request's \"key\" must be a non-empty string".into()),
    };
    Ok(Change::Request {
        method,
        route,
        params,
        key,
    })
}

fn external_id(data: &Value, entity: &str) -> Result<String, String> {
    data.get("externalId")
        .and_then(text)
        .ok_or_else(|| format!("a {entity} change needs a non-empty \"externalId\""))
}

/// A non-empty string, or a number written as text.
pub(super) fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn entities_are_keyed_by_external_id() {
        let order = Change::parse(
            "order.create",
            json!({"externalId": "2311-12", "customer": {"externalId": 17}}),
        )
        .unwrap();
        assert_eq!(order.entity_key().unwrap(), "order:2311-12");
        assert_eq!(order.depends_on(), vec!["customer:17".to_string()]);
        let customer = Change::parse("customer.edit", json!({"externalId": 17})).unwrap();
        assert_eq!(customer.entity_key().unwrap(), "customer:17");
        assert!(customer.depends_on().is_empty());
        let payment = Change::parse(
            "payment.edit",
            json!({"externalId": "p-1", "order": {"externalId": "2311-12"}}),
        )
        .unwrap();
        assert_eq!(payment.entity_key().unwrap(), "order:2311-12");
    }

    #[test]
    fn requests_need_a_method_and_a_route() {
        let task = Change::parse(
            "request",
            json!({"method": "post", "route": "tasks/create", "params": {"task": {"text": "x"}}}),
        )
        .unwrap();
        assert_eq!(task.kind(), "request");
        assert_eq!(task.entity_key().unwrap(), "request:POST tasks/create");
        let keyed = Change::parse(
            "request",
            json!({"method": "POST", "route": "tasks/create", "key": "form-a"}),
        )
        .unwrap();
        assert_eq!(keyed.entity_key().unwrap(), "request:form-a");
        assert!(
            Change::parse("request", json!({"method": "GET", "route": "x", "key": ""})).is_err()
        );
        assert!(Change::parse("request", json!({"method": "PUT", "route": "x"})).is_err());
        assert!(Change::parse("request", json!({"method": "GET"})).is_err());
        assert!(
            Change::parse(
                "request",
                json!({"method": "GET", "route": "x", "params": 5})
            )
            .is_err()
        );
    }

    #[test]
    fn bad_kinds_and_missing_ids_are_refused_with_a_reason() {
        assert!(
            Change::parse("order.delete", json!({}))
                .unwrap_err()
                .contains("unknown change kind")
        );
        assert!(
            Change::parse("order.create", json!({"number": "1"}))
                .unwrap_err()
                .contains("externalId")
        );
        assert!(Change::parse("customer.create", json!({"externalId": ""})).is_err());
    }
}
