//! The CRM's total of every mapped order equals miniShop2's `cost`.

use serde_json::{Value, json};

use super::fixtures::{OrderRows, order_from_event, order_one, order_one_include_related};
use crate::mapping::{MappingSettings, order};

/// The CRM's `totalSumm` the way RetailCRM (and the sandbox's `totals`) computes it:
/// Σ item `initialPrice` × `quantity` − `discountManualAmount` + delivery `cost`, in cents.
fn crm_total_cents(payload: &Value) -> i64 {
    let number = |value: &Value| value.as_f64().unwrap_or(0.0);
    let items: f64 = payload["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| number(&item["initialPrice"]) * number(&item["quantity"]))
        .sum();
    let total =
        items - number(&payload["discountManualAmount"]) + number(&payload["delivery"]["cost"]);
    (total * 100.0).round() as i64
}

fn cost_cents(rows: &OrderRows) -> i64 {
    let cost = &rows.order["cost"];
    let cost = cost
        .as_f64()
        .or_else(|| cost.as_str()?.parse().ok())
        .unwrap();
    (cost * 100.0).round() as i64
}

fn every_order() -> Vec<(&'static str, OrderRows)> {
    let mut promo = order_one("raw_row");
    promo.promo = json!({"promocode": "SALE", "discount_amount": 100.5});
    promo.order["cost"] = json!("2866.68");
    let mut cheaper = order_one("toArray");
    cheaper.order["cost"] = json!(10);
    let mut big = order_one("toArray");
    big.products = (1..=500)
        .map(|n| json!({"product_id": n, "name": "P", "count": n % 7 + 1, "price": f64::from(n) * 0.37}))
        .collect();
    vec![
        ("msOrder toArray", order_one("toArray")),
        ("msOrder raw rows", order_one("raw_row")),
        ("include related", order_one_include_related()),
        ("msOnCreateOrder", order_from_event("msOnCreateOrder.json")),
        (
            "msOnCreateOrder 2",
            order_from_event("msOnCreateOrder__2.json"),
        ),
        ("promo", promo),
        ("cost below items", cheaper),
        ("500 items", big),
    ]
}

#[test]
fn crm_total_equals_minishop2_cost_on_every_fixture_order() {
    for (name, rows) in every_order() {
        let payload = order(&rows.input(), &MappingSettings::default())
            .unwrap()
            .payload;
        assert_eq!(crm_total_cents(&payload), cost_cents(&rows), "{name}");
    }
}
