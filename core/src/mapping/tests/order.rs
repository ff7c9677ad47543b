//! One test per fixture order: the exact payload, as the bytes sent (key order included).

use serde_json::{Value, json};

use super::fixtures::{OrderRows, order_from_event, order_one, order_one_include_related};
use crate::mapping::{MappingSettings, order};

fn map(rows: &OrderRows) -> String {
    let mapped = order(&rows.input(), &MappingSettings::default()).unwrap();
    assert!(mapped.unmapped.is_empty(), "{:?}", mapped.unmapped);
    wire(&mapped.payload)
}

/// The JSON text of `payload`, keys in their order.
fn wire(payload: &Value) -> String {
    serde_json::to_string(payload).unwrap()
}

/// Order 2611/1 as sent: the 2% payment surcharge on the cart (2652 − 2600) is an item.
fn order_one_payload() -> String {
    wire(&json!({
        "externalId": "2611-1",
        "createdAt": "2026-11-29 07:16:52",
        "customer": {"externalId": "4"},
        "firstName": "Jane Customer",
        "phone": "+15550303",
        "email": "jane.customer@example.com",
        "customerComment": "Ring twice",
        "weight": 900,
        "items": [
            {
                "offer": {"externalId": "3"},
                "productName": "Test T-Shirt",
                "initialPrice": 1250.5,
                "quantity": 2,
                "properties": [
                    {"code": "color", "name": "Цвет", "value": "red"},
                    {"code": "size", "name": "Размер", "value": "L"},
                ],
            },
            {"offer": {"externalId": "4"}, "productName": "Test Mug", "initialPrice": 99, "quantity": 1},
            {"productName": "Наценка за способ оплаты", "initialPrice": 52, "quantity": 1},
        ],
        "delivery": {
            "code": "courier",
            "cost": 315.18,
            "address": {
                "index": "12345",
                "countryIso": "US",
                "region": "IL",
                "city": "Springfield",
                "street": "Evergreen Terrace",
                "building": "742",
                "flat": "1",
                "text": "12345, US, IL, Springfield, Evergreen Terrace, 742, 1",
            },
        },
        "payments": [{"externalId": "2611-1-payment", "type": "card", "amount": 2967.18}],
    }))
}

#[test]
fn order_from_msorder_toarray_fixture() {
    assert_eq!(map(&order_one("toArray").with_codes()), order_one_payload());
}

#[test]
fn order_from_raw_rows_fixture_with_string_numbers_and_json_options() {
    let rows = order_one("raw_row").with_codes();
    assert_eq!(rows.order["cost"], json!("2967.18"));
    assert!(rows.products[0]["options"].is_string());
    assert_eq!(map(&rows), order_one_payload());
}

#[test]
fn order_from_include_related_fixture() {
    let rows = order_one_include_related().with_codes();
    let mapped = order(&rows.input(), &MappingSettings::default()).unwrap();
    // Its status row (Paid) has no CRM code: the order is still mapped, the status listed.
    assert_eq!(
        mapped.unmapped,
        ["status 2 (Paid) has no retailcrm_status_code"]
    );
    assert_eq!(wire(&mapped.payload), order_one_payload());
}

#[test]
fn order_from_first_checkout_event_fixture() {
    assert_eq!(
        map(&order_from_event("msOnCreateOrder.json").with_codes()),
        order_one_payload()
    );
}

#[test]
fn order_from_second_checkout_event_fixture() {
    assert_eq!(
        map(&order_from_event("msOnCreateOrder__2.json").with_codes()),
        wire(&json!({
            "externalId": "2611-2",
            "createdAt": "2026-11-29 07:16:52",
            "customer": {"externalId": "5"},
            "firstName": "Http Buyer",
            "phone": "+15550404",
            "email": "http.buyer@example.com",
            "weight": 1450,
            "items": [
                {
                    "offer": {"externalId": "3"},
                    "productName": "Test T-Shirt",
                    "initialPrice": 1250.5,
                    "quantity": 1,
                    "properties": [
                        {"code": "color", "name": "Цвет", "value": "blue"},
                        {"code": "size", "name": "Размер", "value": "M"},
                    ],
                },
                {"offer": {"externalId": "4"}, "productName": "Test Mug", "initialPrice": 99, "quantity": 3},
                {"productName": "Наценка за способ оплаты", "initialPrice": 30.95, "quantity": 1},
            ],
            "delivery": {
                "code": "courier",
                "cost": 320.79,
                "address": {"city": "Shelbyville", "street": "Main St", "text": "Shelbyville, Main St"},
            },
            "payments": [{"externalId": "2611-2-payment", "type": "card", "amount": 1899.24}],
        }))
    );
}
