//! Times as the outbox stores them: whole milliseconds since the Unix epoch.
//!
//! Every operation takes its `now` from the caller, so tests drive time by hand. Times
//! before 1970 count as the epoch; durations too long for 64 bits saturate.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Milliseconds since the Unix epoch for `time`.
pub(super) fn to_millis(time: SystemTime) -> i64 {
    time.duration_since(UNIX_EPOCH).map_or(0, duration_millis)
}

/// The time `millis` milliseconds after the Unix epoch (the epoch for negative values).
pub(super) fn from_millis(millis: i64) -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(u64::try_from(millis).unwrap_or(0))
}

/// `duration` in whole milliseconds, saturating.
pub(super) fn duration_millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_saturates() {
        let time = UNIX_EPOCH + Duration::from_millis(1_700_000_000_123);
        assert_eq!(to_millis(time), 1_700_000_000_123);
        assert_eq!(from_millis(1_700_000_000_123), time);
        assert_eq!(to_millis(UNIX_EPOCH - Duration::from_secs(5)), 0);
        assert_eq!(from_millis(-5), UNIX_EPOCH);
        assert_eq!(duration_millis(Duration::MAX), i64::MAX);
    }
}
