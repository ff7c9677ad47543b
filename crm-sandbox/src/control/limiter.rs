//! RetailCRM's rate limit: N requests per second per API key, past which it answers 503.
//!
//! Each key has a token bucket holding at most N tokens and refilled at N per second, so a
//! burst of N passes and then one request per 1/N s. A request is let through when the
//! bucket is within 50 ms of refill of a whole token (the bucket may then go slightly into
//! debt), which absorbs the scheduling jitter between a client pacing itself with the same
//! algorithm and the sandbox, while the 11th of 11 requests sent at once with N = 10 is
//! still refused.

use crate::app::locked;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How much refill time a request may borrow.
const JITTER: Duration = Duration::from_millis(50);

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    refilled_at: Instant,
}

#[derive(Debug, Default)]
struct State {
    per_second: u32,
    buckets: HashMap<String, Bucket>,
}

/// Token buckets per API key.
#[derive(Debug, Default)]
pub struct RateLimiter {
    state: Mutex<State>,
}

impl RateLimiter {
    /// A limiter allowing `per_second` requests a second per key; 0 turns it off.
    pub fn new(per_second: u32) -> Self {
        let limiter = RateLimiter::default();
        limiter.set(per_second);
        limiter
    }

    /// Changes the limit and refills every bucket.
    pub fn set(&self, per_second: u32) {
        let mut state = locked(&self.state);
        state.per_second = per_second;
        state.buckets.clear();
    }

    /// Whether a request with `key` arriving at `now` may go through; takes its token if so.
    pub fn admit(&self, key: &str, now: Instant) -> bool {
        let mut state = locked(&self.state);
        if state.per_second == 0 {
            return true;
        }
        let rate = f64::from(state.per_second);
        let bucket = state.buckets.entry(key.to_string()).or_insert(Bucket {
            tokens: rate,
            refilled_at: now,
        });
        let elapsed = now
            .saturating_duration_since(bucket.refilled_at)
            .as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * rate).min(rate);
        bucket.refilled_at = now;
        if bucket.tokens >= 1.0 - rate * JITTER.as_secs_f64() {
            bucket.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lets_a_burst_through_then_refuses_until_refilled() {
        let limiter = RateLimiter::new(10);
        let start = Instant::now();
        assert!((0..10).all(|_| limiter.admit("k", start)));
        assert!(!limiter.admit("k", start + Duration::from_millis(10)));
        assert!(limiter.admit("other", start), "keys have their own buckets");
        assert!(limiter.admit("k", start + Duration::from_millis(100)));
        assert!(!limiter.admit("k", start + Duration::from_millis(120)));
        assert!(limiter.admit("k", start + Duration::from_millis(2000)));
    }

    #[test]
    fn tolerates_jitter_but_not_a_faster_pace() {
        let limiter = RateLimiter::new(10);
        let start = Instant::now();
        assert!((0..10).all(|_| limiter.admit("k", start)));
        // A client pacing at 100 ms whose requests arrive 30 ms early still gets through …
        assert!(limiter.admit("k", start + Duration::from_millis(70)));
        // … but over a second no more than the rate plus the jitter allowance passes.
        let passed = (1..=100)
            .filter(|i| limiter.admit("k", start + Duration::from_millis(70 + i * 10)))
            .count();
        assert!(passed <= 11, "{passed}");
    }

    #[test]
    fn zero_is_off_and_set_refills() {
        let limiter = RateLimiter::new(0);
        let now = Instant::now();
        assert!((0..1000).all(|_| limiter.admit("k", now)));
        limiter.set(1);
        assert!(limiter.admit("k", now));
        assert!(!limiter.admit("k", now));
        limiter.set(1);
        assert!(limiter.admit("k", now));
    }
}
