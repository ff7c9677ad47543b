//! One test per baseline order rule, on variations of order 2611/1.

use serde_json::{Value, json};

use super::fixtures::{OrderRows, order_one};
use crate::mapping::{MappedOrder, MappingError, MappingSettings, order};

fn base() -> OrderRows {
    order_one("toArray").with_codes()
}

fn map_with(rows: &OrderRows, settings: &MappingSettings) -> MappedOrder {
    order(&rows.input(), settings).unwrap()
}

fn map(rows: &OrderRows) -> Value {
    map_with(rows, &MappingSettings::default()).payload
}

/// One product row with these options, keeping the order's cost consistent.
fn single_product(rows: &mut OrderRows, options: Value) {
    rows.products = vec![
        json!({"product_id": 3, "name": "Shirt", "count": 1, "price": 100, "options": options}),
    ];
    rows.order["cost"] = json!(100);
    rows.order["delivery_cost"] = json!(0);
}

#[test]
fn number_status_and_order_method_are_sent_when_configured() {
    let mut rows = base();
    rows.status = json!({"id": "1", "name": "New", "retailcrm_status_code": "new"});
    let settings = MappingSettings {
        add_crm_number: true,
        order_method: Some("shopping-cart".into()),
        ..MappingSettings::default()
    };
    let payload = map_with(&rows, &settings).payload;
    let head: Vec<(&String, &Value)> = payload.as_object().unwrap().iter().take(6).collect();
    assert_eq!(
        head,
        [
            (&"externalId".to_string(), &json!("2611-1")),
            (&"number".to_string(), &json!("2611/1")),
            (&"createdAt".to_string(), &json!("2026-11-29 07:16:52")),
            (&"status".to_string(), &json!("new")),
            (&"orderMethod".to_string(), &json!("shopping-cart")),
            (&"customer".to_string(), &json!({"externalId": "4"})),
        ]
    );
}

#[test]
fn missing_codes_drop_only_those_fields_and_are_listed() {
    let mut rows = order_one("toArray");
    rows.status = json!({"id": 1, "name": "New"});
    let mapped = map_with(&rows, &MappingSettings::default());
    assert_eq!(
        mapped.unmapped,
        [
            "status 1 (New) has no retailcrm_status_code",
            "delivery 2 (Courier) has no retailcrm_delivery_code",
            "payment 2 (Card on delivery) has no retailcrm_payment_code",
        ]
    );
    assert!(mapped.payload.get("status").is_none());
    assert!(mapped.payload["delivery"].get("code").is_none());
    assert_eq!(mapped.payload["delivery"]["cost"], json!(315.18));
    assert!(
        mapped.payload.get("payments").is_none(),
        "a payment without a type would be refused by the CRM"
    );
}

#[test]
fn three_word_receiver_is_split_and_other_names_are_whole() {
    let mut rows = base();
    rows.address["receiver"] = json!("Петров Пётр Петрович");
    let payload = map(&rows);
    assert_eq!(
        (
            &payload["firstName"],
            &payload["lastName"],
            &payload["patronymic"]
        ),
        (&json!("Пётр"), &json!("Петров"), &json!("Петрович"))
    );
    rows.address["receiver"] = json!("Zoë🦄 <i>&\"O'Brien\"</i>");
    let payload = map(&rows);
    assert_eq!(payload["firstName"], json!("Zoë🦄 <i>&\"O'Brien\"</i>"));
    assert!(payload.get("lastName").is_none());
}

#[test]
fn without_an_address_row_names_and_contacts_come_from_the_profile() {
    let mut rows = base();
    rows.address = Value::Null;
    rows.profile["fullname"] = json!("Prince");
    let payload = map(&rows);
    assert_eq!(payload["firstName"], json!("Prince"));
    // The profile has no `phone`, only `mobilephone`.
    assert_eq!(payload["phone"], json!("+15550303"));
    assert_eq!(payload["email"], json!("jane.customer@example.com"));
    assert!(payload.get("customerComment").is_none());
    assert_eq!(
        payload["delivery"],
        json!({"code": "courier", "cost": 315.18})
    );
}

#[test]
fn address_email_comes_before_the_profile_email() {
    let mut rows = base();
    rows.address["email"] = json!("orders@example.com");
    assert_eq!(map(&rows)["email"], json!("orders@example.com"));
}

#[test]
fn address_text_is_one_line_and_country_iso_only_for_codes() {
    let mut rows = base();
    rows.address["country"] = json!("Россия");
    rows.address["street"] = json!("ул. Ленина,\n        дом");
    rows.address["metro"] = json!("  Охотный   ряд ");
    let address = &map(&rows)["delivery"]["address"];
    assert!(address.get("countryIso").is_none());
    assert_eq!(address["metro"], json!("Охотный ряд"));
    assert_eq!(
        address["text"],
        json!("12345, Россия, IL, Springfield, Охотный ряд, ул. Ленина, дом, 742, 1")
    );
    let settings = MappingSettings {
        default_country_iso: Some("ru".into()),
        ..MappingSettings::default()
    };
    let payload = map_with(&rows, &settings).payload;
    assert_eq!(payload["delivery"]["address"]["countryIso"], json!("RU"));
}

#[test]
fn text_address_column_is_the_text_when_filled_with_its_line_breaks() {
    let mut rows = base();
    rows.address["text_address"] = json!("Springfield,\r\n   Evergreen  Terrace 742 \n");
    assert_eq!(
        map(&rows)["delivery"]["address"]["text"],
        json!("Springfield,\nEvergreen Terrace 742")
    );
}

#[test]
fn weight_zero_is_omitted_and_the_unit_is_configurable() {
    let mut rows = base();
    rows.order["weight"] = json!("0.000");
    assert!(map(&rows).get("weight").is_none());
    rows.order["weight"] = json!(900);
    let grams = MappingSettings {
        weight_multiplier: 1.0,
        ..MappingSettings::default()
    };
    assert_eq!(map_with(&rows, &grams).payload["weight"], json!(900));
}

#[test]
fn promo_code_goes_to_its_custom_field_and_the_discount_is_manual() {
    let mut rows = base();
    rows.promo = json!({"order_id": 1, "promocode": "SALE10", "discount_amount": "260.00"});
    rows.order["cost"] = json!(2707.18);
    let settings = MappingSettings {
        promocode_field: "coupon".into(),
        ..MappingSettings::default()
    };
    let payload = map_with(&rows, &settings).payload;
    assert_eq!(payload["discountManualAmount"], json!(260));
    assert_eq!(payload["customFields"], json!({"coupon": "SALE10"}));
    assert_eq!(payload["payments"][0]["amount"], json!(2707.18));
    assert_eq!(map(&rows)["customFields"], json!({"promocode": "SALE10"}));
}

#[test]
fn a_cost_below_the_items_becomes_discount() {
    let mut rows = base();
    rows.order["cost"] = json!(2900);
    let payload = map(&rows);
    assert_eq!(payload["discountManualAmount"], json!(15.18));
    assert_eq!(payload["items"].as_array().unwrap().len(), 2);
}

#[test]
fn modification_gives_the_offer_id_only_with_msoptionsprice() {
    let mut rows = base();
    single_product(
        &mut rows,
        json!({"modification": "7", "modifications": [7], "size": "XL"}),
    );
    let item = json!({
        "offer": {"externalId": "mod-3-7"},
        "productName": "Shirt",
        "initialPrice": 100,
        "quantity": 1,
        "properties": [{"code": "size", "name": "Размер", "value": "XL"}],
    });
    let on = MappingSettings {
        allow_msoptionsprice: true,
        ..MappingSettings::default()
    };
    assert_eq!(map_with(&rows, &on).payload["items"], json!([item]));
    assert_eq!(map(&rows)["items"][0]["offer"], json!({"externalId": "3"}));
    single_product(&mut rows, json!({"modification": 0}));
    assert_eq!(
        map_with(&rows, &on).payload["items"][0]["offer"],
        json!({"externalId": "3"})
    );
}

#[test]
fn options_as_empty_list_json_text_or_empty_values_give_no_properties() {
    let mut rows = base();
    for options in [
        json!([]),
        json!("[]"),
        json!(""),
        json!(null),
        json!({"color": "", "size": null}),
    ] {
        single_product(&mut rows, options);
        assert!(map(&rows)["items"][0].get("properties").is_none());
    }
}

#[test]
fn options_as_json_text_and_lists_become_properties_named_by_key() {
    let mut rows = base();
    single_product(
        &mut rows,
        json!(r#"{"material":"хлопок & <лён>","tags":["a"," b "],"n":5}"#),
    );
    assert_eq!(
        map(&rows)["items"][0]["properties"],
        json!([
            {"code": "material", "name": "material", "value": "хлопок & <лён>"},
            {"code": "tags", "name": "tags", "value": "a, b"},
            {"code": "n", "name": "n", "value": "5"},
        ])
    );
}

#[test]
fn unreadable_options_are_listed_and_the_item_is_kept() {
    let mut rows = base();
    single_product(&mut rows, json!("{not json"));
    let mapped = map_with(&rows, &MappingSettings::default());
    assert_eq!(mapped.unmapped, ["products[0].options could not be read"]);
    assert!(mapped.payload["items"][0].get("properties").is_none());
}

#[test]
fn price_strings_are_read_as_numbers() {
    let mut rows = base();
    rows.products =
        vec![json!({"product_id": "3", "name": "Shirt", "count": "3", "price": " 0.10 "})];
    rows.order["cost"] = json!("0.30");
    rows.order["delivery_cost"] = json!("0.00");
    let payload = map(&rows);
    assert_eq!(
        payload["items"],
        json!([{"offer": {"externalId": "3"}, "productName": "Shirt", "initialPrice": 0.1, "quantity": 3}])
    );
    assert_eq!(payload["delivery"]["cost"], json!(0));
    assert_eq!(payload["payments"][0]["amount"], json!(0.3));
}

#[test]
fn a_500_item_cart_keeps_every_item_in_order() {
    let mut rows = base();
    rows.products = (1..=500)
        .map(|n| json!({"product_id": n, "name": format!("P{n}"), "count": 2, "price": "1.25"}))
        .collect();
    rows.order["cost"] = json!("1565.18");
    let payload = map(&rows);
    let items = payload["items"].as_array().unwrap();
    assert_eq!(items.len(), 500);
    assert_eq!(items[499]["offer"], json!({"externalId": "500"}));
    assert!(payload.get("discountManualAmount").is_none());
}

#[test]
fn broken_input_is_an_error_naming_the_field() {
    let cases: [(&str, Value, &str); 4] = [
        ("order", json!({"cost": 1}), "order.num is missing"),
        ("order", json!({"num": "1/1"}), "order.cost is missing"),
        (
            "order",
            json!({"num": "1/1", "cost": "1,5"}),
            "order.cost is invalid: not a number",
        ),
        (
            "product",
            json!({"product_id": 3, "name": "x", "count": 1, "price": {}}),
            "products[0].price is invalid: not a number",
        ),
    ];
    for (target, value, message) in cases {
        let mut rows = base();
        match target {
            "order" => rows.order = value,
            _ => rows.products = vec![value],
        }
        let error: MappingError = order(&rows.input(), &MappingSettings::default()).unwrap_err();
        assert_eq!(error.to_string(), message);
    }
}

#[test]
fn absurd_amounts_are_refused_naming_the_field_never_capped() {
    let int_min = json!(i64::MIN);
    let cases: [(&str, &str, Value, &str); 12] = [
        (
            "order",
            "cost",
            json!(1e300),
            "order.cost is invalid: must be from 0 to 1000000000000, 1e300 given",
        ),
        (
            "order",
            "cost",
            int_min.clone(),
            "order.cost is invalid: must be from 0 to 1000000000000, -9.223372036854776e18 given",
        ),
        (
            "order",
            "cost",
            json!("-0.01"),
            "order.cost is invalid: must be from 0 to 1000000000000, -0.01 given",
        ),
        (
            "order",
            "cost",
            json!(1_000_000_000_000.01),
            "order.cost is invalid: must be from 0 to 1000000000000, 1000000000000.01 given",
        ),
        (
            "order",
            "delivery_cost",
            json!(-300),
            "order.delivery_cost is invalid: must be from 0 to 1000000000000, -300 given",
        ),
        (
            "order",
            "weight",
            json!(1e300),
            "order.weight is invalid: must be from 0 to 1000000000000, 1e303 given",
        ),
        (
            "product",
            "price",
            int_min,
            "products[0].price is invalid: must be from 0 to 1000000000000, -9.223372036854776e18 given",
        ),
        (
            "product",
            "price",
            json!("1e300"),
            "products[0].price is invalid: must be from 0 to 1000000000000, 1e300 given",
        ),
        (
            "product",
            "count",
            json!(-1),
            "products[0].count is invalid: must be from 0 to 1000000000, -1 given",
        ),
        (
            "product",
            "count",
            json!(1e10),
            "products[0].count is invalid: must be from 0 to 1000000000, 10000000000 given",
        ),
        (
            "product",
            "count",
            json!(1e9),
            "products is invalid: the items up to products[0] cost more than 100000000000000 cents",
        ),
        (
            "promo",
            "discount_amount",
            json!(-5),
            "promo.discount_amount is invalid: must be from 0 to 1000000000000, -5 given",
        ),
    ];
    for (row, field, value, message) in cases {
        let mut rows = base();
        rows.products = vec![json!({"product_id": 3, "name": "Shirt", "count": 1, "price": 1e6})];
        rows.order["cost"] = json!(1e6);
        rows.order["delivery_cost"] = json!(0);
        match row {
            "order" => rows.order[field] = value,
            "product" => rows.products[0][field] = value,
            _ => rows.promo = json!({"promocode": "X", field: value}),
        }
        let error = order(&rows.input(), &MappingSettings::default()).unwrap_err();
        assert_eq!(error.to_string(), message, "{row}.{field}");
    }
}

#[test]
fn the_largest_amounts_still_map_exactly() {
    let mut rows = base();
    rows.products =
        vec![json!({"product_id": 3, "name": "Shirt", "count": 1, "price": 999_999_999_999.99})];
    rows.order["cost"] = json!(1_000_000_000_000_u64);
    rows.order["delivery_cost"] = json!("0.01");
    let payload = map(&rows);
    assert_eq!(
        payload["items"][0]["initialPrice"],
        json!(999_999_999_999.99)
    );
    assert_eq!(payload["delivery"]["cost"], json!(0.01));
    assert_eq!(
        payload["payments"][0]["amount"],
        json!(1_000_000_000_000_u64)
    );
}
