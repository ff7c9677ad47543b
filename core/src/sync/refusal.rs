//! What a CRM refusal means, read from its structure only: the HTTP status and the fields
//! its `errors` object names. The words of `errorMsg` and of the field messages follow the
//! account's language and may be reworded by any CRM release, so no decision reads them.

use crate::api::error::{ApiError, ErrorClass};

/// The field a create is refused under when the CRM already holds its `externalId`.
const EXTERNAL_ID: &[&str] = &["externalId"];
/// The fields an order create is refused under when the CRM does not know its customer.
const CUSTOMER: &[&str] = &["customer.externalId", "customer"];

/// Whether a create was refused for its `externalId`: the CRM may hold the entity already
/// (an earlier attempt whose answer was lost); only reading it back can tell.
pub fn names_external_id(error: &ApiError) -> bool {
    refused_for(error, EXTERNAL_ID)
}

/// Whether an order create was refused for its customer (`customer.externalId` or
/// `customer`): the CRM does not know the customer.
pub fn names_customer(error: &ApiError) -> bool {
    refused_for(error, CUSTOMER)
}

/// Whether the CRM answered that it has no such entity: a 404 from the account itself,
/// not from a wrong address.
pub fn is_not_found(error: &ApiError) -> bool {
    error.status() == Some(404) && error.class() == ErrorClass::Permanent
}

/// Whether `error` is a validation refusal (400) whose `errors` object names one of
/// `fields`. A list of messages names no field.
fn refused_for(error: &ApiError, fields: &[&str]) -> bool {
    match error {
        ApiError::Response(response) if response.status == 400 => response
            .errors
            .as_object()
            .is_some_and(|errors| fields.iter().any(|field| errors.contains_key(*field))),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::error::{ErrorResponse, TransportKind};
    use serde_json::{Value, json};

    fn answer(status: u16, error_msg: &str, errors: Value) -> ApiError {
        let mut body = json!({"success": false, "errorMsg": error_msg});
        if !errors.is_null() {
            body["errors"] = errors.clone();
        }
        ApiError::Response(Box::new(ErrorResponse {
            status,
            error_msg: error_msg.into(),
            errors,
            body: Some(body),
        }))
    }

    #[test]
    fn the_field_decides_whatever_the_words() {
        for message in [
            "Order with externalId=7 already exists.",
            "Заказ с externalId=7 уже существует.",
            "The order externalId 7 is taken.",
            "",
        ] {
            let taken = answer(400, "x", json!({ "externalId": message }));
            assert!(names_external_id(&taken), "{message}");
            assert!(!names_customer(&taken), "{message}");
            let orphan = answer(400, "x", json!({ "customer.externalId": message }));
            assert!(names_customer(&orphan), "{message}");
            assert!(!names_external_id(&orphan), "{message}");
        }
        assert!(names_customer(&answer(
            400,
            "x",
            json!({"customer": "Клиент не найден"})
        )));
    }

    #[test]
    fn words_without_the_field_decide_nothing() {
        for refusal in [
            answer(
                400,
                "Order is not loaded",
                json!({"email": "Order with externalId=7 already exists."}),
            ),
            answer(
                400,
                "x",
                json!(["externalId: Order with externalId=7 already exists."]),
            ),
            answer(400, "Order with externalId=7 already exists.", Value::Null),
            answer(
                400,
                "Order is not loaded",
                json!({"items[0].customer": "Customer with externalId=9 not found."}),
            ),
        ] {
            assert!(!names_external_id(&refusal), "{refusal:?}");
            assert!(!names_customer(&refusal), "{refusal:?}");
        }
    }

    #[test]
    fn only_a_validation_refusal_names_fields() {
        let errors = json!({"externalId": "x", "customer.externalId": "y"});
        for status in [404, 460, 500] {
            let other = answer(status, "x", errors.clone());
            assert!(!names_external_id(&other) && !names_customer(&other));
        }
        let transport = ApiError::Transport {
            kind: TransportKind::Io,
            message: "externalId".into(),
        };
        assert!(!names_external_id(&transport));
    }

    #[test]
    fn not_found_is_a_404_from_the_account() {
        assert!(is_not_found(&answer(404, "Не найдено", Value::Null)));
        let wrong_address = ApiError::Response(Box::new(ErrorResponse {
            status: 404,
            error_msg: "HTML answer".into(),
            errors: Value::Null,
            body: None,
        }));
        assert!(!is_not_found(&wrong_address));
        assert!(!is_not_found(&answer(400, "Not found", Value::Null)));
    }
}
