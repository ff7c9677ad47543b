//! The circuit breaker: open for a growing, capped period; past it a probe with the
//! backed-off records of that CRM due again in their order; closed by an answer.

use std::time::Duration;

use serde_json::json;

use super::super::{Destination, NewRecord, Passage};
use super::{at, claim, each_backend, ids, put, record};

/// The CRM `name` (its address; one site code, one key).
fn crm(name: &str) -> Destination {
    Destination {
        url: name.into(),
        site: "shop".into(),
        key_fingerprint: format!("key-{name}"),
    }
}

const BASE: Duration = Duration::from_secs(2);
const CAP: Duration = Duration::from_secs(5);

fn for_crm(key: &str, name: &str) -> NewRecord {
    NewRecord {
        destination: Some(crm(name)),
        ..record("customer.create", key, &[])
    }
}

#[test]
fn opens_for_a_doubling_capped_period_and_closes_on_an_answer() {
    each_backend("breaker", |store| {
        let outbox = store.open();
        assert_eq!(
            outbox.pass_breaker(&crm("crm-a"), at(0)).unwrap(),
            Passage::Closed
        );
        let first = outbox
            .trip(&crm("crm-a"), "timed out", BASE, CAP, at(0))
            .unwrap();
        assert_eq!((first.until, first.failures), (at(2_000), 1));
        let Passage::Open(open_now) = outbox.pass_breaker(&crm("crm-a"), at(1_999)).unwrap() else {
            panic!("open until its time");
        };
        assert_eq!(open_now, first);
        assert_eq!(
            outbox.pass_breaker(&crm("crm-b"), at(1_000)).unwrap(),
            Passage::Closed,
            "another CRM is not affected"
        );
        assert_eq!(
            outbox.pass_breaker(&crm("crm-a"), at(2_000)).unwrap(),
            Passage::Probe
        );
        let second = outbox
            .trip(&crm("crm-a"), "refused", BASE, CAP, at(2_000))
            .unwrap();
        assert_eq!((second.until, second.failures), (at(6_000), 2));
        let third = outbox
            .trip(&crm("crm-a"), "refused", BASE, CAP, at(6_000))
            .unwrap();
        assert_eq!(third.until, at(11_000), "capped");
        let status = outbox.status(at(6_000)).unwrap();
        assert_eq!(status.breakers.len(), 1);
        assert_eq!(status.breakers[0].crm, "crm-a site=shop");
        assert_eq!(status.breakers[0].reason, "refused");
        assert_eq!(status.breakers[0].since, at(0));
        assert_eq!(status.breakers[0].open_until, at(11_000));
        outbox.close_breaker(&crm("crm-a")).unwrap();
        assert_eq!(
            outbox.pass_breaker(&crm("crm-a"), at(6_000)).unwrap(),
            Passage::Closed
        );
        assert!(outbox.status(at(6_000)).unwrap().breakers.is_empty());
    });
}

#[test]
fn a_probe_makes_the_crms_backed_off_records_due_in_their_order() {
    each_backend("breaker-probe", |store| {
        let outbox = store.open();
        let first = put(&outbox, &for_crm("customer:1", "crm-a"), at(0));
        let second = put(&outbox, &for_crm("customer:2", "crm-a"), at(10));
        let other = put(&outbox, &for_crm("customer:3", "crm-b"), at(20));
        for claimed in claim(&outbox, "w", at(100)) {
            outbox
                .retry_later(
                    &claimed,
                    "timed out",
                    Some(&json!({"status": null})),
                    at(100),
                )
                .unwrap();
        }
        assert!(
            claim(&outbox, "w", at(200)).is_empty(),
            "all wait out a backoff"
        );
        let short = Duration::from_millis(100);
        outbox
            .trip(&crm("crm-a"), "timed out", short, CAP, at(100))
            .unwrap();
        assert!(matches!(
            outbox.pass_breaker(&crm("crm-a"), at(150)).unwrap(),
            Passage::Open(_)
        ));
        assert!(
            claim(&outbox, "w", at(150)).is_empty(),
            "an open breaker revives nothing"
        );
        assert_eq!(
            outbox.pass_breaker(&crm("crm-a"), at(250)).unwrap(),
            Passage::Probe
        );
        let due = outbox
            .claim_for(
                "w",
                Some(&crm("crm-a")),
                at(250),
                Duration::from_secs(30),
                10,
            )
            .unwrap();
        assert_eq!(ids(&due), vec![first, second], "crm-a's records, in order");
        assert!(
            outbox
                .claim_for(
                    "w",
                    Some(&crm("crm-b")),
                    at(250),
                    Duration::from_secs(30),
                    10
                )
                .unwrap()
                .is_empty(),
            "crm-b's record keeps its backoff (id {other})"
        );
    });
}
