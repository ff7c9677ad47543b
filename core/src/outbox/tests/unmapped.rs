//! References without a CRM code, as `status` shows them; and the migrations that add them
//! (and the order ids) to an outbox made by the first schema version.

use super::{TempDir, at, open};

#[test]
fn unmapped_references_are_counted_and_listed_most_recent_first() {
    let dir = TempDir::new("unmapped");
    let outbox = open(&dir.file("outbox.sqlite"));
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
}

#[test]
fn an_outbox_of_the_first_schema_version_is_migrated() {
    let dir = TempDir::new("migrate");
    let path = dir.file("outbox.sqlite");
    drop(open(&path));
    {
        let old = rusqlite::Connection::open(&path).unwrap();
        old.execute_batch(
            "DROP TABLE unmapped; DROP TABLE order_ids; DROP TABLE breakers; DROP TABLE inbound_state;
             DROP TABLE history_entries;
             ALTER TABLE records DROP COLUMN crm_url; ALTER TABLE records DROP COLUMN crm_site;
             ALTER TABLE records DROP COLUMN crm_key;
             PRAGMA user_version = 1;",
        )
        .unwrap();
    }
    let outbox = open(&path);
    outbox
        .note_unmapped(&["delivery 3 has no retailcrm_delivery_code".into()], at(1))
        .unwrap();
    assert_eq!(outbox.status(at(2)).unwrap().unmapped.len(), 1);
    assert_eq!(outbox.order_external_id(7, "2611-7").unwrap(), "2611-7");
}
