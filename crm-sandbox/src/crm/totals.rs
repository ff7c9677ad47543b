//! Order sums, computed as RetailCRM does.
//!
//! An item's unit price is `initialPrice` less `discountManualAmount`, then less
//! `discountManualPercent` of what remains; `summ` is Σ unit price × `quantity`. `totalSumm`
//! is `summ` less the order's `discountManualAmount`, then less its `discountManualPercent`,
//! plus `delivery.cost`. `prepaySum` is the total of payments with status `paid`. Amounts
//! are rounded to cents.

use super::fields::{Object, money, number};
use crate::wire::error::FieldErrors;
use serde_json::Value;

const NUMBERS: [&str; 6] = [
    "discountManualAmount",
    "discountManualPercent",
    "weight",
    "length",
    "width",
    "height",
];
const DELIVERY_NUMBERS: [&str; 2] = ["cost", "netCost"];
const ITEM_NUMBERS: [&str; 5] = [
    "initialPrice",
    "quantity",
    "discountManualAmount",
    "discountManualPercent",
    "purchasePrice",
];

/// Records an error for every numeric field of `order` that is not a number, and for
/// `items` that is not a list of objects.
pub fn check(order: &Object, errors: &mut FieldErrors) {
    check_numbers(order, &NUMBERS, "", errors);
    if let Some(Value::Object(delivery)) = order.get("delivery") {
        check_numbers(delivery, &DELIVERY_NUMBERS, "delivery.", errors);
    }
    match order.get("items") {
        None | Some(Value::Null) => {}
        Some(Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                match item {
                    Value::Object(item) => {
                        check_numbers(item, &ITEM_NUMBERS, &format!("items[{i}]."), errors)
                    }
                    _ => errors.add(
                        format!("items[{i}]"),
                        "This value should be of type object.",
                    ),
                }
            }
        }
        Some(_) => errors.add("items", "This value should be of type array."),
    }
}

fn check_numbers(object: &Object, names: &[&str], prefix: &str, errors: &mut FieldErrors) {
    for name in names {
        if let Some(value) = object.get(*name).filter(|value| !value.is_null())
            && number(value).is_none()
        {
            errors.add(format!("{prefix}{name}"), "This value should be a number.");
        }
    }
}

/// Sets `summ`, `totalSumm` and `prepaySum` of a checked order.
pub fn apply(order: &mut Object) {
    let summ: f64 = order
        .get("items")
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(Value::as_object)
                .map(item_total)
                .sum()
        })
        .unwrap_or(0.0);
    let after_amount = summ - amount(order, "discountManualAmount");
    let discounted = after_amount - after_amount * amount(order, "discountManualPercent") / 100.0;
    let delivery = order
        .get("delivery")
        .and_then(Value::as_object)
        .map_or(0.0, |delivery| amount(delivery, "cost"));
    let prepaid: f64 = order
        .get("payments")
        .and_then(Value::as_object)
        .map(|payments| {
            payments
                .values()
                .filter(|payment| payment.get("status").and_then(Value::as_str) == Some("paid"))
                .filter_map(|payment| payment.get("amount").and_then(number))
                .sum()
        })
        .unwrap_or(0.0);
    order.insert("summ".into(), money(summ));
    order.insert("totalSumm".into(), money(discounted + delivery));
    order.insert("prepaySum".into(), money(prepaid));
}

fn item_total(item: &Object) -> f64 {
    let after_amount = amount(item, "initialPrice") - amount(item, "discountManualAmount");
    let unit = after_amount - after_amount * amount(item, "discountManualPercent") / 100.0;
    let quantity = item.get("quantity").and_then(number).unwrap_or(1.0);
    unit * quantity
}

fn amount(object: &Object, name: &str) -> f64 {
    object.get(name).and_then(number).unwrap_or(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn totals(order: Value) -> (Value, Value, Value) {
        let mut order = order.as_object().cloned().expect("object");
        apply(&mut order);
        (
            order["summ"].clone(),
            order["totalSumm"].clone(),
            order["prepaySum"].clone(),
        )
    }

    #[test]
    fn sums_items_with_their_discounts_then_the_order_discount_and_delivery() {
        let order = json!({
            "items": [
                {"initialPrice": 1000, "quantity": 3},
                {"initialPrice": 500, "quantity": 2, "discountManualAmount": 100, "discountManualPercent": 10},
                {"initialPrice": "99.99"}
            ],
            "discountManualAmount": 200,
            "discountManualPercent": 5,
            "delivery": {"cost": 250},
            "payments": {"1": {"amount": 100, "status": "paid"}, "2": {"amount": 50, "status": "not-paid"}}
        });
        // items: 3000 + (500-100)*0.9*2 = 720 + 99.99 → 3819.99; (3819.99-200)*0.95 = 3438.9905; +250
        assert_eq!(totals(order), (json!(3819.99), json!(3688.99), json!(100)));
        assert_eq!(totals(json!({})), (json!(0), json!(0), json!(0)));
    }

    #[test]
    fn reports_fields_that_are_not_numbers() {
        let order =
            json!({"weight": "heavy", "delivery": {"cost": []}, "items": [{"quantity": "two"}, 5]});
        let mut errors = FieldErrors::default();
        check(order.as_object().expect("object"), &mut errors);
        let mut expected = FieldErrors::default();
        expected.add("weight", "This value should be a number.");
        expected.add("delivery.cost", "This value should be a number.");
        expected.add("items[0].quantity", "This value should be a number.");
        expected.add("items[1]", "This value should be of type object.");
        assert_eq!(errors, expected);
    }
}
