use serde_json::{Map, Value, json};

use super::*;

/// 2026-12-06 10:34:20 UTC.
const TIME: i64 = 1_796_553_260;

fn map(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        other => panic!("an object: {other}"),
    }
}

fn spec(properties: Value) -> FormSpec {
    FormSpec::parse(&map(properties), Some(12), None).unwrap()
}

fn product() -> Value {
    json!({"id": 3, "pagetitle": "Test T-Shirt", "price": 1250.5, "published": true, "deleted": false})
}

fn problems(spec: &FormSpec, values: Value, product: Option<&Value>) -> Vec<(String, String)> {
    lead(spec, &map(values), product, TIME)
        .unwrap_err()
        .into_iter()
        .map(|p| (p.field, p.problem.code().to_string()))
        .collect()
}

fn pair(field: &str, code: &str) -> (String, String) {
    (field.to_string(), code.to_string())
}

#[test]
fn a_one_click_order_carries_the_contact_the_product_and_the_order_method() {
    let spec =
        spec(json!({"formName": "buy", "crmOrderMethod": "one-click", "crmQuantity": "count"}));
    let values = map(json!({
        "name": "Иванов Иван Иванович", "phone": "+7 (900) 123-45-67", "email": "ivan@example.com",
        "comment": "Call me\r\n\r\n\r\nafter 6 pm ", "product": "3", "count": "2", "token": "x",
    }));
    assert_eq!(product_id(&spec, &values), Some(3));
    let lead = lead(&spec, &values, Some(&product()), TIME).unwrap();
    assert_eq!(lead.target, FormTarget::Order);
    assert!(
        lead.key.starts_with("form-buy-202612061034-"),
        "{}",
        lead.key
    );
    assert_eq!(lead.key.len(), "form-buy-202612061034-".len() + 16);
    assert_eq!(
        lead.payload.to_string(),
        json!({
            "externalId": lead.key, "orderMethod": "one-click",
            "firstName": "Иван", "lastName": "Иванов", "patronymic": "Иванович",
            "email": "ivan@example.com", "phone": "+7 (900) 123-45-67",
            "customerComment": "Call me\n\nafter 6 pm",
            "items": [{"offer": {"externalId": "3"}, "productName": "Test T-Shirt",
                       "initialPrice": 1250.5, "quantity": 2}],
        })
        .to_string()
    );
}

#[test]
fn the_key_is_the_same_within_a_minute_and_changes_with_the_minute_and_the_values() {
    let spec = spec(json!({}));
    let key = |values: Value, time: i64| lead(&spec, &map(values), None, time).unwrap().key;
    let values = json!({"phone": "+7 900 123 45 67", "name": "Ann", "token": "1"});
    let first = key(values.clone(), TIME);
    assert_eq!(first, key(values.clone(), TIME + 39), "the same minute");
    assert_eq!(
        first,
        key(
            json!({"phone": "+7 900 123 45 67", "name": "Ann", "token": "2"}),
            TIME
        ),
        "fields the hook does not read are not in the key"
    );
    assert_ne!(first, key(values.clone(), TIME + 40), "the next minute");
    assert_ne!(
        first,
        key(json!({"phone": "+7 900 123 45 68", "name": "Ann"}), TIME)
    );
    assert_ne!(
        first,
        key(json!({"phone": "+7 900 123 45 67", "name": "Anna"}), TIME)
    );
    let other_form = FormSpec::parse(&map(json!({"crmForm": "other"})), Some(12), None).unwrap();
    assert_ne!(
        first,
        lead(&other_form, &map(values), None, TIME).unwrap().key
    );
    assert!(first.starts_with("form-page-12-"), "{first}");
}

#[test]
fn a_customer_and_a_task_take_the_contact_and_the_comment() {
    let values = json!({"name": "Jane Customer", "phone": "8 900 000-00-00", "email": "jane@example.com",
                        "comment": "Two lines:\nhere", "product": "99"});
    let customer = lead(
        &spec(json!({"crmType": "customer"})),
        &map(values.clone()),
        None,
        TIME,
    )
    .unwrap();
    assert_eq!(
        customer.payload,
        json!({"externalId": customer.key, "firstName": "Jane Customer", "email": "jane@example.com",
               "phones": [{"number": "8 900 000-00-00"}]})
    );
    let task = lead(
        &spec(json!({"crmType": "task", "crmTaskPerformer": "7"})),
        &map(values.clone()),
        None,
        TIME,
    )
    .unwrap();
    assert_eq!(
        task.payload,
        json!({"task": {"text": "Jane Customer, 8 900 000-00-00, jane@example.com",
                        "commentary": "Jane Customer\n8 900 000-00-00\njane@example.com\nTwo lines:\nhere",
                        "performerId": 7}})
    );
    let texted = lead(
        &spec(json!({"crmType": "task", "crmTaskText": "Call back"})),
        &map(values),
        None,
        TIME,
    )
    .unwrap();
    assert_eq!(texted.payload["task"]["text"], "Call back");
    assert_ne!(task.key, customer.key, "the target is in the key");
}

#[test]
fn no_phone_and_no_email_is_a_problem_of_both_fields() {
    let spec = spec(json!({}));
    assert_eq!(
        problems(
            &spec,
            json!({"name": "Ann", "phone": " ", "email": ""}),
            None
        ),
        vec![
            pair("phone", "contact_missing"),
            pair("email", "contact_missing")
        ]
    );
    let phone_only = FormSpec::parse(&map(json!({"crmEmail": ""})), None, None).unwrap();
    assert_eq!(
        problems(&phone_only, json!({}), None),
        vec![pair("phone", "contact_missing")]
    );
    assert!(lead(&spec, &map(json!({"email": "a@b.co"})), None, TIME).is_ok());
}

#[test]
fn over_long_invalid_and_unknown_values_are_problems_of_their_fields() {
    let spec = spec(json!({"crmComment": "message"}));
    let found = problems(
        &spec,
        json!({"name": "x".repeat(MAX_NAME + 1), "phone": "call me", "email": "a@b", "message": "y".repeat(MAX_COMMENT + 1),
               "product": "3", "quantity": "0"}),
        Some(&product()),
    );
    assert_eq!(
        found,
        vec![
            pair("name", "too_long"),
            pair("message", "too_long"),
            pair("phone", "invalid_phone"),
            pair("email", "invalid_email"),
            pair("quantity", "invalid_quantity"),
        ]
    );
    assert!(
        lead(
            &spec,
            &map(json!({"name": "x".repeat(MAX_NAME), "phone": "12345"})),
            None,
            TIME
        )
        .is_ok()
    );
    let long = lead(
        &spec,
        &map(json!({"phone": "1".repeat(MAX_PHONE + 1)})),
        None,
        TIME,
    )
    .unwrap_err();
    assert_eq!(long[0].problem, Problem::TooLong { max: MAX_PHONE });
    assert_eq!(long[0].problem.params(), map(json!({"max": MAX_PHONE})));

    let phone = json!({"phone": "12345"});
    let with = |product: &str| {
        let mut values = phone.clone();
        values["product"] = json!(product);
        values
    };
    assert_eq!(
        problems(&spec, with("7"), None),
        vec![pair("product", "unknown_product")]
    );
    assert_eq!(
        problems(&spec, with("abc"), None),
        vec![pair("product", "unknown_product")]
    );
    let mut unpublished = product();
    unpublished["published"] = json!(0);
    assert_eq!(
        problems(&spec, with("3"), Some(&unpublished)),
        vec![pair("product", "unknown_product")]
    );
    let mut deleted = product();
    deleted["deleted"] = json!("1");
    assert_eq!(
        problems(&spec, with("3"), Some(&deleted)),
        vec![pair("product", "unknown_product")]
    );
    assert_eq!(
        problems(
            &spec,
            json!({"phone": "12345", "name": {"first": "A"}}),
            None
        ),
        vec![pair("name", "not_text")]
    );
    assert!(
        lead(
            &spec,
            &map(json!({"phone": "12345", "name": ["A", "B"]})),
            None,
            TIME
        )
        .is_ok()
    );
}

#[test]
fn a_customer_or_a_task_ignores_the_product_fields() {
    let values = map(json!({"phone": "12345", "product": "nope", "quantity": "-1"}));
    let customer = spec(json!({"crmType": "customer"}));
    assert_eq!(product_id(&customer, &values), None);
    assert!(lead(&customer, &values, None, TIME).is_ok());
}
