//! Records carry the CRM they are for; a flush claims only its own (same site code, and the
//! same address or key). The fence: a lease renewed before each request, refused once taken over.

use std::time::Duration;

use super::super::{Destination, NewRecord, OutboxError};
use super::{at, claim, each_backend, ids, put, record};

fn queued(key: &str, destination: Option<(&str, &str, &str)>) -> NewRecord {
    NewRecord {
        destination: destination.map(to_destination),
        ..record("customer.create", key, &[])
    }
}

fn to_destination((url, site, key): (&str, &str, &str)) -> Destination {
    Destination {
        url: url.into(),
        site: site.into(),
        key_fingerprint: key.into(),
    }
}

#[test]
fn a_flush_claims_its_own_records_across_a_key_rotation_or_an_address_fix_only() {
    each_backend("destination", |store| {
        let outbox = store.open();
        let shop = ("a.retailcrm.ru", "shop", "key-1");
        let legacy = put(&outbox, &queued("customer:0", None), at(0));
        let own = put(&outbox, &queued("customer:1", Some(shop)), at(1));
        let old_key = put(
            &outbox,
            &queued("customer:2", Some(("a.retailcrm.ru", "shop", "key-0"))),
            at(2),
        );
        let typo = put(
            &outbox,
            &queued("customer:3", Some(("a.retailcrn.ru", "shop", "key-1"))),
            at(3),
        );
        let other_site = put(
            &outbox,
            &queued("customer:4", Some(("a.retailcrm.ru", "b-shop", "key-1"))),
            at(4),
        );
        let other_crm = put(
            &outbox,
            &queued("customer:5", Some(("b.retailcrm.ru", "shop", "key-b"))),
            at(5),
        );
        let lease = Duration::from_secs(30);
        let mine = outbox
            .claim_for("a", Some(&to_destination(shop)), at(10), lease, 10)
            .unwrap();
        assert_eq!(ids(&mine), vec![legacy, own, old_key, typo]);
        let pending: Vec<(&str, u64)> = vec![
            ("a.retailcrm.ru site=b-shop", 1),
            ("a.retailcrm.ru site=shop", 2),
            ("a.retailcrn.ru site=shop", 1),
            ("b.retailcrm.ru site=shop", 1),
        ];
        let shown = outbox.status(at(10)).unwrap().pending_by_crm;
        assert_eq!(
            shown
                .iter()
                .map(|(crm, n)| (crm.as_str(), *n))
                .collect::<Vec<_>>(),
            pending,
            "the status says which records wait for which CRM"
        );
        let others = claim(&outbox, "any", at(10));
        assert_eq!(
            ids(&others),
            vec![other_site, other_crm],
            "left to their shops"
        );
    });
}

#[test]
fn a_lease_is_renewed_while_held_and_refused_once_taken_over() {
    each_backend("fence", |store| {
        let outbox = store.open();
        let id = put(&outbox, &record("order.create", "order:1", &[]), at(0));
        let lease = Duration::from_secs(5);
        let renew = |claimed, until| outbox.renew_and_take_token(claimed, until, "key", 0, until);
        let first = outbox.claim("slow", at(0), lease, 1).unwrap().remove(0);
        renew(&first, at(9_000)).unwrap().unwrap();
        assert!(
            claim(&outbox, "other", at(6_000)).is_empty(),
            "renewed past its first end"
        );
        let second = outbox
            .claim("other", at(9_000), lease, 1)
            .unwrap()
            .remove(0);
        assert_eq!(second.id, id);
        assert!(matches!(
            renew(&first, at(9_500)),
            Err(OutboxError::LeaseLost { .. })
        ));
        renew(&second, at(9_500)).unwrap().unwrap();
        assert!(!outbox.has_newer(&second).unwrap());
        put(&outbox, &record("order.edit", "order:1", &[]), at(9_600));
        put(&outbox, &record("order.edit", "order:2", &[]), at(9_700));
        assert!(outbox.has_newer(&second).unwrap());
    });
}
