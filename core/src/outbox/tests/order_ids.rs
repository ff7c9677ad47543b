//! The `externalId` each site order is given: the number's, unless another order of the
//! site holds it.

use super::{TempDir, open};

#[test]
fn an_order_keeps_its_id_and_a_second_order_with_the_same_number_gets_its_own() {
    let dir = TempDir::new("order-ids");
    let path = dir.file("outbox.sqlite");
    let outbox = open(&path);
    assert_eq!(outbox.order_external_id(16, "2611-16").unwrap(), "2611-16");
    assert_eq!(
        outbox.order_external_id(17, "2611-16").unwrap(),
        "2611-16-id17",
        "miniShop2 gave order 17 the number of order 16"
    );
    assert_eq!(outbox.order_external_id(18, "2611-17").unwrap(), "2611-17");
    // Later changes of an order go under the id it was given, in any process.
    let other_process = open(&path);
    assert_eq!(
        other_process.order_external_id(17, "2611-16").unwrap(),
        "2611-16-id17"
    );
    assert_eq!(
        other_process.order_external_id(16, "2611-16").unwrap(),
        "2611-16"
    );
}

#[test]
fn the_site_order_of_an_external_id_is_the_one_it_was_given_to() {
    let dir = TempDir::new("order-ids-back");
    let outbox = open(&dir.file("outbox.sqlite"));
    outbox.order_external_id(16, "2611-16").unwrap();
    outbox.order_external_id(17, "2611-16").unwrap();
    assert_eq!(outbox.site_order_of("2611-16").unwrap(), Some(16));
    assert_eq!(outbox.site_order_of("2611-16-id17").unwrap(), Some(17));
    assert_eq!(outbox.site_order_of("2611-18").unwrap(), None);
}
