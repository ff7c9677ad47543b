//! When a record that failed for a passing reason is tried again: exponential backoff with
//! jitter, capped.

use std::time::Duration;

/// How long to wait after the `attempts`-th failed attempt (1 for the first failure).
///
/// The full delay doubles with every attempt from `base` up to `cap`:
/// `min(cap, base · 2^(attempts − 1))`; the delay returned is drawn uniformly from the upper
/// half of it, `[full / 2, full]`, so workers that failed together do not retry together,
/// while the delay still grows from one attempt to the next and never exceeds `cap`.
pub(super) fn backoff(
    base: Duration,
    cap: Duration,
    attempts: u32,
    rng: &mut fastrand::Rng,
) -> Duration {
    let doublings = attempts.saturating_sub(1).min(63);
    let full_millis = base
        .as_millis()
        .saturating_mul(1u128 << doublings)
        .min(cap.as_millis());
    let full = u64::try_from(full_millis).unwrap_or(u64::MAX);
    let jitter = rng.u64(0..=full / 2);
    Duration::from_millis(full - jitter)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: Duration = Duration::from_secs(1);
    const CAP: Duration = Duration::from_secs(600);

    fn bounds(attempts: u32) -> (Duration, Duration) {
        let full = BASE
            .saturating_mul(1 << attempts.saturating_sub(1).min(20))
            .min(CAP);
        (full / 2, full)
    }

    #[test]
    fn doubles_up_to_the_cap_with_jitter_in_the_upper_half() {
        let mut rng = fastrand::Rng::with_seed(7);
        for attempts in 1..=40 {
            let (low, high) = bounds(attempts);
            for _ in 0..200 {
                let delay = backoff(BASE, CAP, attempts, &mut rng);
                assert!(
                    low <= delay && delay <= high,
                    "attempt {attempts}: {delay:?} outside {low:?}..={high:?}"
                );
            }
        }
        assert_eq!(bounds(1), (Duration::from_millis(500), BASE));
        assert_eq!(bounds(4).1, Duration::from_secs(8));
        assert_eq!(bounds(40).1, CAP);
    }

    #[test]
    fn jitter_spreads_the_delays() {
        let mut rng = fastrand::Rng::with_seed(11);
        let delays: std::collections::BTreeSet<Duration> =
            (0..50).map(|_| backoff(BASE, CAP, 5, &mut rng)).collect();
        assert!(delays.len() > 25, "{delays:?}");
    }

    #[test]
    fn survives_extreme_settings() {
        let mut rng = fastrand::Rng::with_seed(3);
        assert_eq!(backoff(Duration::ZERO, CAP, 9, &mut rng), Duration::ZERO);
        let huge = backoff(Duration::MAX, Duration::MAX, u32::MAX, &mut rng);
        assert!(huge >= Duration::from_millis(u64::MAX / 2));
        assert_eq!(backoff(BASE, Duration::ZERO, 3, &mut rng), Duration::ZERO);
    }
}
