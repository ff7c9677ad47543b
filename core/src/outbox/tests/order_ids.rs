//! The `externalId` each site order is given: the number's, unless another order of the
//! site holds it.

use super::each_backend;

#[test]
fn an_order_keeps_its_id_and_a_second_order_with_the_same_number_gets_its_own() {
    each_backend("order-ids", |store| {
        let outbox = store.open();
        assert_eq!(outbox.order_external_id(16, "2611-16").unwrap(), "2611-16");
        assert_eq!(
            outbox.order_external_id(17, "2611-16").unwrap(),
            "2611-16-id17",
            "miniShop2 gave order 17 the number of order 16"
        );
        assert_eq!(outbox.order_external_id(18, "2611-17").unwrap(), "2611-17");
        // Later changes of an order go under the id it was given, in any process.
        let other_process = store.open();
        assert_eq!(
            other_process.order_external_id(17, "2611-16").unwrap(),
            "2611-16-id17"
        );
        assert_eq!(
            other_process.order_external_id(16, "2611-16").unwrap(),
            "2611-16"
        );
    });
}

#[test]
fn the_site_order_of_an_external_id_is_the_one_it_was_given_to() {
    each_backend("order-ids-back", |store| {
        let outbox = store.open();
        outbox.order_external_id(16, "2611-16").unwrap();
        outbox.order_external_id(17, "2611-16").unwrap();
        assert_eq!(outbox.site_order_of("2611-16").unwrap(), Some(16));
        assert_eq!(outbox.site_order_of("2611-16-id17").unwrap(), Some(17));
        assert_eq!(outbox.site_order_of("2611-18").unwrap(), None);
    });
}

#[test]
fn a_batch_of_orders_is_given_its_ids_in_one_call_as_one_by_one() {
    each_backend("order-ids-batch", |store| {
        let outbox = store.open();
        outbox.order_external_id(16, "2611-16").unwrap();
        let given = outbox
            .order_external_ids(&[
                (17, "2611-16"),
                (18, "2611-18"),
                (16, "2611-16"),
                (19, "2611-18"),
            ])
            .unwrap();
        assert_eq!(
            given,
            ["2611-16-id17", "2611-18", "2611-16", "2611-18-id19"]
        );
        assert_eq!(outbox.site_order_of("2611-18-id19").unwrap(), Some(19));
        assert_eq!(
            outbox.order_external_id(17, "2611-16").unwrap(),
            "2611-16-id17"
        );
    });
}
