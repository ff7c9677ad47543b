//! References without a CRM code, as `status` shows them; and the migrations that add them
//! (and the order ids) to an outbox made by the first schema version.

use super::{at, each_backend};

#[test]
fn unmapped_references_are_counted_and_listed_most_recent_first() {
    each_backend("unmapped", |store| {
        let outbox = store.open();
        let payment = "payment 2 (Card on delivery) has no retailcrm_payment_code".to_string();
        let status = "status 1 (New) has no retailcrm_status_code".to_string();
        outbox
            .note_unmapped(std::slice::from_ref(&payment), at(1_000))
            .unwrap();
        outbox
            .note_unmapped(&[payment.clone(), status.clone()], at(2_000))
            .unwrap();
        outbox.note_unmapped(&[], at(3_000)).unwrap();
        let listed = outbox.status(at(4_000)).unwrap().unmapped;
        let seen: Vec<_> = listed
            .iter()
            .map(|u| (u.reference.clone(), u.seen, u.first_seen, u.last_seen))
            .collect();
        assert_eq!(
            seen,
            vec![
                (payment, 2, at(1_000), at(2_000)),
                (status, 1, at(2_000), at(2_000))
            ]
        );
    });
}

#[test]
fn an_outbox_of_the_first_schema_version_is_migrated() {
    each_backend("migrate", |store| {
        drop(store.open());
        // Back to the first version: the later tables and columns gone, the version 1.
        store.raw(
            "DROP TABLE {unmapped}; DROP TABLE {order_ids}; DROP TABLE {breakers};
             DROP TABLE {inbound_state}; DROP TABLE {history_entries};
             ALTER TABLE {records} DROP COLUMN crm_url; ALTER TABLE {records} DROP COLUMN crm_site;
             ALTER TABLE {records} DROP COLUMN crm_key;",
        );
        store.raw(match store.backend() {
            "sqlite" => "DROP INDEX records_key; PRAGMA user_version = 1",
            _ => "UPDATE {meta} SET value = 1 WHERE name = 'schema_version'",
        });
        let outbox = store.open();
        outbox
            .note_unmapped(&["delivery 3 has no retailcrm_delivery_code".into()], at(1))
            .unwrap();
        assert_eq!(outbox.status(at(2)).unwrap().unmapped.len(), 1);
        assert_eq!(outbox.order_external_id(7, "2611-7").unwrap(), "2611-7");
    });
}
