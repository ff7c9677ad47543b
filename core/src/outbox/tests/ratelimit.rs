//! The rate limit shared through the file.

use std::time::{Duration, SystemTime};

use super::concurrency::{Role, spawn_child, wait_child};
use super::{at, each_backend};
use crate::outbox::Outbox;

const KEY: &str = "fingerprint-of-the-api-key";
const PER_SECOND: u32 = 10;

/// Whether `key`'s bucket gives a token at `now`.
pub(super) fn take(outbox: &Outbox, now: SystemTime) -> bool {
    outbox
        .take_token(KEY, PER_SECOND, now)
        .expect("take a token")
        .is_ok()
}

/// Tries for a token every 5 ms of simulated time from `at(0)` to `at(millis)`; returns
/// the simulated times (in ms) at which one was given.
pub(super) fn take_for(outbox: &Outbox, millis: u64) -> Vec<u64> {
    (0..=millis)
        .step_by(5)
        .filter(|&time| take(outbox, at(time)))
        .collect()
}

/// No interval `[a, b]` holds more grants than a full bucket plus the refill over it.
fn assert_within_rate(grants: &[u64]) {
    for (i, first) in grants.iter().enumerate() {
        for (j, last) in grants.iter().enumerate().skip(i) {
            let allowed = f64::from(PER_SECOND) * (1.0 + (last - first) as f64 / 1000.0);
            let count = (j - i + 1) as f64;
            assert!(
                count <= allowed + 1e-6,
                "{count} grants in {first}..={last} ms"
            );
        }
    }
}

#[test]
fn empty_bucket_says_how_long_to_wait() {
    each_backend("bucket", |store| {
        let outbox = store.open();
        // One token of the CRM's kept in reserve, refilled at 90% of its rate.
        for _ in 1..PER_SECOND {
            assert!(take(&outbox, at(0)));
        }
        let wait = outbox
            .take_token(KEY, PER_SECOND, at(0))
            .expect("take")
            .expect_err("empty");
        assert_eq!(wait, Duration::from_secs_f64(1.0 / 9.0));
        assert!(!take(&outbox, at(111)));
        assert!(take(&outbox, at(112)));
        assert!(!take(&outbox, at(0)), "a clock going back refills nothing");
        assert!(
            outbox
                .take_token("other-key", PER_SECOND, at(0))
                .expect("take")
                .is_ok(),
            "keys have their own buckets"
        );
        assert!(
            outbox.take_token(KEY, 0, at(0)).expect("take").is_ok(),
            "0 means no limit"
        );
    });
}

#[test]
fn two_handles_share_one_bucket() {
    each_backend("shared-bucket", |store| {
        let (first, second) = (store.open(), store.open());
        let mut grants = Vec::new();
        let mut by_handle = [0; 2];
        for time in (0..=10_000).step_by(5) {
            let which = usize::from((time / 5) % 3 == 0);
            if take([&first, &second][which], at(time)) {
                grants.push(time);
                by_handle[which] += 1;
            }
        }
        assert_within_rate(&grants);
        // A full bucket (9), then 9 a second for 10 s.
        assert!((98..=99).contains(&grants.len()), "{}", grants.len());
        assert!(by_handle.iter().all(|&count| count > 20), "{by_handle:?}");
    });
}

#[test]
fn processes_share_one_bucket() {
    each_backend("process-bucket", |store| {
        let outbox = store.open();
        let child = spawn_child(Role::Tokens, store, "tokens");
        let mine = take_for(&outbox, 2_000);
        let theirs = wait_child(child);
        let total = mine.len() + theirs.len();
        // Both took from one bucket over 2 simulated seconds: at most 9 + 2 × 9.
        assert!(total <= 27, "{total} tokens: {mine:?} {theirs:?}");
        assert!(total >= 24, "{total} tokens: the bucket refills");
    });
}
