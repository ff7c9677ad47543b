//! A manager's edit of order 2611/1 as `orders/{externalId}/edit`, and the texts that keep
//! their line breaks.

use serde_json::json;

use super::fixtures::order_one;
use crate::mapping::{MappingSettings, order, order_update};

#[test]
fn an_update_is_the_whole_order_without_its_status_naming_what_the_shop_emptied() {
    let mut rows = order_one("toArray").with_codes();
    rows.status = json!({"id": 2, "name": "Paid", "retailcrm_status_code": "prepayed"});
    rows.address["receiver"] = json!("Jane");
    rows.address["comment"] = json!(null);
    rows.address["street"] = json!("");
    let settings = MappingSettings::default();
    let created = order(&rows.input(), &settings).unwrap().payload;
    let updated = order_update(&rows.input(), &settings).unwrap().payload;

    assert!(updated.get("status").is_none(), "{updated}");
    assert_eq!(created["status"], json!("prepayed"));
    for same in [
        "externalId",
        "customer",
        "items",
        "payments",
        "phone",
        "email",
    ] {
        assert_eq!(updated[same], created[same], "{same}");
    }
    assert_eq!(updated["firstName"], json!("Jane"));
    for emptied in [
        "lastName",
        "patronymic",
        "customerComment",
        "managerComment",
    ] {
        assert_eq!(updated[emptied], json!(""), "{emptied}");
    }
    assert_eq!(updated["discountManualAmount"], json!(0));
    let address = &updated["delivery"]["address"];
    assert_eq!(
        (&address["street"], &address["metro"]),
        (&json!(""), &json!(""))
    );
    assert_eq!(address["city"], json!("Springfield"));
    assert_eq!(updated["delivery"]["code"], json!("courier"));
}

#[test]
fn comments_keep_their_line_breaks_and_single_line_fields_are_collapsed() {
    let mut rows = order_one("toArray").with_codes();
    rows.address["comment"] = json!("\r\n  Ring twice,\r\n\r\n\r\n  then   wait \n\n");
    rows.order["order_comment"] = json!("Called:\rpicks up Friday\n");
    rows.address["receiver"] = json!(" Jane \n  Customer ");
    rows.address["phone"] = json!(" +1 555\n0303 ");
    let payload = order(&rows.input(), &MappingSettings::default())
        .unwrap()
        .payload;
    assert_eq!(
        payload["customerComment"],
        json!("Ring twice,\n\nthen wait")
    );
    assert_eq!(payload["managerComment"], json!("Called:\npicks up Friday"));
    assert_eq!(payload["phone"], json!("+1 555 0303"));
    assert_eq!(payload["firstName"], json!("Jane Customer"));
}

#[test]
fn blank_comments_are_left_out() {
    let mut rows = order_one("toArray").with_codes();
    rows.address["comment"] = json!(" \r\n \n");
    rows.order["order_comment"] = json!("");
    let payload = order(&rows.input(), &MappingSettings::default())
        .unwrap()
        .payload;
    assert!(payload.get("customerComment").is_none());
    assert!(payload.get("managerComment").is_none());
}

/// miniShop2 4.4.1's `mgr/orders/product/create` stores a product a manager adds with `name`
/// NULL (seen on the real site: `"name":null` in the processor's answer), so the edit must go
/// without that item's `productName` rather than be refused.
#[test]
fn a_product_a_manager_added_without_a_name_goes_without_product_name() {
    let mut rows = order_one("toArray").with_codes();
    let mut added = rows.products[0].clone();
    added["id"] = json!(391);
    added["name"] = json!(null);
    added["count"] = json!(1);
    added["cost"] = added["price"].clone();
    rows.products.push(added);
    let updated = order_update(&rows.input(), &MappingSettings::default())
        .unwrap()
        .payload;
    let items = updated["items"].as_array().unwrap();
    assert_eq!(items.len(), rows.products.len());
    assert!(
        items.last().unwrap().get("productName").is_none(),
        "{updated}"
    );
    assert!(items[0].get("productName").is_some());
}
