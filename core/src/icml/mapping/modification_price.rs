//! A msOptionsPrice2 modification's price as msOptionsPrice2 4.x gives it to the shop
//! (`msoptionsprice::getCostByType($type, $price, $productPrice)`):
//! - a `price` ending in `%` is that share of the product's price (`10%`, `-5%`; a bare `%`
//!   is 1%), any other is an amount (`1500`, `+100`);
//! - `type` 2 adds it to the product's price, `type` 3 takes it off, any other (1, the
//!   default) makes it the price;
//! - a result below zero is zero, and zero (msOptionsPrice2's `allow_zero_cost` is off by
//!   default) means the product's price.
//!
//! PHP computes it in floats; the result is rounded to cents, as miniShop2 stores prices.

use super::{Field, number};
use crate::icml::decimal::Decimal;

/// Adds the amount to the product's price.
const INCREASE: i64 = 2;
/// Takes the amount off the product's price.
const DECREASE: i64 = 3;

/// The price of a modification whose `price` field is `price` and `type` is `kind`, on a
/// product priced `product` (none: 0, as PHP reads a missing price); `None` when it is the
/// product's price. An unreadable price or type is an error naming it.
pub fn modification_price(
    price: &Field<'_>,
    kind: Option<&Field<'_>>,
    product: Option<Decimal>,
) -> Result<Option<Decimal>, String> {
    let product_price = product.map_or(0.0, to_f64);
    let amount = match price {
        Field::Str(text) if text.trim().ends_with('%') => {
            let share = text.trim().trim_end_matches('%');
            let share = if share.trim().is_empty() {
                1.0
            } else {
                to_f64(number(&Field::Str(share.into()), "price")?)
            };
            product_price / 100.0 * share
        }
        other => to_f64(number(other, "price")?),
    };
    let kind = match kind {
        None | Some(Field::Null) => None,
        Some(kind) => Some(number(kind, "type")?),
    };
    let cost = match kind.map(to_f64) {
        Some(k) if k == INCREASE as f64 => product_price + amount,
        Some(k) if k == DECREASE as f64 => product_price - amount,
        _ => amount,
    };
    if cost <= 0.0 {
        return Ok(None);
    }
    Decimal::from_f64(cost)
        .map(|cost| Some(cost.round(2)))
        .map_err(|e| format!("price {e}"))
}

/// A decimal as PHP's float.
fn to_f64(value: Decimal) -> f64 {
    value.to_string().parse().unwrap_or(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn price(price: Field<'_>, kind: Option<i64>, product: &str) -> Option<String> {
        let kind = kind.map(Field::Int);
        let product = Decimal::parse(product).ok();
        modification_price(&price, kind.as_ref(), product)
            .unwrap()
            .map(|price| price.to_string())
    }

    fn text(value: &str) -> Field<'_> {
        Field::Str(value.into())
    }

    #[test]
    fn amounts_and_shares_replace_add_or_take_off_as_msoptionsprice2_does() {
        assert_eq!(
            price(text("1500.00"), Some(1), "1250.5"),
            Some("1500".into())
        );
        assert_eq!(price(text("+100"), None, "1250.5"), Some("100".into()));
        assert_eq!(
            price(text("+100"), Some(2), "1250.5"),
            Some("1350.5".into())
        );
        assert_eq!(
            price(Field::Int(100), Some(3), "1250.5"),
            Some("1150.5".into())
        );
        assert_eq!(price(text("10%"), Some(1), "1250.5"), Some("125.05".into()));
        assert_eq!(
            price(text("10%"), Some(2), "1250.5"),
            Some("1375.55".into())
        );
        assert_eq!(price(text(" -5% "), Some(2), "1000"), Some("950".into()));
        assert_eq!(price(text("5%"), Some(3), "999.99"), Some("949.99".into()));
        assert_eq!(
            price(text("%"), Some(2), "1000"),
            Some("1010".into()),
            "a bare % is 1%"
        );
    }

    #[test]
    fn zero_and_below_are_the_products_price() {
        assert_eq!(price(text("-5%"), Some(1), "1000"), None);
        assert_eq!(price(text("2000"), Some(3), "1000"), None);
        assert_eq!(price(Field::Int(0), None, "1000"), None);
    }

    #[test]
    fn unreadable_prices_and_types_are_named() {
        let refused = modification_price(&text("abc"), None, None).unwrap_err();
        assert!(refused.contains("price"), "{refused}");
        let refused = modification_price(&text("x%"), None, None).unwrap_err();
        assert!(refused.contains("price"), "{refused}");
        let kind = text("up");
        let refused = modification_price(&text("5"), Some(&kind), None).unwrap_err();
        assert!(refused.contains("type"), "{refused}");
    }
}
