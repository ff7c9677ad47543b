//! msOptionsPrice2 modifications as offers of their own.
//!
//! A product array may carry `modifications`: a list of msopModification rows (`id`,
//! `name`, `type`, `price`, `count`, `article`, `weight`, `options` key → value, `active`;
//! `rid`, the product's id, is not needed). Each active one becomes the offer
//! `mod-{product}-{modification}` — the id order items carry for it (see
//! [`crate::mapping`]) — with the product's id as `productId`, the name
//! `{product} - {modification}`, its own price as msOptionsPrice2 computes it from `type`
//! and `price` (see [`super::modification_price`]), quantity, weight (the product's when it
//! has none), its article and options as params, and the product's url, pictures, categories,
//! vendor, unit, VAT rate, dimensions and activity.

use std::borrow::Cow;

use bumpalo::Bump;
use serde_json::Value;

use super::modification_price::modification_price;
use super::{Field, Mapping, Record, number, owned_field, param_value, text};
use crate::icml::decimal::Decimal;
use crate::icml::error::Error;
use crate::icml::model::{Offer, Param};

/// The record field holding the modifications.
pub(super) const MODIFICATIONS: &str = "modifications";

/// The offer id of msOptionsPrice2 modification `modification` of product `product`:
/// `mod-{product}-{modification}`, the `offer.externalId` of order items for it.
pub fn modification_offer_id(product: &str, modification: &str) -> String {
    format!("mod-{product}-{modification}")
}

impl Mapping {
    /// The offers of the active msOptionsPrice2 modifications `record` carries in its
    /// `modifications` list, built on `product`, the record's own offer (see the module
    /// documentation). Empty, without allocating, when there are none. Errors name the
    /// modification's offer: `offer "mod-3-1": price must be a number, got "abc"`.
    pub fn modifications<'r, R: Record + ?Sized>(
        &'r self,
        record: &'r R,
        product: &Offer<'r>,
        arena: &'r Bump,
    ) -> Result<Vec<Offer<'r>>, Error> {
        let rows = match record.field_at(self.options_slot() + 1, MODIFICATIONS) {
            None | Some(Field::Null) => return Ok(Vec::new()),
            Some(Field::List(rows)) => rows,
            Some(Field::Map(entries)) => entries.into_iter().map(|(_, row)| row).collect(),
            Some(Field::Str(json)) => match serde_json::from_str::<Value>(&json) {
                Ok(Value::Array(rows)) => rows.into_iter().map(owned_field).collect(),
                _ => return Err(modifications_error(product, "a JSON list in a string")),
            },
            Some(other) => return Err(modifications_error(product, &super::describe(&other))),
        };
        let mut offers = Vec::with_capacity(rows.len());
        for row in rows {
            if let Some(offer) = self.modification(row, product, arena)? {
                offers.push(offer);
            }
        }
        Ok(offers)
    }

    /// One modification row as an offer; `None` when it is inactive.
    fn modification<'r>(
        &'r self,
        mut row: Field<'r>,
        product: &Offer<'r>,
        arena: &'r Bump,
    ) -> Result<Option<Offer<'r>>, Error> {
        if !matches!(row, Field::Map(_)) {
            return Err(Error::offer(
                Some(&product.id),
                format!(
                    "a modification must be an array with keys, got {}",
                    super::describe(&row)
                ),
            ));
        }
        let product_id = product.product_id.as_deref().unwrap_or(&product.id);
        let id = match row.take("id") {
            Some(id) => text(id, "modification id", arena)
                .map_err(|message| Error::offer(Some(&product.id), message))?,
            None => {
                return Err(Error::offer(Some(&product.id), "a modification has no id"));
            }
        };
        let id = modification_offer_id(product_id, &id);
        let fail = |message: String| Error::offer(Some(&id), message);
        let active = row.take("active");
        let active = active
            .as_ref()
            .map(|active| super::activity(active).map_err(|_| fail(inactive_error(active))));
        if active.transpose()? == Some(false) {
            return Ok(None);
        }
        let name = row
            .take("name")
            .map(|name| text(name, "name", arena))
            .transpose()
            .map_err(fail)?;
        let kind = row.take("type");
        let price = row
            .take("price")
            .map(|price| modification_price(&price, kind.as_ref(), product.price))
            .transpose()
            .map_err(fail)?
            .flatten();
        let mut take_number = |key: &str| {
            row.take(key)
                .map(|value| number(&value, key))
                .transpose()
                .map_err(fail)
        };
        let quantity = take_number("count")?;
        let weight = take_number("weight")?.filter(|weight| *weight != Decimal::ZERO);
        let params = self.modification_params(&mut row, arena).map_err(fail)?;
        let product_name = product.product_name.as_ref().unwrap_or(&product.name);
        let offer_name = match name {
            Some(name) => Cow::Owned(format!("{product_name} - {name}")),
            None => product_name.clone(),
        };
        Ok(Some(Offer {
            id: Cow::Owned(id),
            product_id: Some(Cow::Owned(product_id.to_string())),
            quantity,
            url: product.url.clone(),
            price: price.or(product.price),
            purchase_price: None,
            category_ids: product.category_ids.clone(),
            pictures: product.pictures.clone(),
            name: offer_name,
            product_name: Some(product_name.clone()),
            xml_id: None,
            params,
            vendor: product.vendor.clone(),
            unit: product.unit.clone(),
            vat_rate: product.vat_rate,
            barcodes: Vec::new(),
            weight: weight.or(product.weight),
            dimensions: product.dimensions,
            product_activity: product.product_activity,
        }))
    }

    /// The modification's article (named as the `article` param is), then its options,
    /// each named as the `params` option names that key, else by the key.
    fn modification_params<'r>(
        &'r self,
        row: &mut Field<'r>,
        arena: &'r Bump,
    ) -> Result<Vec<Param<'r>>, String> {
        let mut params = Vec::new();
        let article = row.take("article");
        if let Some(value) = article
            .map(|a| param_value(a, "article", arena))
            .transpose()?
            .flatten()
        {
            params.push(self.named_param(Cow::Borrowed("article"), value));
        }
        let options = match row.take("options") {
            Some(Field::Str(json)) => match serde_json::from_str::<Value>(&json) {
                Ok(value) => owned_field(value),
                Err(_) => return Err(format!("options must be key => value, got {json:?}")),
            },
            Some(options) => options,
            None => Field::Null,
        };
        match options {
            Field::Map(entries) => {
                for (key, value) in entries {
                    if let Some(value) = param_value(value, "option value", arena)? {
                        params.push(self.named_param(key, value));
                    }
                }
            }
            Field::Null => {}
            Field::List(items) if items.is_empty() => {}
            other => {
                return Err(format!(
                    "options must be key => value, got {}",
                    super::describe(&other)
                ));
            }
        }
        Ok(params)
    }

    /// A param with code `code`, named as the `params` option names that field.
    fn named_param<'r>(&'r self, code: Cow<'r, str>, value: Cow<'r, str>) -> Param<'r> {
        let name = self
            .params
            .iter()
            .find(|(field, _)| *field == code)
            .map_or_else(|| code.clone(), |(_, name)| Cow::Borrowed(name.as_str()));
        Param {
            name,
            code: Some(code),
            value,
        }
    }
}

fn modifications_error(product: &Offer<'_>, got: &str) -> Error {
    Error::offer(
        Some(&product.id),
        format!("modifications must be a list of msOptionsPrice2 modification arrays, got {got}"),
    )
}

fn inactive_error(active: &Field<'_>) -> String {
    format!(
        "active must be a boolean or 1/0, got {}",
        super::describe(active)
    )
}

#[cfg(test)]
mod tests {
    use serde_json::{Map, json};

    use super::*;

    fn record(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => Map::new(),
        }
    }

    /// The captured msProduct (trimmed) with two modifications, one inactive.
    fn product() -> Map<String, Value> {
        record(json!({
            "id": 3, "pagetitle": "Test T-Shirt", "parent": 2, "published": true,
            "uri": "catalog/test-t-shirt.html", "article": "TS-001", "price": 1250.5,
            "weight": 0.25, "remains": 10, "image": "/assets/images/products/3/t-shirt.jpg",
            "vendor.name": "Acme & Co", "color": ["red", "blue"], "size": ["M", "L"],
            "modifications": [
                {"id": 1, "rid": 3, "name": "Red L", "price": "1500.00", "count": 2,
                 "article": "TS-001-RL", "weight": "0.000", "active": 1,
                 "options": {"color": "red", "size": "L", "fabric": "Cotton & <silk>"}},
                {"id": 2, "rid": 3, "name": "Blue M", "price": 1400, "count": 0,
                 "article": "", "weight": 0.3, "active": 0, "options": {"color": "blue"}},
                {"id": "7", "name": null, "count": "5", "options": "{\"size\":\"M\"}"}
            ]
        }))
    }

    fn param<'a>(name: &'a str, code: &'a str, value: &'a str) -> Param<'a> {
        Param {
            name: name.into(),
            code: Some(code.into()),
            value: value.into(),
        }
    }

    fn offers(
        mapping: &Mapping,
        input: &Map<String, Value>,
    ) -> Result<Vec<Offer<'static>>, String> {
        let arena = Bump::new();
        let product = mapping.offer(input, &arena).map_err(|e| e.to_string())?;
        let modifications = mapping
            .modifications(input, &product, &arena)
            .map_err(|e| e.to_string())?;
        Ok(modifications.into_iter().map(owned).collect())
    }

    fn owned(offer: Offer<'_>) -> Offer<'static> {
        let own = |text: Cow<'_, str>| Cow::Owned(text.into_owned());
        Offer {
            id: own(offer.id),
            product_id: offer.product_id.map(own),
            url: offer.url.map(own),
            category_ids: offer.category_ids.into_iter().map(own).collect(),
            pictures: offer.pictures.into_iter().map(own).collect(),
            name: own(offer.name),
            product_name: offer.product_name.map(own),
            xml_id: offer.xml_id.map(own),
            params: offer
                .params
                .into_iter()
                .map(|p| Param {
                    name: own(p.name),
                    code: p.code.map(own),
                    value: own(p.value),
                })
                .collect(),
            vendor: offer.vendor.map(own),
            unit: None,
            barcodes: Vec::new(),
            ..offer
        }
    }

    #[test]
    fn active_modifications_become_offers_on_the_product() {
        let mapping = Mapping::from_options(&record(json!({"base_url": "https://shop.example"})))
            .unwrap_or_default();
        let base = Offer {
            product_id: Some("3".into()),
            url: Some("https://shop.example/catalog/test-t-shirt.html".into()),
            category_ids: vec!["2".into()],
            pictures: vec!["https://shop.example/assets/images/products/3/t-shirt.jpg".into()],
            product_name: Some("Test T-Shirt".into()),
            vendor: Some("Acme & Co".into()),
            product_activity: Some(true),
            ..Offer::default()
        };
        let expected = vec![
            Offer {
                id: "mod-3-1".into(),
                quantity: Some(Decimal::from(2)),
                price: Decimal::parse("1500").ok(),
                name: "Test T-Shirt - Red L".into(),
                params: vec![
                    param("Артикул", "article", "TS-001-RL"),
                    param("Цвет", "color", "red"),
                    param("Размер", "size", "L"),
                    param("fabric", "fabric", "Cotton & <silk>"),
                ],
                weight: Decimal::parse("0.25").ok(),
                ..base.clone()
            },
            Offer {
                id: "mod-3-7".into(),
                quantity: Some(Decimal::from(5)),
                price: Decimal::parse("1250.5").ok(),
                name: "Test T-Shirt".into(),
                params: vec![param("Размер", "size", "M")],
                weight: Decimal::parse("0.25").ok(),
                ..base
            },
        ];
        assert_eq!(offers(&mapping, &product()), Ok(expected));
    }

    #[test]
    fn relative_prices_are_priced_as_msoptionsprice2_prices_them() {
        let mapping = Mapping::default();
        let mut input = product();
        input.insert(
            "modifications".into(),
            json!([
                {"id": 1, "type": 2, "price": "+100"},
                {"id": 2, "type": "3", "price": "5%"},
                {"id": 3, "type": 1, "price": "10%"},
                {"id": 4, "type": 2, "price": "-5%"},
                {"id": 5, "type": 1, "price": "-5%"},
            ]),
        );
        let prices = offers(&mapping, &input).map(|offers| {
            offers
                .into_iter()
                .map(|offer| offer.price.map(|price| price.to_string()))
                .collect::<Vec<_>>()
        });
        let expected = ["1350.5", "1187.98", "125.05", "1187.98", "1250.5"];
        assert_eq!(
            prices,
            Ok(expected.map(|price| Some(price.to_string())).to_vec())
        );
    }

    #[test]
    fn the_id_is_the_one_order_items_carry() {
        assert_eq!(modification_offer_id("3", "1"), "mod-3-1");
    }

    #[test]
    fn a_product_without_modifications_gets_none() {
        let mapping = Mapping::default();
        for modifications in [Value::Null, json!([]), json!("[]")] {
            let mut input = product();
            input.insert("modifications".into(), modifications);
            assert_eq!(offers(&mapping, &input), Ok(Vec::new()));
        }
        let mut input = product();
        input.remove("modifications");
        assert_eq!(offers(&mapping, &input), Ok(Vec::new()));
    }

    #[test]
    fn modifications_keyed_by_id_are_read_in_order() {
        let mapping = Mapping::default();
        let mut input = product();
        input.insert(
            "modifications".into(),
            json!({"9": {"id": 9, "name": "A"}, "4": {"id": 4, "name": "B"}}),
        );
        let ids = offers(&mapping, &input).map(|o| o.into_iter().map(|o| o.id).collect());
        assert_eq!(ids, Ok(vec![Cow::from("mod-3-9"), Cow::from("mod-3-4")]));
    }

    #[test]
    fn bad_modifications_are_named() {
        let mapping = Mapping::default();
        let cases = [
            (
                json!("nope"),
                r#"offer "3": modifications must be a list of msOptionsPrice2 modification arrays, got a JSON list in a string"#,
            ),
            (
                json!(5),
                r#"offer "3": modifications must be a list of msOptionsPrice2 modification arrays, got 5"#,
            ),
            (
                json!([7]),
                r#"offer "3": a modification must be an array with keys, got 7"#,
            ),
            (
                json!([{"name": "x"}]),
                r#"offer "3": a modification has no id"#,
            ),
            (
                json!([{"id": 1, "price": "abc"}]),
                r#"offer "mod-3-1": price must be a number, got "abc""#,
            ),
            (
                json!([{"id": 1, "active": "maybe"}]),
                r#"offer "mod-3-1": active must be a boolean or 1/0, got "maybe""#,
            ),
            (
                json!([{"id": 1, "options": [1]}]),
                r#"offer "mod-3-1": options must be key => value, got a list"#,
            ),
            (
                json!([{"id": 1, "options": "{"}]),
                r#"offer "mod-3-1": options must be key => value, got "{""#,
            ),
        ];
        for (modifications, expected) in cases {
            let mut input = product();
            input.insert("modifications".into(), modifications);
            assert_eq!(offers(&mapping, &input), Err(expected.to_string()));
        }
    }
}
