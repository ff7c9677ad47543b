//! Checks of an order's references against the seed's books: status, order method, order
//! type, delivery type, and the type and status of payments.

use super::fields::Object;
use crate::seed::{Reference, Seed};
use crate::wire::error::FieldErrors;
use serde_json::Value;

/// Records an error for each reference of `order` the seed does not know.
pub fn check(seed: &Seed, order: &Object, errors: &mut FieldErrors) {
    check_code(
        seed.statuses(),
        order.get("status"),
        "status",
        "Status",
        errors,
    );
    check_code(
        seed.order_methods(),
        order.get("orderMethod"),
        "orderMethod",
        "Order method",
        errors,
    );
    check_code(
        seed.order_types(),
        order.get("orderType"),
        "orderType",
        "Order type",
        errors,
    );
    if let Some(Value::Object(delivery)) = order.get("delivery") {
        check_code(
            seed.delivery_types(),
            delivery.get("code"),
            "delivery.code",
            "Delivery type",
            errors,
        );
    }
}

/// Records an error for an unknown payment type or status of `payment`, whose fields are
/// named after `prefix` (`payments[0].` or nothing).
pub fn check_payment(seed: &Seed, payment: &Object, prefix: &str, errors: &mut FieldErrors) {
    check_code(
        seed.payment_types(),
        payment.get("type"),
        &format!("{prefix}type"),
        "Payment type",
        errors,
    );
    check_code(
        seed.payment_statuses(),
        payment.get("status"),
        &format!("{prefix}status"),
        "Payment status",
        errors,
    );
    let amount = payment.get("amount").filter(|value| !value.is_null());
    if amount.is_some_and(|value| super::fields::number(value).is_none()) {
        errors.add(format!("{prefix}amount"), "This value should be a number.");
    }
}

fn check_code(
    book: &Reference,
    value: Option<&Value>,
    field: &str,
    label: &str,
    errors: &mut FieldErrors,
) {
    let Some(value) = value else {
        return;
    };
    if value.as_str().is_some_and(|code| book.contains(code)) {
        return;
    }
    let shown = value
        .as_str()
        .map_or_else(|| value.to_string(), str::to_string);
    errors.add(field, format!("{label} \"{shown}\" does not exist."));
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_each_unknown_reference() {
        let seed = Seed::default();
        let order =
            json!({"status": "lost", "orderMethod": "phone", "delivery": {"code": "drone"}});
        let mut errors = FieldErrors::default();
        check(&seed, order.as_object().expect("object"), &mut errors);
        let payment = json!({"type": "gold", "status": "paid", "amount": "x"});
        check_payment(
            &seed,
            payment.as_object().expect("object"),
            "payments[0].",
            &mut errors,
        );
        let mut expected = FieldErrors::default();
        expected.add("status", "Status \"lost\" does not exist.");
        expected.add("delivery.code", "Delivery type \"drone\" does not exist.");
        expected.add("payments[0].type", "Payment type \"gold\" does not exist.");
        expected.add("payments[0].amount", "This value should be a number.");
        assert_eq!(errors, expected);
    }
}
