//! Which records may go: per-key order, dependencies, dead letters, leases.

use std::time::Duration;

use serde_json::json;

use super::super::{Outbox, OutboxError};
use super::{at, claim, each_backend, ids, put, record};

#[test]
fn records_of_one_key_go_one_at_a_time_in_order_and_keys_flow_independently() {
    each_backend("per-key", |store| {
        let outbox = store.open();
        let create = put(&outbox, &record("order.create", "order:1", &[]), at(0));
        let other = put(&outbox, &record("order.create", "order:2", &[]), at(1));
        let edit = put(&outbox, &record("order.edit", "order:1", &[]), at(2));
        let status = put(&outbox, &record("order.status", "order:1", &[]), at(3));

        let first = claim(&outbox, "w", at(10));
        assert_eq!(ids(&first), vec![create, other]);
        assert_eq!(first[0].kind, "order.create");
        assert_eq!(
            first[0].payload,
            json!({"kind": "order.create", "key": "order:1"})
        );
        assert_eq!(first[0].attempts, 1);
        assert!(
            claim(&outbox, "w", at(11)).is_empty(),
            "order:1's edit waits"
        );

        // order:2 failing for a while changes nothing for order:1.
        outbox
            .retry_later(&first[1], "timeout", None, at(12))
            .expect("retry later");
        outbox.ack(&first[0], None, at(12)).expect("ack create");
        let second = claim(&outbox, "w", at(13));
        assert_eq!(ids(&second), vec![edit]);
        outbox.ack(&second[0], None, at(14)).expect("ack edit");
        let third = claim(&outbox, "w", at(15));
        assert_eq!(ids(&third), vec![status]);
        outbox.ack(&third[0], None, at(16)).expect("ack status");

        let retried = claim(&outbox, "w", at(12 + 1000));
        assert_eq!(ids(&retried), vec![other]);
        assert_eq!(retried[0].attempts, 2);
        assert_eq!(retried[0].last_error.as_deref(), Some("timeout"));
    });
}

#[test]
fn a_record_enqueued_after_a_delivery_goes_at_once() {
    each_backend("fresh", |store| {
        let outbox = store.open();
        put(&outbox, &record("order.create", "order:1", &[]), at(0));
        let create = claim(&outbox, "w", at(1));
        outbox.ack(&create[0], None, at(2)).expect("ack");
        let edit = put(&outbox, &record("order.edit", "order:1", &[]), at(3));
        assert_eq!(ids(&claim(&outbox, "w", at(3))), vec![edit]);
    });
}

#[test]
fn limit_caps_the_batch_soonest_due_first() {
    each_backend("limit", |store| {
        let outbox = store.open();
        let all: Vec<i64> = (0..5)
            .map(|n| put(&outbox, &record("custom", &format!("lead:{n}"), &[]), at(n)))
            .collect();
        let lease = Duration::from_secs(30);
        let first = outbox.claim("w", at(10), lease, 2).expect("claim");
        let rest = outbox.claim("w", at(10), lease, 10).expect("claim");
        assert_eq!(ids(&first), all[..2]);
        assert_eq!(ids(&rest), all[2..]);
    });
}

/// Queues customer 17's creation at 0 and, at 1, the creation of order 1 that waits for it;
/// answers their record ids.
fn customer_and_their_order(outbox: &Outbox) -> (i64, i64) {
    let customer = put(
        outbox,
        &record("customer.create", "customer:17", &[]),
        at(0),
    );
    let order = put(
        outbox,
        &record("order.create", "order:1", &["customer:17"]),
        at(1),
    );
    (customer, order)
}

#[test]
fn an_order_waits_for_its_customer() {
    each_backend("deps", |store| {
        let outbox = store.open();
        let (customer, order) = customer_and_their_order(&outbox);
        let unrelated = put(&outbox, &record("order.create", "order:2", &[]), at(2));
        // A change to the customer made after the order does not hold the order back.
        let later_edit = put(&outbox, &record("customer.edit", "customer:17", &[]), at(3));

        let first = claim(&outbox, "w", at(10));
        assert_eq!(ids(&first), vec![customer, unrelated]);
        assert!(claim(&outbox, "w", at(11)).is_empty());
        outbox
            .ack(&first[0], Some(&json!({"id": 501})), at(12))
            .expect("ack");

        let second = claim(&outbox, "w", at(13));
        assert_eq!(ids(&second), vec![order, later_edit], "soonest due first");
    });
}

#[test]
fn a_dead_customer_blocks_its_orders_and_nothing_else() {
    each_backend("dead-dep", |store| {
        let outbox = store.open();
        let (customer, order) = customer_and_their_order(&outbox);
        let order_edit = put(&outbox, &record("order.edit", "order:1", &[]), at(2));
        let customer_edit = put(&outbox, &record("customer.edit", "customer:17", &[]), at(3));
        let unrelated = put(&outbox, &record("order.create", "order:2", &[]), at(4));

        let first = claim(&outbox, "w", at(10));
        assert_eq!(ids(&first), vec![customer, unrelated]);
        let details = json!({"status": 400, "errorMsg": "Errors in the entity format"});
        outbox
            .dead_letter(&first[0], "invalid email", Some(&details), at(11))
            .expect("dead letter");
        outbox.ack(&first[1], None, at(11)).expect("ack");
        let later = put(&outbox, &record("order.create", "order:3", &[]), at(12));
        let flowing = claim(&outbox, "w", at(20));
        assert_eq!(ids(&flowing), vec![later]);
        outbox.ack(&flowing[0], None, at(21)).expect("ack");
        assert!(
            claim(&outbox, "w", at(100_000)).is_empty(),
            "blocked for good"
        );
        assert_eq!(outbox.status(at(100_000)).expect("status").blocked_keys, 1);

        // The mapping was fixed: the customer goes again, then the order and the edits.
        let revived = outbox
            .retry(&super::super::RetrySelection::AllDead, at(200_000))
            .expect("retry");
        assert_eq!(revived, 1);
        let again = claim(&outbox, "w", at(200_000));
        assert_eq!(ids(&again), vec![customer]);
        assert_eq!(again[0].attempts, 1, "attempts start over");
        outbox.ack(&again[0], None, at(200_001)).expect("ack");
        let next = claim(&outbox, "w", at(200_002));
        assert_eq!(ids(&next), vec![order, customer_edit]);
        outbox.ack(&next[0], None, at(200_003)).expect("ack");
        assert_eq!(ids(&claim(&outbox, "w", at(200_004))), vec![order_edit]);
    });
}

#[test]
fn a_lease_keeps_others_away_until_it_runs_out() {
    each_backend("lease", |store| {
        let outbox = store.open();
        let id = put(&outbox, &record("order.create", "order:1", &[]), at(0));
        let lease = Duration::from_secs(30);

        let first = outbox.claim("w1", at(0), lease, 10).expect("claim");
        assert_eq!(ids(&first), vec![id]);
        assert_eq!(first[0].lease_owner, "w1");
        assert_eq!(first[0].lease_until, at(30_000));
        assert!(
            outbox
                .claim("w2", at(29_999), lease, 10)
                .expect("claim")
                .is_empty()
        );

        // w1 died (or hangs): its lease runs out and w2 takes the record over.
        let second = outbox.claim("w2", at(30_000), lease, 10).expect("claim");
        assert_eq!(ids(&second), vec![id]);
        assert_eq!(second[0].attempts, 2, "the lost attempt counts");
        assert_eq!(
            second[0].last_error.as_deref(),
            Some("worker w1 did not report before its lease ran out")
        );

        // w1 wakes up: none of its reports is accepted, and none changes anything.
        for report in [
            outbox.ack(&first[0], None, at(31_000)),
            outbox.dead_letter(&first[0], "late", None, at(31_000)),
            outbox
                .retry_later(&first[0], "late", None, at(31_000))
                .map(|_| ()),
        ] {
            assert!(
                matches!(report, Err(OutboxError::LeaseLost { id: lost }) if lost == id),
                "{report:?}"
            );
        }
        let status = outbox.status(at(31_000)).expect("status");
        assert_eq!(
            (status.pending, status.in_flight, status.delivered),
            (1, 1, 0)
        );
        assert!(
            outbox
                .claim("w3", at(31_000), lease, 10)
                .expect("claim")
                .is_empty()
        );

        outbox
            .ack(&second[0], None, at(32_000))
            .expect("w2's ack counts");
        assert_eq!(outbox.status(at(32_000)).expect("status").delivered, 1);
        assert!(
            matches!(
                outbox.ack(&second[0], None, at(32_001)),
                Err(OutboxError::LeaseLost { .. })
            ),
            "a second ack is refused"
        );
    });
}

#[test]
fn a_late_report_is_accepted_while_nobody_else_took_the_record() {
    each_backend("late", |store| {
        let outbox = store.open();
        put(&outbox, &record("order.create", "order:1", &[]), at(0));
        let first = outbox
            .claim("w1", at(0), Duration::from_secs(1), 10)
            .expect("claim");
        outbox
            .ack(&first[0], None, at(5_000))
            .expect("ack after the lease");
        assert!(claim(&outbox, "w2", at(6_000)).is_empty());
    });
}
