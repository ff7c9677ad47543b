//! Where an upload stands, kept in the outbox file as a named value
//! ([`Outbox::inbound_state`]) so that an interrupted run resumes where it stopped: the last
//! site id done, the counts, the entities the CRM refused with its reason, and the batch in
//! flight (sent, its answer not yet recorded).

use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use super::Kind;
use crate::outbox::{Outbox, OutboxError};

/// The most refusals a checkpoint keeps with their reason (the rest are counted).
pub const FAILURES_KEPT: usize = 1000;

/// An entity the CRM (or the mapping) refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failure {
    /// The site id (user id, order id).
    pub id: i64,
    /// The `externalId` it was sent under ("" when it could not be mapped).
    #[serde(rename = "externalId")]
    pub external_id: String,
    /// Why, in the CRM's words (or the mapping's).
    pub reason: String,
}

/// The state of one kind's upload.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// What the run selects (`all` or `since …`); a run with another selection starts over.
    pub selection: String,
    /// Every site id up to this one is done.
    pub after: i64,
    /// Entities the CRM took.
    pub uploaded: u64,
    /// CRM customers linked to their site user (`customers/fix-external-ids`).
    pub linked: u64,
    /// Entities the CRM had already.
    pub skipped: u64,
    /// Entities refused.
    pub failed: u64,
    /// The first [`FAILURES_KEPT`] refusals.
    pub failures: Vec<Failure>,
    /// The `externalId`s of the batch sent whose answer was not recorded yet.
    pub in_flight: Vec<String>,
    /// When the run started and ended (Unix seconds).
    pub started_at: u64,
    /// `None` while it runs (or was interrupted).
    pub finished_at: Option<u64>,
}

impl Checkpoint {
    /// The named value an upload of `kind` is kept under.
    pub fn name(kind: Kind) -> String {
        format!("upload.{}", kind.plural())
    }

    /// The checkpoint of `kind`, or a fresh one when none was kept, it cannot be read, or it
    /// was for another selection (the batch in flight is kept: the CRM may have it).
    pub fn load(outbox: &Outbox, kind: Kind, selection: &str) -> Result<Checkpoint, OutboxError> {
        let kept: Checkpoint = outbox
            .inbound_state(&Checkpoint::name(kind))?
            .and_then(|(text, _)| serde_json::from_str(&text).ok())
            .unwrap_or_default();
        if kept.selection == selection && kept.finished_at.is_none() {
            return Ok(kept);
        }
        let fresh = Checkpoint {
            selection: selection.to_string(),
            in_flight: kept.in_flight,
            started_at: unix_now(),
            ..Checkpoint::default()
        };
        // A finished run of the same selection is resumed from its end: a re-run only sends
        // what the shop got since.
        Ok(if kept.selection == selection {
            Checkpoint {
                after: kept.after,
                ..fresh
            }
        } else {
            fresh
        })
    }

    /// Writes the checkpoint, durably when this returns.
    pub fn save(&self, outbox: &Outbox, kind: Kind) -> Result<(), OutboxError> {
        let text = serde_json::to_string(self).unwrap_or_default();
        outbox.set_inbound_state(&Checkpoint::name(kind), &text, SystemTime::now())
    }

    /// Notes a refusal (a second refusal of the same site id replaces the first).
    pub fn fail(&mut self, failure: Failure) {
        if let Some(kept) = self.failures.iter_mut().find(|f| f.id == failure.id) {
            *kept = failure;
            return;
        }
        self.failed += 1;
        if self.failures.len() < FAILURES_KEPT {
            self.failures.push(failure);
        }
    }
}

/// Seconds since the Unix epoch.
pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(id: i64, reason: &str) -> Failure {
        Failure {
            id,
            external_id: id.to_string(),
            reason: reason.into(),
        }
    }

    #[test]
    fn a_refusal_of_the_same_id_replaces_the_first_and_counts_once() {
        let mut checkpoint = Checkpoint::default();
        checkpoint.fail(failure(1, "a"));
        checkpoint.fail(failure(2, "b"));
        checkpoint.fail(failure(1, "c"));
        assert_eq!(checkpoint.failed, 2);
        assert_eq!(checkpoint.failures, vec![failure(1, "c"), failure(2, "b")]);
    }

    #[test]
    fn a_run_resumes_its_selection_and_a_finished_one_starts_after_its_end() {
        let dir =
            std::env::temp_dir().join(format!("modretailcrm-checkpoint-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("a folder");
        let outbox = Outbox::open(&dir.join("outbox.sqlite")).expect("an outbox");
        let fresh = Checkpoint::load(&outbox, Kind::Orders, "all").expect("load");
        assert_eq!(
            (fresh.after, fresh.uploaded, fresh.in_flight.len()),
            (0, 0, 0)
        );

        let interrupted = Checkpoint {
            after: 100,
            uploaded: 99,
            in_flight: vec!["101".into()],
            ..fresh
        };
        interrupted.save(&outbox, Kind::Orders).expect("save");
        let resumed = Checkpoint::load(&outbox, Kind::Orders, "all").expect("load");
        assert_eq!(resumed, interrupted, "the same selection resumes as it was");
        let other = Checkpoint::load(&outbox, Kind::Orders, "since 2026-01-01").expect("load");
        assert_eq!(
            (other.after, other.uploaded),
            (0, 0),
            "another selection starts over"
        );
        assert_eq!(
            other.in_flight,
            vec!["101".to_string()],
            "the batch in flight is kept"
        );
        assert_eq!(
            Checkpoint::load(&outbox, Kind::Customers, "all")
                .expect("load")
                .after,
            0,
            "each kind has its own"
        );

        let finished = Checkpoint {
            in_flight: Vec::new(),
            finished_at: Some(1),
            ..resumed
        };
        finished.save(&outbox, Kind::Orders).expect("save");
        let again = Checkpoint::load(&outbox, Kind::Orders, "all").expect("load");
        assert_eq!(
            (again.after, again.uploaded, again.finished_at),
            (100, 0, None)
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn refusals_beyond_the_kept_number_are_counted_only() {
        let mut checkpoint = Checkpoint::default();
        for id in 0..(FAILURES_KEPT as i64 + 5) {
            checkpoint.fail(failure(id, "x"));
        }
        assert_eq!(checkpoint.failed, FAILURES_KEPT as u64 + 5);
        assert_eq!(checkpoint.failures.len(), FAILURES_KEPT);
    }
}
