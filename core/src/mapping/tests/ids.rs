use crate::mapping::ids::{external_id_from_num, num_from_external_id, payment_external_id};

#[test]
fn order_external_id_replaces_slashes_and_maps_back() {
    assert_eq!(external_id_from_num("2311/12"), "2311-12");
    assert_eq!(num_from_external_id("2311-12"), "2311/12");
    assert_eq!(
        num_from_external_id(&external_id_from_num("2611/1")),
        "2611/1"
    );
}

#[test]
fn payment_external_id_is_derived_from_the_order() {
    assert_eq!(payment_external_id("2611-1"), "2611-1-payment");
}
