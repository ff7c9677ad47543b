//! Client-side request pacing. The transport waits on a [`Gate`] before every HTTP request
//! it sends, retries included. The default gate is [`RateLimiter`]: at most N requests per
//! second per API key in this process.
//!
//! RetailCRM allows 10 requests per second per key and answers 503 past that; pacing
//! requests here avoids spending round trips on refusals. Every client in the process that
//! uses the same key shares one limiter. The shop integration passes a gate of its own that
//! paces every process of the shop together (see `crate::sync::pacing`).

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use super::error::{ApiError, TransportKind};

/// RetailCRM's documented limit for ordinary API methods.
pub const DEFAULT_PER_SECOND: u32 = 10;

/// The share of the CRM's rate requests are paced at: the CRM counts a request when it
/// arrives, so requests paced at exactly its rate meet a 503 as soon as one arrives late and
/// the next ones bunch up behind it.
pub const PACE: f64 = 0.9;

/// The token bucket for a limit of `per_second` requests a second (above 0): it holds at
/// most `per_second` − 1 tokens (at least 1), keeping one of the CRM's in reserve for a
/// request that arrives late, and refills at [`PACE`] × `per_second` a second. Returns the
/// capacity and the refill rate.
pub fn bucket(per_second: u32) -> (f64, f64) {
    (
        f64::from(per_second.saturating_sub(1).max(1)),
        f64::from(per_second) * PACE,
    )
}

/// What [`Gate::admit`] returns: a future that ends when the request may go.
pub type Admission<'a> = Pin<Box<dyn Future<Output = Result<(), ApiError>> + Send + 'a>>;

/// Decides when the next HTTP request may be sent.
pub trait Gate: Send + Sync {
    /// Waits until one request may be sent and counts it as sent. Fails, and nothing may be
    /// sent, when that moment would come after `deadline` (see [`no_token_in_time`]).
    fn admit(&self, deadline: Instant) -> Admission<'_>;
}

/// Waits until `take` yields a token. `take` takes one now (`Ok(Ok(()))`) or says how long
/// until the next one comes (`Ok(Err(wait))`). Returns `false`, without waiting, when the
/// next token would come after `deadline`.
pub async fn wait_for_token<E>(
    deadline: Instant,
    mut take: impl FnMut() -> Result<Result<(), Duration>, E>,
) -> Result<bool, E> {
    loop {
        match take()? {
            Ok(()) => return Ok(true),
            Err(wait) if Instant::now() + wait < deadline => tokio::time::sleep(wait).await,
            Err(_) => return Ok(false),
        }
    }
}

/// The error of a request a [`Gate`] did not let go before its deadline: a timeout, so
/// the caller retries it later.
pub fn no_token_in_time() -> ApiError {
    ApiError::Transport {
        kind: TransportKind::Timeout,
        message: "the time budget ran out before the rate limit let the request go".into(),
    }
}

/// The process's limiters by key and rate.
type Registry = HashMap<(String, u32), Arc<RateLimiter>>;

/// A token bucket for `per_second` requests a second, shaped by [`bucket`].
#[derive(Debug)]
pub struct RateLimiter {
    per_second: u32,
    state: Mutex<Bucket>,
}

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    refilled_at: Instant,
}

impl RateLimiter {
    /// A limiter allowing `per_second` requests a second; 0 means no limit.
    pub fn new(per_second: u32) -> Self {
        RateLimiter {
            per_second,
            state: Mutex::new(Bucket {
                tokens: bucket(per_second).0,
                refilled_at: Instant::now(),
            }),
        }
    }

    /// The limiter shared by every client of this process that uses `key` at `per_second`.
    pub fn shared(key: &str, per_second: u32) -> Arc<RateLimiter> {
        static LIMITERS: OnceLock<Mutex<Registry>> = OnceLock::new();
        let mut limiters = LIMITERS
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        limiters
            .entry((key.to_string(), per_second))
            .or_insert_with(|| Arc::new(RateLimiter::new(per_second)))
            .clone()
    }

    /// Takes a token if one is available now; otherwise says how long until one is.
    pub fn try_acquire(&self, now: Instant) -> Result<(), Duration> {
        if self.per_second == 0 {
            return Ok(());
        }
        let (capacity, rate) = bucket(self.per_second);
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let elapsed = now
            .saturating_duration_since(state.refilled_at)
            .as_secs_f64();
        state.tokens = (state.tokens + elapsed * rate).min(capacity);
        state.refilled_at = now;
        if state.tokens >= 1.0 {
            state.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - state.tokens) / rate))
        }
    }
}

impl Gate for RateLimiter {
    fn admit(&self, deadline: Instant) -> Admission<'_> {
        Box::pin(async move {
            let taken = wait_for_token(deadline, || {
                Ok::<_, ApiError>(self.try_acquire(Instant::now()))
            })
            .await?;
            if taken {
                Ok(())
            } else {
                Err(no_token_in_time())
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allows_a_burst_one_short_of_the_rate_then_paces_at_90_percent() {
        let limiter = RateLimiter::new(10);
        let start = Instant::now();
        for _ in 0..9 {
            assert!(limiter.try_acquire(start).is_ok());
        }
        let wait = limiter.try_acquire(start).unwrap_err();
        assert_eq!(wait, Duration::from_secs_f64(1.0 / 9.0));
        let early = start + Duration::from_millis(111);
        assert!(limiter.try_acquire(early).is_err());
        let paced = start + Duration::from_millis(112);
        assert!(limiter.try_acquire(paced).is_ok());
        assert!(limiter.try_acquire(paced).is_err());
    }

    #[test]
    fn never_holds_more_than_the_rate_less_one_token() {
        let limiter = RateLimiter::new(2);
        let later = Instant::now() + Duration::from_secs(60);
        assert!(limiter.try_acquire(later).is_ok());
        assert!(limiter.try_acquire(later).is_err());
        let one = RateLimiter::new(1);
        assert!(one.try_acquire(later).is_ok(), "a limit of 1 still sends");
    }

    #[test]
    fn the_gate_refuses_when_the_next_token_comes_after_the_deadline() {
        let limiter = RateLimiter::new(1);
        let soon = Instant::now() + Duration::from_millis(100);
        crate::runtime::block_on(async {
            assert!(limiter.admit(soon).await.is_ok());
            let refused = limiter.admit(soon).await.unwrap_err();
            assert_eq!(refused.to_string(), no_token_in_time().to_string());
        })
        .unwrap();
    }

    #[test]
    fn zero_means_unlimited_and_limiters_are_shared_per_key() {
        let unlimited = RateLimiter::new(0);
        let now = Instant::now();
        assert!((0..1000).all(|_| unlimited.try_acquire(now).is_ok()));
        let a = RateLimiter::shared("key-a", 10);
        assert!(Arc::ptr_eq(&a, &RateLimiter::shared("key-a", 10)));
        assert!(!Arc::ptr_eq(&a, &RateLimiter::shared("key-b", 10)));
    }
}
