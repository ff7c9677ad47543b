//! Failures and operations: backoff, dead letters, retry, discard, purge, status.

use std::time::{Duration, SystemTime};

use serde_json::json;

use super::super::{OutboxError, RetrySelection};
use super::{at, claim, each_backend, ids, put, record};

fn since_start(time: SystemTime) -> Duration {
    time.duration_since(at(0)).expect("after the start")
}

#[test]
fn backoff_grows_with_each_failure_up_to_the_cap() {
    each_backend("backoff", |store| {
        let outbox = store.open();
        let id = put(&outbox, &record("order.create", "order:1", &[]), at(0));
        let mut now = at(0);
        let mut previous = Duration::ZERO;
        for attempt in 1..=7u32 {
            let claimed = claim(&outbox, "w", now);
            assert_eq!(ids(&claimed), vec![id]);
            assert_eq!(claimed[0].attempts, attempt);
            let due = outbox
                .retry_later(&claimed[0], "HTTP 503", Some(&json!({"status": 503})), now)
                .expect("retry later");
            let delay = due.duration_since(now).expect("due later");
            let full = Duration::from_secs(1 << (attempt - 1).min(3));
            assert!(
                full / 2 <= delay && delay <= full,
                "attempt {attempt}: {delay:?} not within the jitter of {full:?}"
            );
            assert!(
                delay >= previous / 2,
                "attempt {attempt}: grows (with jitter)"
            );
            previous = delay;
            let just_before = due - Duration::from_millis(1);
            assert!(
                claim(&outbox, "w", just_before).is_empty(),
                "not before it is due"
            );
            now = due;
        }
        let status = outbox.status(now).expect("status");
        let last = status.last_error.expect("last error");
        assert_eq!(last.message, "HTTP 503");
        assert_eq!(last.record_id, Some(id));
        assert!(since_start(now) <= Duration::from_secs(1 + 2 + 4 + 8 * 4));
    });
}

#[test]
fn dead_letters_are_listed_and_retried_by_id() {
    each_backend("dead", |store| {
        let outbox = store.open();
        let bad = put(&outbox, &record("order.create", "order:1", &[]), at(0));
        let also_bad = put(&outbox, &record("order.create", "order:2", &[]), at(1));
        let claimed = claim(&outbox, "w", at(10));
        let details = json!({
            "status": 400,
            "errorMsg": "Errors in the entity format",
            "errors": {"delivery[code]": "Delivery type does not exist"}
        });
        for record in &claimed {
            outbox
                .dead_letter(
                    record,
                    "Errors in the entity format",
                    Some(&details),
                    at(20),
                )
                .expect("dead letter");
        }

        let status = outbox.status(at(30)).expect("status");
        assert_eq!(
            (status.pending, status.dead, status.blocked_keys),
            (0, 2, 2)
        );
        let letter = &status.dead_letters[0];
        assert_eq!(letter.id, bad);
        assert_eq!(letter.kind, "order.create");
        assert_eq!(letter.entity_key, "order:1");
        assert_eq!(letter.error, "Errors in the entity format");
        assert_eq!(letter.details.as_ref(), Some(&details));
        assert_eq!(letter.attempts, 1);
        assert_eq!(letter.created_at, at(0));
        assert_eq!(letter.failed_at, Some(at(20)));
        assert!(
            claim(&outbox, "w", at(1_000_000)).is_empty(),
            "never retried by itself"
        );

        // An unknown id fails the whole call and changes nothing.
        let error = outbox
            .retry(&RetrySelection::Ids(vec![bad, 999]), at(40))
            .expect_err("unknown id");
        assert!(
            matches!(error, OutboxError::NotFound { id: 999 }),
            "{error:?}"
        );
        assert_eq!(outbox.status(at(40)).expect("status").dead, 2);

        assert_eq!(
            outbox
                .retry(&RetrySelection::Ids(vec![bad]), at(50))
                .expect("retry"),
            1
        );
        assert_eq!(ids(&claim(&outbox, "w", at(50))), vec![bad]);
        assert_eq!(
            outbox
                .retry(&RetrySelection::Ids(vec![bad]), at(51))
                .expect("retry"),
            0,
            "a record being delivered is left alone"
        );
        assert_eq!(
            outbox
                .retry(&RetrySelection::AllDead, at(60))
                .expect("retry"),
            1
        );
        assert_eq!(ids(&claim(&outbox, "w", at(60))), vec![also_bad]);
    });
}

#[test]
fn retry_makes_a_backed_off_record_due_now() {
    each_backend("retry-now", |store| {
        let outbox = store.open();
        let id = put(&outbox, &record("order.create", "order:1", &[]), at(0));
        let waiting = put(&outbox, &record("order.edit", "order:1", &[]), at(1));
        let claimed = claim(&outbox, "w", at(0));
        outbox
            .retry_later(&claimed[0], "down", None, at(0))
            .expect("retry later");
        assert!(claim(&outbox, "w", at(10)).is_empty());
        let which = RetrySelection::Ids(vec![id, waiting]);
        assert_eq!(
            outbox.retry(&which, at(10)).expect("retry"),
            1,
            "the edit waits its turn"
        );
        let again = claim(&outbox, "w", at(10));
        assert_eq!(ids(&again), vec![id]);
        assert_eq!(again[0].attempts, 1);
    });
}

#[test]
fn discarding_a_dead_head_lets_the_key_flow() {
    each_backend("discard", |store| {
        let outbox = store.open();
        let create = put(&outbox, &record("order.create", "order:1", &[]), at(0));
        let edit = put(&outbox, &record("order.edit", "order:1", &[]), at(1));
        let dependent = put(
            &outbox,
            &record("payment.edit", "payment:1", &["order:1"]),
            at(2),
        );
        let claimed = claim(&outbox, "w", at(10));
        assert_eq!(ids(&claimed), vec![create]);

        assert!(matches!(
            outbox.discard(create, at(11)),
            Err(OutboxError::InFlight { id }) if id == create
        ));
        assert!(matches!(
            outbox.discard(12345, at(11)),
            Err(OutboxError::NotFound { id: 12345 })
        ));
        outbox
            .dead_letter(&claimed[0], "rejected", None, at(12))
            .expect("dead letter");
        outbox.discard(create, at(13)).expect("discard");
        assert!(matches!(
            outbox.ack(&claimed[0], None, at(14)),
            Err(OutboxError::LeaseLost { .. })
        ));

        let next = claim(&outbox, "w", at(14));
        assert_eq!(
            ids(&next),
            vec![edit],
            "the payment still waits for the edit"
        );
        outbox.ack(&next[0], None, at(15)).expect("ack");
        assert_eq!(ids(&claim(&outbox, "w", at(16))), vec![dependent]);
        let status = outbox.status(at(17)).expect("status");
        assert_eq!(
            (status.dead, status.blocked_keys, status.delivered),
            (0, 0, 1)
        );
    });
}

#[test]
fn purge_removes_only_old_delivered_records() {
    each_backend("purge", |store| {
        let outbox = store.open();
        let day = 86_400_000;
        for n in 0..1_203 {
            put(&outbox, &record("custom", &format!("lead:{n}"), &[]), at(0));
        }
        let claimed = outbox
            .claim("w", at(0), Duration::from_secs(30), 2_000)
            .expect("claim");
        for (n, record) in claimed.iter().enumerate() {
            let delivered = if n < 1_201 { at(day) } else { at(40 * day) };
            outbox.ack(record, None, delivered).expect("ack");
        }
        let kept = put(&outbox, &record("custom", "lead:pending", &[]), at(day));

        assert_eq!(outbox.purge(at(day)).expect("purge"), 0, "strictly before");
        assert_eq!(outbox.purge(at(30 * day)).expect("purge"), 1_201);
        let status = outbox.status(at(41 * day)).expect("status");
        assert_eq!((status.delivered, status.pending), (2, 1));
        assert_eq!(status.delivered_last_day, 0, "delivered 24 h ago or more");
        let status = outbox.status(at(41 * day - 1)).expect("status");
        assert_eq!(status.delivered_last_day, 2, "delivered less than 24 h ago");
        assert_eq!(status.last_success_at, Some(at(40 * day)));
        assert_eq!(ids(&claim(&outbox, "w", at(41 * day))), vec![kept]);
    });
}

#[test]
fn status_reports_counts_ages_and_the_last_success_and_error() {
    each_backend("status", |store| {
        let outbox = store.open();
        let empty = outbox.status(at(0)).expect("status");
        assert_eq!((empty.pending, empty.delivered, empty.dead), (0, 0, 0));
        assert_eq!(empty.oldest_pending_age, None);
        assert_eq!(empty.last_success_at, None);
        assert_eq!(empty.last_error, None);
        assert!(empty.dead_letters.is_empty());

        for n in 0..4 {
            put(
                &outbox,
                &record("custom", &format!("lead:{n}"), &[]),
                at(n * 1000),
            );
        }
        let claimed = outbox
            .claim("w", at(5_000), Duration::from_secs(60), 3)
            .expect("claim");
        outbox.ack(&claimed[0], None, at(6_000)).expect("ack");
        outbox
            .retry_later(&claimed[1], "timeout", None, at(7_000))
            .expect("retry");

        let status = outbox.status(at(10_000)).expect("status");
        assert_eq!(status.pending, 3);
        assert_eq!(status.in_flight, 1);
        assert_eq!(status.delivered, 1);
        assert_eq!(status.dead, 0);
        assert_eq!(status.oldest_pending_age, Some(Duration::from_secs(9)));
        assert_eq!(status.last_success_at, Some(at(6_000)));
        let error = status.last_error.expect("last error");
        assert_eq!((error.message.as_str(), error.at), ("timeout", at(7_000)));
        assert_eq!(status.blocked_keys, 0);
    });
}

#[test]
fn a_stored_payload_that_is_not_json_is_set_aside() {
    each_backend("bad-payload", |store| {
        let outbox = store.open();
        let broken = put(&outbox, &record("order.create", "order:1", &[]), at(0));
        let fine = put(&outbox, &record("order.create", "order:2", &[]), at(1));
        store.raw(&format!(
            "UPDATE {{records}} SET payload = '{{truncated' WHERE id = {broken}"
        ));

        assert_eq!(ids(&claim(&outbox, "w", at(10))), vec![fine]);
        let status = outbox.status(at(11)).expect("status");
        assert_eq!(status.dead, 1);
        assert_eq!(status.dead_letters[0].id, broken);
        assert!(
            status.dead_letters[0].error.contains("not valid JSON"),
            "{:?}",
            status.dead_letters[0]
        );
    });
}
