//! A request rate limit shared by every process that uses the outbox file.
//!
//! RetailCRM allows a number of requests per second per API key and answers 503 past it.
//! Each PHP worker and cron run is a separate process (and with the MySQL outbox, each web
//! node a separate server), so the token bucket lives in the outbox: one row per key, which
//! every process and node draws tokens from in a write transaction. The bucket is shaped by
//! [`bucket`]: one token short of the CRM's and refilled at 90% of its rate, so a request that
//! arrives late does not bunch the next ones into a 503.
//! Time comes from the callers' wall clocks: a clock that goes back refills nothing.

use std::time::{Duration, SystemTime};

use super::clock::to_millis;
use super::db::{Tx, args};
use super::error::{Failure, Result};
use super::store::Outbox;
use crate::api::ratelimit::bucket;

impl Outbox {
    /// Takes one token from the bucket of `key` (use a fingerprint of the API key, never the
    /// key itself) at `now`: `Ok(Ok(()))` when the request may go, `Ok(Err(wait))` when the
    /// bucket is empty and the next token comes in `wait`. `per_second` 0 means no limit.
    pub fn take_token(
        &self,
        key: &str,
        per_second: u32,
        now: SystemTime,
    ) -> Result<Result<(), Duration>> {
        if per_second == 0 {
            return Ok(Ok(()));
        }
        self.write(|tx| take(tx, key, per_second, to_millis(now)))
    }
}

/// Takes one token from the bucket of `key` at `now` (milliseconds) in `tx`; see
/// [`Outbox::take_token`]. `per_second` 0 means no limit.
pub(super) fn take(
    tx: &mut dyn Tx,
    key: &str,
    per_second: u32,
    now: i64,
) -> Result<Result<(), Duration>, Failure> {
    if per_second == 0 {
        return Ok(Ok(()));
    }
    let (capacity, rate) = bucket(per_second);
    let stored = match tx.query_opt(
        "SELECT tokens, refilled_at FROM {rate_limits} WHERE `key` = ?",
        args![key],
    )? {
        Some(row) => Some((row.real(0)?, row.int(1)?)),
        None => None,
    };
    let (tokens, refilled_at) = stored.unwrap_or((capacity, now));
    let elapsed = now.saturating_sub(refilled_at).max(0) as f64 / 1000.0;
    // `max` also turns a NaN read from the file into 0.
    let tokens = (tokens.max(0.0) + elapsed * rate).min(capacity);
    if tokens < 1.0 {
        return Ok(Err(Duration::from_secs_f64((1.0 - tokens) / rate)));
    }
    let upsert = tx.dialect().upsert(
        "INSERT INTO {rate_limits} (`key`, tokens, refilled_at) VALUES (?, ?, ?)",
        "`key`",
        &[("tokens", None), ("refilled_at", None)],
    );
    tx.execute(&upsert, args![key, tokens - 1.0, refilled_at.max(now)])?;
    Ok(Ok(()))
}
