use serde_json::{Value, json};

use super::*;

/// The CRM of the sandbox's seed, with `courier` allowing cash and bank cards only, an
/// inactive `russian-post`, `e-money` and `cancel-other`, and `sbp` allowed with no delivery
/// type that lists its payment types.
fn crm() -> CrmBooks {
    CrmBooks::from_answers(
        &json!({"success": true, "deliveryTypes": {
            "courier": {"code": "courier", "active": true,
                "paymentTypes": [{"code": "cash", "cod": true}, {"code": "bank-card", "cod": false}]},
            "self-delivery": {"code": "self-delivery", "active": true, "paymentTypes": []},
            "russian-post": {"code": "russian-post", "active": false},
        }}),
        &json!({"success": true, "paymentTypes": [
            {"code": "cash", "active": true}, {"code": "bank-card"},
            {"code": "e-money", "active": false}, {"code": "sbp", "active": true},
        ]}),
        &json!({"success": true, "statuses": {
            "new": {"code": "new", "active": true},
            "prepayed": {"code": "prepayed", "active": true},
            "cancel-other": {"code": "cancel-other", "active": false},
        }}),
    )
}

/// A site whose every reference is mapped right.
fn good_site() -> Value {
    json!({
        "deliveries": [
            {"id": 1, "name": "Courier", "active": 1, "retailcrm_delivery_code": "courier", "payments": [1, 2]},
            {"id": 2, "name": "Pickup", "active": true, "retailcrm_delivery_code": "self-delivery", "payments": ["1", "2", "3"]},
        ],
        "payments": [
            {"id": 1, "name": "Cash", "active": 1, "retailcrm_payment_code": "cash"},
            {"id": "2", "name": "Card", "active": "1", "retailcrm_payment_code": "bank-card"},
            {"id": 3, "name": "Wallet", "retailcrm_payment_code": "cash"},
        ],
        "statuses": [
            {"id": 1, "name": "New", "active": 1, "retailcrm_status_code": "new"},
            {"id": 2, "name": "Paid", "active": 1, "retailcrm_status_code": "prepayed"},
        ],
    })
}

fn findings(site: &Value) -> Vec<Finding> {
    let site = SiteReferences::from_json(site).expect("a readable site");
    check(&site, &crm())
}

/// A finding as (rule, book, id, code, other id).
type Summary = (Rule, Book, i64, Option<String>, Option<i64>);

/// Each finding's [`Summary`].
fn summary(site: &Value) -> Vec<Summary> {
    findings(site)
        .into_iter()
        .map(|f| (f.rule, f.book, f.id, f.code, f.other.map(|o| o.id)))
        .collect()
}

fn code(text: &str) -> Option<String> {
    Some(text.to_string())
}

#[test]
fn a_site_mapped_right_has_no_findings() {
    assert_eq!(findings(&good_site()), Vec::new());
}

#[test]
fn a_reference_without_a_code_is_flagged_in_each_book() {
    let mut site = good_site();
    site["deliveries"][0]["retailcrm_delivery_code"] = json!("  ");
    site["payments"][1]
        .as_object_mut()
        .unwrap()
        .remove("retailcrm_payment_code");
    site["statuses"][0]["retailcrm_status_code"] = Value::Null;
    assert_eq!(
        summary(&site),
        vec![
            (Rule::NoCode, Book::Delivery, 1, None, None),
            (Rule::NoCode, Book::Payment, 2, None, None),
            (Rule::NoCode, Book::Status, 1, None, None),
        ]
    );
    assert_eq!(
        findings(&site)[0].message,
        "delivery 1 \"Courier\" has no RetailCRM code"
    );
}

#[test]
fn an_inactive_site_reference_is_not_checked() {
    let mut site = good_site();
    site["deliveries"][0]["active"] = json!(0);
    site["deliveries"][0]["retailcrm_delivery_code"] = json!("nonsense");
    site["statuses"][1]["active"] = json!(false);
    site["statuses"][1]["retailcrm_status_code"] = json!("new");
    assert_eq!(summary(&site), Vec::new());
}

#[test]
fn a_code_the_crm_does_not_have_is_flagged() {
    let mut site = good_site();
    site["deliveries"][1]["retailcrm_delivery_code"] = json!("selfdelivery");
    site["payments"][0]["retailcrm_payment_code"] = json!("Cash");
    site["statuses"][1]["retailcrm_status_code"] = json!("paid");
    assert_eq!(
        summary(&site),
        vec![
            (
                Rule::UnknownCode,
                Book::Delivery,
                2,
                code("selfdelivery"),
                None
            ),
            (Rule::UnknownCode, Book::Payment, 1, code("Cash"), None),
            (Rule::UnknownCode, Book::Status, 2, code("paid"), None),
        ]
    );
    assert_eq!(
        findings(&site)[0].message,
        "delivery 2 \"Pickup\": RetailCRM has no delivery type \"selfdelivery\""
    );
}

#[test]
fn a_code_the_crm_has_inactive_is_flagged() {
    let mut site = good_site();
    site["deliveries"][1]["retailcrm_delivery_code"] = json!("russian-post");
    site["payments"][2]["retailcrm_payment_code"] = json!("e-money");
    site["statuses"][1]["retailcrm_status_code"] = json!("cancel-other");
    assert_eq!(
        summary(&site),
        vec![
            (
                Rule::InactiveCode,
                Book::Delivery,
                2,
                code("russian-post"),
                None
            ),
            (Rule::InactiveCode, Book::Payment, 3, code("e-money"), None),
            (
                Rule::InactiveCode,
                Book::Status,
                2,
                code("cancel-other"),
                None
            ),
        ]
    );
}

#[test]
fn a_payment_the_crm_delivery_type_does_not_allow_is_flagged() {
    let mut site = good_site();
    // Courier offers the wallet too; its CRM type allows cash and bank cards only.
    site["deliveries"][0]["payments"] = json!([1, 2, 3]);
    site["payments"][2]["retailcrm_payment_code"] = json!("sbp");
    let found = findings(&site);
    assert_eq!(
        summary(&site),
        vec![(
            Rule::PaymentNotAllowed,
            Book::Delivery,
            1,
            code("courier"),
            Some(3)
        )]
    );
    assert_eq!(
        found[0].message,
        "delivery 1 \"Courier\" offers payment 3 \"Wallet\", but RetailCRM's delivery type \"courier\" does not allow payment type \"sbp\" (it allows: cash, bank-card)"
    );
}

#[test]
fn a_delivery_type_without_payment_types_allows_every_payment() {
    let mut site = good_site();
    // self-delivery lists none: any payment; a payment not offered with courier is not compared.
    site["deliveries"][1]["payments"] = json!([1, 2, 3]);
    site["deliveries"][0]["payments"] = json!([]);
    assert_eq!(summary(&site), Vec::new());
}

#[test]
fn a_status_code_used_twice_is_flagged_once_per_later_status() {
    let mut site = good_site();
    site["statuses"] = json!([
        {"id": 1, "name": "New", "retailcrm_status_code": "new"},
        {"id": 2, "name": "Paid", "retailcrm_status_code": "prepayed"},
        {"id": 5, "name": "Draft", "retailcrm_status_code": "new"},
        {"id": 6, "name": "Held", "retailcrm_status_code": "new"},
    ]);
    assert_eq!(
        summary(&site),
        vec![
            (Rule::DuplicateStatus, Book::Status, 5, code("new"), Some(1)),
            (Rule::DuplicateStatus, Book::Status, 6, code("new"), Some(1)),
        ]
    );
}

#[test]
fn unusable_input_says_where() {
    let errors = [
        (json!([]), "the site's references must be an array of lists"),
        (
            json!({"shipping": []}),
            "unknown list \"shipping\" (deliveries, payments, statuses)",
        ),
        (json!({"payments": {"id": 1}}), "payments must be a list"),
        (
            json!({"statuses": [{"id": 1}, {"name": "x"}]}),
            "statuses[1]: no integer id",
        ),
        (
            json!({"deliveries": [3]}),
            "deliveries[0]: not an array of fields",
        ),
        (
            json!({"deliveries": [{"id": 1, "payments": ["a"]}]}),
            "deliveries[0]: payments must be a list of payment ids",
        ),
    ];
    for (input, error) in errors {
        assert_eq!(
            SiteReferences::from_json(&input),
            Err(error.to_string()),
            "{input}"
        );
    }
}

#[test]
fn the_books_read_lists_and_maps_and_take_an_entry_without_active_as_active() {
    let books = crm();
    assert_eq!(books.active(Book::Payment, "bank-card"), Some(true));
    assert_eq!(books.active(Book::Payment, "e-money"), Some(false));
    assert_eq!(books.active(Book::Status, "complete"), None);
    assert_eq!(
        books.payment_types_of("courier"),
        Some(&["cash".to_string(), "bank-card".to_string()][..])
    );
    assert_eq!(books.payment_types_of("self-delivery"), None);
    let plain = CrmBooks::from_answers(
        &json!({"deliveryTypes": [{"code": "courier", "paymentTypes": ["cash"]}]}),
        &json!({}),
        &json!({}),
    );
    assert_eq!(
        plain.payment_types_of("courier"),
        Some(&["cash".to_string()][..])
    );
}

#[test]
fn findings_serialise_for_the_page() {
    let mut site = good_site();
    site["statuses"][1]["retailcrm_status_code"] = json!("new");
    let found = serde_json::to_value(findings(&site)).unwrap();
    assert_eq!(
        found,
        json!([{
            "rule": "duplicate_status", "book": "status", "id": 2, "name": "Paid", "code": "new",
            "other": {"id": 1, "name": "New", "code": "new"},
            "message": "status 2 \"Paid\" has the code \"new\" of status 1 \"New\": a status set in RetailCRM cannot tell which one the site means",
        }])
    );
}
