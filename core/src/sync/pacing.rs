//! The gate of a flush: every HTTP request the engine sends — the follow-up calls of one
//! delivery (an edit after "already exists", the customer before its order, a create after
//! a 404) and the transport's retries included — first takes a token of the rate limit
//! every process of the shop shares ([`Outbox::take_token`]), and none waits past the
//! flush's deadline. The gate of one delivery, [`Fenced`], also checks that the record is
//! still the worker's and extends its lease, in the same transaction
//! ([`Outbox::renew_and_take_token`]): a worker whose record was taken over while it waited
//! on a slow CRM sends nothing more for it.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant, SystemTime};

use crate::api::error::{ApiError, TransportKind};
use crate::api::ratelimit::{Admission, Gate, no_token_in_time, wait_for_token};
use crate::outbox::{Claimed, Outbox, OutboxError};

/// The shared rate limit, as seen by one flush.
pub struct SharedLimit {
    outbox: Arc<Outbox>,
    key: String,
    per_second: u32,
    deadline: Instant,
    ran_out: AtomicBool,
}

impl SharedLimit {
    /// Tokens of `key` (a fingerprint of the API key) in `outbox`'s bucket at `per_second`
    /// (0 = no limit), for requests that must go before `deadline`.
    pub fn new(outbox: Arc<Outbox>, key: String, per_second: u32, deadline: Instant) -> Self {
        SharedLimit {
            outbox,
            key,
            per_second,
            deadline,
            ran_out: AtomicBool::new(false),
        }
    }

    /// Whether a request was refused because its token would have come after the deadline.
    pub fn ran_out(&self) -> bool {
        self.ran_out.load(Ordering::Relaxed)
    }

    /// Waits until `take` yields a token (see [`wait_for_token`]), at the latest until
    /// `deadline` or the flush's deadline, whichever comes first.
    async fn wait(
        &self,
        deadline: Instant,
        take: impl FnMut() -> Result<Result<(), Duration>, ApiError>,
    ) -> Result<(), ApiError> {
        if wait_for_token(deadline.min(self.deadline), take).await? {
            Ok(())
        } else {
            self.ran_out.store(true, Ordering::Relaxed);
            Err(no_token_in_time())
        }
    }
}

impl Gate for SharedLimit {
    fn admit(&self, deadline: Instant) -> Admission<'_> {
        Box::pin(self.wait(deadline, || {
            self.outbox
                .take_token(&self.key, self.per_second, SystemTime::now())
                .map_err(|error| ApiError::Transport {
                    kind: TransportKind::Io,
                    message: format!("the shared rate limit cannot be read: {error}"),
                })
        }))
    }
}

/// The gate of one delivery: a token of the shared limit, then the record's fence.
pub struct Fenced {
    limit: Arc<SharedLimit>,
    claimed: Claimed,
    lease: Duration,
    lost: AtomicBool,
}

impl Fenced {
    /// Requests for `claimed` under `limit`; each extends the lease to `lease` from its
    /// admission (the call timeout and a margin).
    pub fn new(limit: Arc<SharedLimit>, claimed: Claimed, lease: Duration) -> Self {
        Fenced {
            limit,
            claimed,
            lease,
            lost: AtomicBool::new(false),
        }
    }

    /// Whether a request was refused because another worker took the record over.
    pub fn lost(&self) -> bool {
        self.lost.load(Ordering::Relaxed)
    }
}

impl Gate for Fenced {
    fn admit(&self, deadline: Instant) -> Admission<'_> {
        let limit = &self.limit;
        Box::pin(limit.wait(deadline, || {
            let now = SystemTime::now();
            let until = now.checked_add(self.lease).unwrap_or(now);
            limit
                .outbox
                .renew_and_take_token(&self.claimed, until, &limit.key, limit.per_second, now)
                .map_err(|error| {
                    if matches!(error, OutboxError::LeaseLost { .. }) {
                        self.lost.store(true, Ordering::Relaxed);
                    }
                    ApiError::Transport {
                        kind: TransportKind::Io,
                        message: format!("not sent: {error}"),
                    }
                })
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn every_request_takes_a_shared_token_and_none_waits_past_the_deadline() {
        let dir = std::env::temp_dir().join(format!("modretailcrm-pacing-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let outbox = Arc::new(Outbox::open(&dir.join("outbox.sqlite")).unwrap());
        let soon = Instant::now() + Duration::from_millis(200);
        let gate = SharedLimit::new(Arc::clone(&outbox), "key-a".into(), 1, soon);
        let far = Instant::now() + Duration::from_secs(60);
        crate::runtime::block_on(async {
            assert!(gate.admit(far).await.is_ok());
            assert!(!gate.ran_out());
            // The bucket is empty; the next token comes in a second, after the deadline.
            assert!(gate.admit(far).await.is_err());
            assert!(gate.ran_out());
        })
        .unwrap();
        // Another flush (another process, say) finds the same bucket empty.
        let other = SharedLimit::new(outbox, "key-a".into(), 1, soon);
        crate::runtime::block_on(async { assert!(other.admit(far).await.is_err()) }).unwrap();
        let _ = std::fs::remove_dir_all(&dir);
    }
}
