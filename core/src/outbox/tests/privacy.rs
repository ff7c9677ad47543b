//! A purged record leaves nothing of its customer in the file: not the deleted row, and not
//! the copies earlier updates (claim, retry, ack) left in free space.

use std::time::Duration;

use rusqlite::Connection;
use serde_json::json;

use super::super::NewRecord;
use super::{TempDir, at, claim, open, put, record};

#[test]
fn a_purged_record_leaves_no_trace_in_the_file() {
    let dir = TempDir::new("privacy");
    let path = dir.file("outbox.sqlite");
    let outbox = open(&path);
    let marker = "ivan.petrov.private@example.com";
    for n in 0..20 {
        let customer = NewRecord {
            payload: json!({"externalId": n, "email": marker, "comment": "x".repeat(200)}),
            ..record("customer.create", &format!("customer:{n}"), &[])
        };
        put(&outbox, &customer, at(0));
    }
    // Each record is updated several times before it is delivered: claimed, retried, claimed
    // again, delivered.
    for claimed in claim(&outbox, "w1", at(1)) {
        outbox
            .retry_later(&claimed, "CRM down", None, at(2))
            .expect("retry");
    }
    for claimed in claim(&outbox, "w2", at(3_600_000)) {
        outbox.ack(&claimed, None, at(3_600_001)).expect("ack");
    }
    assert_eq!(
        outbox
            .purge(at(3_600_001) + Duration::from_millis(1))
            .expect("purge"),
        20
    );
    drop(outbox);
    // Everything in the database file itself, the WAL emptied into it.
    Connection::open(&path)
        .and_then(|conn| conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())))
        .expect("checkpoint");
    let bytes = std::fs::read(&path).expect("the file");
    let found = bytes
        .windows(marker.len())
        .filter(|window| *window == marker.as_bytes())
        .count();
    assert_eq!(found, 0, "the customer's e-mail is still in the file");
}
