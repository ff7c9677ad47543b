//! Sending one change to the CRM so that sending it again is harmless.
//!
//! Every decision reads the CRM's answer by its structure ([`super::refusal`]): the status
//! and the fields `errors` names, never the words of its texts.
//!
//! A create refused for its `externalId` is read back (`{entity}/{externalId}`). When the
//! CRM shows the entity, the create counts as delivered (the request may have reached the
//! CRM before a timeout) and is followed by an edit carrying the payload — for an order
//! only when the CRM's order is this one (same date, customer and quantities): another
//! order holding the id is refused, never overwritten; and never when a newer change of
//! the entity is queued (the caller's `superseded`): the edit would carry the create's
//! older data over what the newer change sent or will send. When the CRM shows nothing,
//! its refusal stands.
//!
//! A customer edit for a customer the CRM does not have becomes a create, and so does an
//! order update (a manager's edit) for an order the CRM does not have; an order create
//! refused for its customer creates the customer from the order's contact data first; a
//! paid mark for a payment the CRM lacks creates it. A 460 (a batch upload partly refused)
//! is set aside with the CRM's lists of what was and was not uploaded.

use serde_json::{Map, Value, json};

use super::change::{Change, text};
use super::refusal::{is_not_found, names_customer, names_external_id};
use crate::api::client::{By, Client, Entity};
use crate::api::error::{ApiError, ErrorClass};

/// How a delivery attempt ended.
#[derive(Debug)]
pub enum Outcome {
    /// The CRM has the change; the value is what it answered (ids, number).
    Delivered(Value),
    /// Not now: the CRM was unreachable, slow or overloaded. Try again later.
    RetryLater(ApiError),
    /// The CRM refused the change; sending it again unchanged cannot help.
    Refused(ApiError),
}

/// Sends `change` and classifies the result, applying the idempotency rules above.
/// `superseded` tells whether a newer change of the same entity is queued.
pub async fn deliver(client: &Client, change: &Change, superseded: &Superseded<'_>) -> Outcome {
    classify(send(client, change, superseded).await)
}

/// Whether a newer change of the entity being delivered is queued.
pub type Superseded<'a> = dyn Fn() -> bool + Send + Sync + 'a;

async fn send(
    client: &Client,
    change: &Change,
    superseded: &Superseded<'_>,
) -> Result<Value, ApiError> {
    match change {
        Change::CustomerCreate(customer) => {
            create_or_edit(client, Entity::Customer, customer, superseded).await
        }
        Change::CustomerEdit(customer) => {
            match client
                .edit(Entity::Customer, customer.clone(), By::ExternalId, None)
                .await
            {
                Err(error) if is_not_found(&error) => {
                    client
                        .create(Entity::Customer, customer.clone(), None)
                        .await
                }
                other => other,
            }
        }
        Change::OrderCreate(order) => create_order(client, order, superseded).await,
        Change::OrderEdit(order) => {
            client
                .edit(Entity::Order, order.clone(), By::ExternalId, None)
                .await
        }
        Change::OrderUpdate(order) => update_order(client, order, superseded).await,
        Change::PaymentEdit(payment) => mark_payment(client, payment).await,
        Change::Request {
            method,
            route,
            params,
            ..
        } => client.request(*method, route, params.clone()).await,
    }
}

/// Creates the order (see [`create_or_edit`]); when the CRM refuses it for its customer,
/// creates the customer from the order's contact data first.
async fn create_order(
    client: &Client,
    order: &Value,
    superseded: &Superseded<'_>,
) -> Result<Value, ApiError> {
    match create_or_edit(client, Entity::Order, order, superseded).await {
        Err(error) if names_customer(&error) => {
            client
                .create(Entity::Customer, customer_from_order(order), None)
                .await?;
            create_or_edit(client, Entity::Order, order, superseded).await
        }
        other => other,
    }
}

/// Edits the order with the whole current order (its `payments` left out), then each of
/// its payments' amount and type (a payment the CRM lacks is created on the order); an
/// order the CRM does not have is created.
async fn update_order(
    client: &Client,
    order: &Value,
    superseded: &Superseded<'_>,
) -> Result<Value, ApiError> {
    let mut edit = order.clone();
    let payments = edit
        .as_object_mut()
        .and_then(|fields| fields.shift_remove("payments"));
    let answer = match client.edit(Entity::Order, edit, By::ExternalId, None).await {
        Err(error) if is_not_found(&error) => return create_order(client, order, superseded).await,
        other => other?,
    };
    let order_id = json!({"externalId": order.get("externalId")});
    for payment in payments
        .as_ref()
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let mut payment = payment.clone();
        if let Some(fields) = payment.as_object_mut() {
            fields.insert("order".into(), order_id.clone());
        }
        mark_payment(client, &payment).await?;
    }
    Ok(answer)
}

/// Edits the payment found by its `externalId`. `order` only orders the change after its
/// order in the outbox, and `type` is kept for a payment the CRM does not have (the order
/// went without one because its payment method had no code then): that payment is created,
/// on the order, with the edit's fields.
async fn mark_payment(client: &Client, payment: &Value) -> Result<Value, ApiError> {
    let mut edit = payment.clone();
    if let Some(fields) = edit.as_object_mut() {
        fields.shift_remove("order");
        fields.shift_remove("type");
    }
    match client.payment_edit(edit, By::ExternalId, None).await {
        Err(error) if is_not_found(&error) && payment.get("type").is_some() => {
            client.payment_create(payment.clone(), None).await
        }
        other => other,
    }
}

/// Creates the entity; when the CRM refuses its `externalId` and reading it back shows the
/// CRM has it, edits it instead — for an order only when the CRM's order is this one (an
/// earlier attempt whose answer was lost), never another order that happens to hold the
/// id — and only when no newer change of the entity is queued (`superseded`): then the
/// CRM's copy counts as delivered as it is. When the read shows nothing, the CRM's refusal
/// is the answer.
async fn create_or_edit(
    client: &Client,
    entity: Entity,
    data: &Value,
    superseded: &Superseded<'_>,
) -> Result<Value, ApiError> {
    let refusal = match client.create(entity, data.clone(), None).await {
        Err(error) if names_external_id(&error) => error,
        other => return other,
    };
    // A change always has one: `Change::parse` checks it.
    let id = data.get("externalId").and_then(text).unwrap_or_default();
    let Some(theirs) = read_back(client, entity, &id).await? else {
        return Err(refusal);
    };
    if entity == Entity::Order && !same_order(data, &theirs) {
        return Err(not_this_order(refusal, &id));
    }
    if superseded() {
        let mut known = json!({"success": true, "id": theirs.get("id")});
        if entity == Entity::Order {
            known["order"] = json!({"number": theirs.get("number")});
        }
        return Ok(known);
    }
    let mut edit = data.clone();
    if let Some(fields) = edit.as_object_mut() {
        // Payments are edited on their own; an order edit does not take them.
        fields.shift_remove("payments");
    }
    client.edit(entity, edit, By::ExternalId, None).await
}

/// The entity the CRM holds under `externalId` `id`, read through the same client (and
/// pacing) as the create; `None` when the CRM answers that it has none.
async fn read_back(client: &Client, entity: Entity, id: &str) -> Result<Option<Value>, ApiError> {
    match client.get(entity, id, By::ExternalId, None).await {
        Ok(answer) => Ok(answer
            .get(entity.one())
            .filter(|it| it.is_object())
            .cloned()),
        Err(error) if is_not_found(&error) => Ok(None),
        Err(error) => Err(error),
    }
}

/// Whether the CRM's order is the one `ours` describes: same creation time (when `ours`
/// gives one), customer, and item quantities. Offers and names are left out: the CRM may
/// link or rename an item (an offer missing from its catalogue, say).
fn same_order(ours: &Value, theirs: &Value) -> bool {
    let customer = |order: &Value| order.pointer("/customer/externalId").cloned();
    let created = |order: &Value| order.get("createdAt").cloned();
    let quantities = |order: &Value| {
        let mut quantities: Vec<String> = order
            .get("items")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|item| {
                format!(
                    "{}",
                    item.get("quantity").and_then(Value::as_f64).unwrap_or(0.0)
                )
            })
            .collect();
        quantities.sort();
        quantities
    };
    (created(ours).is_none() || created(ours) == created(theirs))
        && customer(ours) == customer(theirs)
        && quantities(ours) == quantities(theirs)
}

/// The refusal for an order whose `externalId` another CRM order holds.
fn not_this_order(duplicate: ApiError, id: &str) -> ApiError {
    match duplicate {
        ApiError::Response(mut response) => {
            response.error_msg = format!(
                "the CRM already has another order with externalId {id} (other customer, date \
                 or items); it was not overwritten. Two site orders with one number? Send this \
                 one under another externalId, or discard it"
            );
            ApiError::Response(response)
        }
        other => other,
    }
}

fn classify(result: Result<Value, ApiError>) -> Outcome {
    match result {
        Ok(answer) => Outcome::Delivered(answer),
        // A wrong CRM address (no account there) is the settings' fault, not the change's:
        // the change waits until the address is fixed rather than being set aside.
        Err(error) => match error.class() {
            ErrorClass::Transient | ErrorClass::AccountMissing => Outcome::RetryLater(error),
            ErrorClass::Permanent | ErrorClass::Partial => Outcome::Refused(error),
        },
    }
}

/// A customer made from an order's contact data, for an order whose customer the CRM
/// does not know.
fn customer_from_order(order: &Value) -> Value {
    let mut customer = Map::new();
    if let Some(id) = order.pointer("/customer/externalId") {
        customer.insert("externalId".into(), id.clone());
    }
    for field in ["firstName", "lastName", "patronymic", "email"] {
        if let Some(value) = order.get(field).filter(|v| !v.is_null()) {
            customer.insert(field.into(), value.clone());
        }
    }
    if let Some(phone) = order
        .get("phone")
        .and_then(Value::as_str)
        .filter(|p| !p.is_empty())
    {
        customer.insert("phones".into(), json!([{ "number": phone }]));
    }
    Value::Object(customer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_customer_is_made_from_the_order_contact_data() {
        let order = json!({"externalId": "1", "customer": {"externalId": "17"}, "firstName": "Иван", "lastName": null, "phone": "+7 900", "email": "i@example.com"});
        assert_eq!(
            customer_from_order(&order),
            json!({"externalId": "17", "firstName": "Иван", "email": "i@example.com", "phones": [{"number": "+7 900"}]})
        );
    }

    /// The CRM answers `orders/{externalId}` in its own PHP-made shapes: fields of its own,
    /// whole quantities as floats (`2.0` for the `2` sent), items in its order, payments
    /// keyed by id, `[]` for empty custom fields. That copy is still the order sent.
    #[test]
    fn the_crms_copy_in_its_own_shapes_is_the_order_sent() {
        let ours = json!({
            "externalId": "2611-1", "createdAt": "2026-11-29 07:10:00",
            "customer": {"externalId": "17"},
            "items": [
                {"offer": {"externalId": "5"}, "initialPrice": 1500, "quantity": 2},
                {"offer": {"externalId": "6"}, "initialPrice": 499.5, "quantity": 1.5},
            ],
            "payments": [{"type": "cash", "amount": 3749.25}],
        });
        let theirs = json!({
            "id": 4811, "number": "4811A", "externalId": "2611-1", "site": "shop",
            "status": "new", "createdAt": "2026-11-29 07:10:00", "summ": 3749.25,
            "customer": {"type": "customer", "id": 77, "externalId": "17"},
            "items": [
                {"id": 9002, "offer": {"id": 302, "externalId": "6"}, "quantity": 1.5},
                {"id": 9001, "offer": {"id": 301, "externalId": "5"}, "quantity": 2.0},
            ],
            "payments": {"5501": {"id": 5501, "type": "cash", "amount": 3749.25}},
            "customFields": [],
        });
        assert!(same_order(&ours, &theirs));

        let mut more = theirs.clone();
        more["items"][1]["quantity"] = json!(3.0);
        assert!(!same_order(&ours, &more), "another quantity");
        let mut other = theirs.clone();
        other["customer"]["externalId"] = json!("18");
        assert!(!same_order(&ours, &other), "another customer");
        let mut later = theirs;
        later["createdAt"] = json!("2026-11-29 07:10:01");
        assert!(!same_order(&ours, &later), "another creation time");
    }

    #[test]
    fn transient_errors_retry_and_the_rest_are_refused() {
        let timeout = ApiError::Transport {
            kind: crate::api::error::TransportKind::Timeout,
            message: "t".into(),
        };
        assert!(matches!(classify(Err(timeout)), Outcome::RetryLater(_)));
        let invalid = ApiError::InvalidRequest("bad".into());
        assert!(matches!(classify(Err(invalid)), Outcome::Refused(_)));
        assert!(matches!(
            classify(Ok(json!({"success": true}))),
            Outcome::Delivered(_)
        ));
    }
}
