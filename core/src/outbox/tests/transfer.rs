//! `migrate-queue`: the undelivered records and the state move from SQLite to MySQL and
//! back, in their order, nothing lost.

use std::time::{Duration, UNIX_EPOCH};

use super::{Store, at, claim, put, record};
use crate::outbox::{HistoryEntry, Outbox, OutboxError, RetrySelection};

/// Fills `outbox`: a delivered record, a customer and its order (waiting for it), a dead
/// record with a later one of its key behind it, state rows.
fn fill(outbox: &Outbox) {
    put(outbox, &record("order.create", "order:0", &[]), at(0));
    let delivered = claim(outbox, "w", at(1));
    outbox.ack(&delivered[0], None, at(2)).expect("ack");
    put(
        outbox,
        &record("customer.create", "customer:17", &[]),
        at(3),
    );
    put(
        outbox,
        &record("order.create", "order:1", &["customer:17"]),
        at(4),
    );
    put(outbox, &record("order.create", "order:2", &[]), at(5));
    let claimed = claim(outbox, "w", at(6));
    let dead = claimed
        .iter()
        .find(|r| r.entity_key == "order:2")
        .expect("order:2");
    outbox
        .dead_letter(dead, "refused", None, at(7))
        .expect("dead letter");
    for other in claimed.iter().filter(|r| r.entity_key != "order:2") {
        outbox
            .retry_later(other, "timeout", None, at(7))
            .expect("retry");
    }
    put(outbox, &record("order.edit", "order:2", &[]), at(8));
    outbox
        .set_inbound_state("history.cursor", "41", at(9))
        .expect("state");
    outbox.order_external_id(5, "2611-5").expect("order id");
    outbox
        .store_history(
            &[HistoryEntry {
                history_id: 50,
                crm_order: serde_json::json!({"externalId": "2611-5"}),
                code: "complete".into(),
                changed_at: UNIX_EPOCH + Duration::from_secs(1_700_000_000),
                own: false,
            }],
            50,
            at(10),
        )
        .expect("history");
}

/// Checks that `outbox` holds what [`fill`] queued, undelivered, in its order.
fn check_moved(outbox: &Outbox) {
    let status = outbox.status(at(20)).expect("status");
    assert_eq!((status.pending, status.dead), (3, 1), "{status:?}");
    assert_eq!(status.dead_letters[0].entity_key, "order:2");
    assert_eq!(status.dead_letters[0].error, "refused");
    assert_eq!(
        outbox.inbound_state("history.cursor").expect("state"),
        Some(("49".into(), at(10))),
        "the cursor stopped before the pending entry"
    );
    assert_eq!(outbox.order_external_id(5, "other").expect("id"), "2611-5");
    assert_eq!(outbox.history_status().expect("history").pending, 1);
    // The order still waits for its customer; the edit waits behind the dead create.
    let first = claim(outbox, "w", at(21));
    let keys: Vec<_> = first.iter().map(|r| r.entity_key.as_str()).collect();
    assert_eq!(keys, ["customer:17"]);
    assert_eq!(first[0].attempts, 2, "the attempt before the move counts");
    assert_eq!(first[0].last_error.as_deref(), Some("timeout"));
    outbox.ack(&first[0], None, at(22)).expect("ack");
    assert_eq!(claim(outbox, "w", at(23))[0].entity_key, "order:1");
    outbox
        .retry(&RetrySelection::AllDead, at(24))
        .expect("retry");
    let revived = claim(outbox, "w", at(25));
    assert_eq!(revived[0].entity_key, "order:2");
    assert_eq!(revived[0].kind, "order.create");
}

#[test]
fn undelivered_records_and_state_move_to_mysql_and_back() {
    for (from, to) in [
        (Store::sqlite("to-mysql"), Store::mysql("to-mysql")),
        (Store::mysql("to-sqlite"), Store::sqlite("to-sqlite")),
    ] {
        let (source, target) = (from.open(), to.open());
        fill(&source);
        let moved = source.move_undelivered_to(&target, at(11)).expect("move");
        assert_eq!(moved.records, 4, "{} → {}", from.backend(), to.backend());
        assert_eq!(
            moved.state_rows,
            3 + 1 + 1,
            "3 history positions, an entry, an order id"
        );
        let left = source.status(at(12)).expect("status");
        assert_eq!((left.pending, left.dead, left.delivered), (0, 0, 1));
        check_moved(&target);

        // A target holding undelivered changes of the same entities is refused: the newer
        // changes would overtake the older ones. Changes of other entities are no obstacle.
        fill(&source);
        let error = source
            .move_undelivered_to(&target, at(30))
            .expect_err("refused");
        assert!(matches!(error, OutboxError::Invalid(_)), "{error:?}");
        assert_eq!(
            source.status(at(31)).expect("status").pending,
            3,
            "nothing moved"
        );
        let other = to.open();
        let fresh = Store::sqlite("fresh");
        let third = fresh.open();
        put(&third, &record("order.create", "order:99", &[]), at(32));
        let moved = other
            .move_undelivered_to(&third, at(33))
            .expect("other entities");
        assert_eq!(moved.records, 3, "the target's own record stays first");
        assert_eq!(claim(&third, "w", at(34))[0].entity_key, "order:99");
    }
}
