//! Records carry the CRM they are for; a flush claims only its own, whatever key they were
//! queued with. The fence: a lease renewed before each request, refused once taken over.

use std::time::Duration;

use super::super::{Destination, NewRecord, OutboxError};
use super::{TempDir, at, claim, ids, open, put, record};

fn queued(key: &str, crm: Option<&str>, fingerprint: &str) -> NewRecord {
    NewRecord {
        destination: crm.map(|crm| Destination {
            crm: crm.into(),
            key_fingerprint: fingerprint.into(),
        }),
        ..record("customer.create", key, &[])
    }
}

#[test]
fn a_flush_claims_its_own_crms_records_whatever_key_they_were_queued_with() {
    let dir = TempDir::new("destination");
    let outbox = open(&dir.file("outbox.sqlite"));
    let legacy = put(&outbox, &queued("customer:0", None, ""), at(0));
    let a_old_key = put(
        &outbox,
        &queued("customer:1", Some("crm-a"), "key-old"),
        at(1),
    );
    let b = put(
        &outbox,
        &queued("customer:2", Some("crm-b"), "key-b"),
        at(2),
    );
    let a_new_key = put(
        &outbox,
        &queued("customer:3", Some("crm-a"), "key-new"),
        at(3),
    );
    let lease = Duration::from_secs(30);
    let for_a = outbox
        .claim_for("a", Some("crm-a"), at(10), lease, 10)
        .unwrap();
    assert_eq!(ids(&for_a), vec![legacy, a_old_key, a_new_key]);
    let for_b = outbox
        .claim_for("b", Some("crm-b"), at(10), lease, 10)
        .unwrap();
    assert_eq!(ids(&for_b), vec![b]);
}

#[test]
fn a_lease_is_renewed_while_held_and_refused_once_taken_over() {
    let dir = TempDir::new("fence");
    let outbox = open(&dir.file("outbox.sqlite"));
    let id = put(&outbox, &record("order.create", "order:1", &[]), at(0));
    let lease = Duration::from_secs(5);
    let first = outbox.claim("slow", at(0), lease, 1).unwrap().remove(0);
    outbox.renew(&first, at(9_000)).unwrap();
    assert!(
        claim(&outbox, "other", at(6_000)).is_empty(),
        "renewed past its first end"
    );
    let second = outbox
        .claim("other", at(9_000), lease, 1)
        .unwrap()
        .remove(0);
    assert_eq!(second.id, id);
    assert!(matches!(
        outbox.renew(&first, at(9_500)),
        Err(OutboxError::LeaseLost { .. })
    ));
    outbox.renew(&second, at(9_500)).unwrap();
    assert!(!outbox.has_newer(&second).unwrap());
    put(&outbox, &record("order.edit", "order:1", &[]), at(9_600));
    put(&outbox, &record("order.edit", "order:2", &[]), at(9_700));
    assert!(outbox.has_newer(&second).unwrap());
}
