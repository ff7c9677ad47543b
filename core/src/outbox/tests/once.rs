//! `enqueue_once`: a key the outbox holds is not written again, whatever its state.

use std::time::Duration;

use super::super::Enqueued;
use super::{at, each_backend, record};

#[test]
fn a_key_the_outbox_holds_is_not_written_again_pending_dead_or_delivered() {
    each_backend("once", |store| {
        let outbox = store.open();
        let first = outbox
            .enqueue_once(&record("order.create", "order:form-a", &[]), at(0))
            .unwrap();
        let Enqueued::New(a) = first else {
            panic!("the first enqueue writes: {first:?}");
        };
        let again = || {
            outbox
                .enqueue_once(&record("order.create", "order:form-a", &[]), at(10))
                .unwrap()
        };
        assert_eq!(again(), Enqueued::Existing(a), "pending");
        let b = outbox
            .enqueue_once(&record("request", "request:form-b", &[]), at(20))
            .unwrap();
        assert!(matches!(b, Enqueued::New(id) if id > a), "{b:?}");

        let claimed = outbox
            .claim("w", at(30), Duration::from_secs(30), 10)
            .unwrap();
        assert_eq!(claimed.len(), 2);
        outbox
            .dead_letter(&claimed[0], "refused", None, at(40))
            .unwrap();
        outbox.ack(&claimed[1], None, at(40)).unwrap();
        assert_eq!(again(), Enqueued::Existing(a), "dead");
        outbox
            .retry(&super::super::RetrySelection::AllDead, at(50))
            .unwrap();
        let claimed = outbox
            .claim("w", at(60), Duration::from_secs(30), 10)
            .unwrap();
        assert_eq!(claimed.len(), 1, "the dead letter, retried");
        outbox.ack(&claimed[0], None, at(70)).unwrap();
        assert_eq!(again(), Enqueued::Existing(a), "delivered");
        let status = outbox.status(at(80)).unwrap();
        assert_eq!(
            (status.delivered, status.pending),
            (2, 0),
            "nothing more written"
        );
    });
}

#[test]
fn a_record_without_a_key_is_refused_and_nothing_is_written() {
    each_backend("once-empty", |store| {
        let outbox = store.open();
        assert!(
            outbox
                .enqueue_once(&record("request", "", &[]), at(0))
                .is_err()
        );
        assert_eq!(outbox.status(at(0)).unwrap().pending, 0);
    });
}
