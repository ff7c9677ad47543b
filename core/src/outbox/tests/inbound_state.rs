//! Named values of the CRM → site direction, shared through the file.

use std::time::{Duration, UNIX_EPOCH};

use super::each_backend;

#[test]
fn inbound_state_is_shared_by_every_handle_and_keeps_when_it_was_set() {
    each_backend("inbound-state", |store| {
        let outbox = store.open();
        assert_eq!(outbox.inbound_state("history_since_id").unwrap(), None);
        let at = UNIX_EPOCH + Duration::from_millis(1_765_000_000_123);
        outbox
            .set_inbound_state("history_since_id", "41", at)
            .unwrap();
        outbox
            .set_inbound_state("history_since_id", "42", at + Duration::from_secs(1))
            .unwrap();
        let other_process = store.open();
        assert_eq!(
            other_process.inbound_state("history_since_id").unwrap(),
            Some(("42".to_string(), at + Duration::from_secs(1)))
        );
    });
}
