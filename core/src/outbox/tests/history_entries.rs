//! The CRM's status changes kept until the site has them: the cursor moves only past settled
//! entries and never back, the site's own entries are settled from the start, an entry handed
//! out too often without a confirmation is set aside, retry puts set-aside entries back.

use serde_json::json;

use super::{at, each_backend, put};
use crate::outbox::{Confirmation, HistoryEntry, MAX_RETURNS, NewRecord, Outbox, Settlement};

fn entry(id: i64, order: &str, own: bool) -> HistoryEntry {
    HistoryEntry {
        history_id: id,
        crm_order: json!({"externalId": order}),
        code: "complete".into(),
        changed_at: at(id as u64),
        own,
    }
}

fn pending_ids(outbox: &Outbox) -> Vec<i64> {
    outbox
        .take_pending_history(100, at(0))
        .unwrap()
        .iter()
        .map(|e| e.history_id)
        .collect()
}

#[test]
fn the_cursor_moves_only_past_settled_entries_and_never_back() {
    each_backend("history-cursor", |store| {
        let outbox = store.open();
        assert_eq!(outbox.history_read_position().unwrap(), None);
        assert_eq!(outbox.start_history(10, at(0)).unwrap(), 10);
        assert_eq!(outbox.start_history(99, at(1)).unwrap(), 10, "set once");
        // Entries 11 (own), 12, 14 of interest; 13 and 15 read and passed over.
        outbox
            .store_history(
                &[
                    entry(11, "a", true),
                    entry(12, "a", false),
                    entry(14, "b", false),
                ],
                15,
                at(2),
            )
            .unwrap();
        assert_eq!(
            outbox.history_cursor().unwrap(),
            Some(11),
            "before the first pending"
        );
        assert_eq!(outbox.history_read_position().unwrap(), Some(15));
        // Stored again (a page read twice): nothing changes.
        outbox
            .store_history(&[entry(12, "a", false)], 15, at(3))
            .unwrap();
        assert_eq!(pending_ids(&outbox), [12, 14]);
        assert_eq!(
            outbox
                .settle_history(14, Settlement::Applied, at(4))
                .unwrap(),
            Confirmation::Settled
        );
        assert_eq!(
            outbox.history_cursor().unwrap(),
            Some(11),
            "12 still pending"
        );
        outbox
            .settle_history(12, Settlement::SetAside("no such order"), at(5))
            .unwrap();
        assert_eq!(
            outbox.history_cursor().unwrap(),
            Some(15),
            "all settled: the read position"
        );
        assert_eq!(
            outbox
                .settle_history(12, Settlement::Applied, at(6))
                .unwrap(),
            Confirmation::AlreadySettled
        );
        assert_eq!(
            outbox
                .settle_history(77, Settlement::Applied, at(6))
                .unwrap(),
            Confirmation::Unknown
        );
        // Retried, entry 12 is pending again; the cursor stays.
        assert_eq!(outbox.retry_history().unwrap(), 1);
        assert_eq!(outbox.history_cursor().unwrap(), Some(15));
        assert_eq!(pending_ids(&outbox), [12]);
        let status = outbox.history_status().unwrap();
        assert_eq!(
            (
                status.cursor,
                status.read,
                status.pending,
                status.set_aside_count
            ),
            (Some(15), Some(15), 1, 0)
        );
        assert_eq!(status.latest.map(|(id, _)| id), Some(15));
        // A later applied entry of the order (the own entry 11 does not count: it is older).
        assert_eq!(outbox.later_applied_history("a", 12).unwrap(), None);
        assert_eq!(outbox.later_applied_history("a", 10).unwrap(), Some(11));
        assert_eq!(outbox.later_applied_history("b", 12).unwrap(), Some(14));
    });
}

#[test]
fn an_entry_handed_out_too_often_without_a_confirmation_is_set_aside() {
    each_backend("history-returns", |store| {
        let outbox = store.open();
        outbox.start_history(0, at(0)).unwrap();
        outbox
            .store_history(&[entry(1, "a", false)], 1, at(1))
            .unwrap();
        for _ in 0..MAX_RETURNS {
            assert_eq!(pending_ids(&outbox), [1]);
        }
        assert_eq!(pending_ids(&outbox), Vec::<i64>::new());
        let status = outbox.history_status().unwrap();
        assert_eq!((status.pending, status.set_aside_count), (0, 1));
        assert!(
            status.set_aside[0].reason.contains("never confirmed"),
            "{}",
            status.set_aside[0].reason
        );
        assert_eq!(status.cursor, Some(1));
    });
}

#[test]
fn the_sites_last_status_change_of_an_order_is_the_latest_queued_with_a_status() {
    each_backend("history-site-change", |store| {
        let outbox = store.open();
        let record = |kind: &str, payload| NewRecord {
            kind: kind.into(),
            entity_key: "order:2611-1".into(),
            payload,
            depends_on: vec![],
            destination: None,
        };
        assert_eq!(outbox.site_status_changed_at("2611-1").unwrap(), None);
        put(
            &outbox,
            &record("order.create", json!({"status": "new"})),
            at(10),
        );
        put(
            &outbox,
            &record("order.edit", json!({"status": "complete"})),
            at(20),
        );
        put(
            &outbox,
            &record("order.edit", json!({"managerComment": "x"})),
            at(30),
        );
        put(
            &outbox,
            &record("payment.edit", json!({"status": "paid"})),
            at(40),
        );
        assert_eq!(
            outbox.site_status_changed_at("2611-1").unwrap(),
            Some(at(20))
        );
        assert_eq!(outbox.site_status_changed_at("2611-2").unwrap(), None);
    });
}

#[test]
fn settled_entries_are_purged_unless_an_entry_still_to_hand_out_may_need_them() {
    each_backend("history-purge", |store| {
        let outbox = store.open();
        outbox.start_history(0, at(0)).unwrap();
        let entries: Vec<HistoryEntry> = (1..=4).map(|id| entry(id, "a", false)).collect();
        outbox.store_history(&entries, 4, at(0)).unwrap();
        outbox
            .settle_history(1, Settlement::Applied, at(10))
            .unwrap();
        outbox
            .settle_history(2, Settlement::SetAside("unmapped"), at(10))
            .unwrap();
        outbox
            .settle_history(3, Settlement::Skipped("stale"), at(10))
            .unwrap();
        outbox
            .settle_history(4, Settlement::Applied, at(30))
            .unwrap();
        assert_eq!(
            outbox.purge_history(at(20)).unwrap(),
            1,
            "entry 1 only: 3 is after set-aside 2"
        );
        outbox.retry_history().unwrap();
        outbox
            .settle_history(2, Settlement::Applied, at(40))
            .unwrap();
        assert_eq!(outbox.purge_history(at(50)).unwrap(), 3);
        assert_eq!(outbox.history_status().unwrap().cursor, Some(4));
    });
}
