//! The CRM's status changes reach the site exactly once through `orders/history`, against the
//! CRM sandbox and a real outbox file: many changes over several pages, the site's own
//! changes mixed in, a poison entry, a process that dies between applying and confirming, and
//! a CRM change older than the site's own later change.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use modretailcrm_core::api::client::{By, Client, ClientSettings, Entity};
use modretailcrm_core::api::crm_url::{ApiKey, CrmUrl};
use modretailcrm_core::api::transport::TransportSettings;
use modretailcrm_core::config::IntegrationSettings;
use modretailcrm_core::outbox::{Confirmation, NewRecord};
use modretailcrm_core::runtime::block_on;
use modretailcrm_core::sync::change::Change;
use modretailcrm_core::sync::engine::{Engine, LockWait};
use modretailcrm_core::sync::inbound::SiteStatuses;
use modretailcrm_core::sync::inbound::history::{
    Action, HistoryError, HistorySync, MAX_PAGES, Pulled,
};
use serde_json::{Value, json};

use common::hostile::{Hostile, HostileServer};
use common::{RunningSandbox, SANDBOX_KEY, control, sandbox};

/// The site's statuses and their CRM codes; all synced. `cancel-other` is held by none.
const CODES: [(u64, &str); 5] = [
    (1, "new"),
    (2, "client-confirmed"),
    (3, "assembling"),
    (4, "delivering"),
    (5, "complete"),
];

const BUDGET: Duration = Duration::from_secs(30);

struct Shop {
    dir: PathBuf,
    settings: IntegrationSettings,
    statuses: SiteStatuses,
    /// The site's orders: number → status.
    orders: BTreeMap<String, u64>,
    /// How many times each history entry changed a site order's status.
    applications: BTreeMap<String, u32>,
}

impl Shop {
    fn new(sandbox: &RunningSandbox, name: &str) -> Shop {
        Shop::at(&sandbox.url(), name)
    }

    /// A shop whose CRM is at `url`.
    fn at(url: &str, name: &str) -> Shop {
        let dir = std::env::temp_dir().join(format!(
            "modretailcrm-history-{name}-{}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        let raw = json!({
            "modretailcrm_url": url, "modretailcrm_apiKey": SANDBOX_KEY,
            "modretailcrm_siteCode": "shop", "modretailcrm_queue_path": dir.join("outbox.sqlite"),
            "modretailcrm_send_mode": "queue", "modretailcrm_log_file": dir.join("api.log"),
            "modretailcrm_sync_statuses": "1,2,3,4,5", "modretailcrm_timeout": "5",
        });
        let settings = IntegrationSettings::parse(raw.as_object().unwrap())
            .unwrap()
            .unwrap();
        let codes: serde_json::Map<String, Value> = CODES
            .iter()
            .map(|(id, code)| (id.to_string(), json!(code)))
            .collect();
        let statuses = SiteStatuses::from_json(&Value::Object(codes), &[1, 2, 3, 4, 5]).unwrap();
        Shop {
            dir,
            settings,
            statuses,
            orders: BTreeMap::new(),
            applications: BTreeMap::new(),
        }
    }

    /// A new process of the site: its own engine and history sync.
    /// Creates order `external_id` in the CRM through `crm`, and on the site with status 1.
    fn create_order(&mut self, crm: &Client, external_id: &str) {
        block_on(crm.create(
            Entity::Order,
            json!({"externalId": external_id, "firstName": "Анна"}),
            Some("shop"),
        ))
        .unwrap()
        .unwrap();
        self.orders.insert(external_id.replace('-', "/"), 1);
    }

    fn process(&self) -> (Engine, HistorySync) {
        (
            Engine::open(self.settings.clone(), None).unwrap(),
            HistorySync::new(),
        )
    }

    fn pull(&self, engine: &Engine, sync: &HistorySync) -> Vec<Action> {
        match sync.pull(engine, &self.statuses, BUDGET).unwrap() {
            Pulled::Actions(actions) => actions,
            Pulled::Busy => panic!("no other pull runs"),
        }
    }

    /// What the plugin does with an action: miniShop2's status change, unless the order has
    /// that status already.
    fn apply(&mut self, action: &Action) {
        let status = self.orders.get_mut(&action.order).expect("a site order");
        if *status != action.status {
            *status = action.status;
            *self.applications.entry(action.id.clone()).or_default() += 1;
        }
    }

    /// Applies and confirms every action.
    fn apply_all(&mut self, engine: &Engine, sync: &HistorySync, actions: &[Action]) {
        for action in actions {
            self.apply(action);
            assert_eq!(
                sync.applied(engine, &action.id, None).unwrap(),
                Confirmation::Settled
            );
        }
    }
}

impl Drop for Shop {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn crm(sandbox: &RunningSandbox, key: &str) -> Client {
    Client::new(
        ClientSettings {
            url: CrmUrl::parse(&sandbox.url()).unwrap(),
            api_key: ApiKey::parse(key).unwrap(),
            site: Some("shop".into()),
            transport: TransportSettings {
                rate_limit: 0,
                ..TransportSettings::default()
            },
        },
        None,
    )
}

/// A manager changes the order's status in the CRM.
fn manager_sets(sandbox: &RunningSandbox, external_id: &str, code: &str) {
    let answer = control(
        sandbox,
        "POST",
        &format!("orders/{external_id}/status"),
        json!({ "status": code }),
    );
    assert_eq!(answer["success"], true, "{answer}");
}

/// A program with API key `crm`'s changes the order's status.
fn api_sets(crm: &Client, external_id: &str, code: &str) {
    block_on(crm.edit(
        Entity::Order,
        json!({"externalId": external_id, "status": code}),
        By::ExternalId,
        Some("shop"),
    ))
    .unwrap()
    .unwrap();
}

fn history_length(sandbox: &RunningSandbox) -> i64 {
    control(sandbox, "GET", "state", Value::Null)["history"]["orders"]
        .as_i64()
        .unwrap()
}

fn crm_statuses(sandbox: &RunningSandbox) -> BTreeMap<String, String> {
    control(sandbox, "GET", "state", Value::Null)["orders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["externalId"].as_str().unwrap().to_string(),
                o["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn site_status_of(code: &str) -> u64 {
    CODES.iter().find(|(_, c)| *c == code).unwrap().0
}

#[test]
fn many_changes_over_pages_reach_the_site_exactly_once_through_a_crash() {
    let sandbox = sandbox();
    let mut shop = Shop::new(&sandbox, "pages");
    let ours = crm(&sandbox, SANDBOX_KEY);
    let theirs = crm(&sandbox, "other-key");
    let orders: Vec<String> = (1..=10).map(|n| format!("2612-{n}")).collect();
    for external_id in &orders {
        shop.create_order(&ours, external_id);
    }

    // The first pull starts from the CRM's latest entry: the creations are not applied.
    let (engine, sync) = shop.process();
    assert!(shop.pull(&engine, &sync).is_empty());
    let start = history_length(&sandbox);
    assert_eq!(engine.outbox().history_cursor().unwrap(), Some(start));

    // 250 changes: managers', another program's, and the site's own (sent with our key, so
    // the site has them already); one poison entry (a code no site status holds) amid them.
    let poison_at = 125;
    let mut own = 0;
    for i in 0..250usize {
        let (order, round) = (i % 10, i / 10);
        let external_id = &orders[order];
        let code = if i == poison_at {
            "cancel-other"
        } else {
            CODES[1 + (round + order) % 4].1
        };
        match i % 50 {
            7 => {
                api_sets(&ours, external_id, code);
                shop.orders
                    .insert(external_id.replace('-', "/"), site_status_of(code));
                own += 1;
            }
            _ if i % 3 == 1 => api_sets(&theirs, external_id, code),
            _ => manager_sets(&sandbox, external_id, code),
        }
    }
    let latest = history_length(&sandbox);
    assert_eq!(latest - start, 250, "one entry per change");

    control(&sandbox, "DELETE", "requests", Value::Null);
    let actions = shop.pull(&engine, &sync);
    let reads: Vec<String> = control(&sandbox, "GET", "requests", Value::Null)["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["query"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(reads.len(), 3, "three pages of 100: {reads:?}");
    assert!(
        reads[0].contains(&format!("filter%5BsinceId%5D={start}")),
        "{reads:?}"
    );
    let status = engine.outbox().history_status().unwrap();
    let skipped = status.skipped as usize;
    assert!(
        skipped > 0,
        "older changes the site's own change came after"
    );
    assert_eq!(status.set_aside_count, 1, "the poison entry");
    assert_eq!(
        actions.len(),
        250 - own - 1 - skipped,
        "every change but the site's own, those older than them and the poison"
    );
    let poison_id = (start + 1 + poison_at as i64).to_string();
    assert!(actions.iter().all(|a| a.id != poison_id));

    // A second worker finds the pull under way.
    let (other_engine, other_sync) = shop.process();
    assert_eq!(
        other_sync
            .pull(&other_engine, &shop.statuses, BUDGET)
            .unwrap(),
        Pulled::Busy
    );

    // The process dies after applying the 41st action, before confirming it.
    shop.apply_all(&engine, &sync, &actions[..40]);
    shop.apply(&actions[40]);
    let cursor = engine.outbox().history_cursor().unwrap().unwrap();
    assert!(
        cursor < actions[40].id.parse::<i64>().unwrap(),
        "the cursor stays before the unconfirmed change"
    );
    drop(sync);
    drop(engine);

    // The next process is handed the unconfirmed change again, applies it (nothing to
    // change) and the rest.
    let (engine, sync) = shop.process();
    let again = shop.pull(&engine, &sync);
    assert_eq!(
        again,
        actions[40..].to_vec(),
        "the same actions, nothing new read"
    );
    shop.apply_all(&engine, &sync, &again);
    assert!(shop.pull(&engine, &sync).is_empty());

    // Exactly the CRM's statuses, each change applied at most once.
    let expected: BTreeMap<String, u64> = crm_statuses(&sandbox)
        .into_iter()
        .map(|(external_id, code)| (external_id.replace('-', "/"), site_status_of(&code)))
        .collect();
    assert_eq!(shop.orders, expected);
    assert!(
        shop.applications.values().all(|n| *n == 1),
        "no double application: {:?}",
        shop.applications
    );
    let handed: BTreeSet<&String> = actions.iter().map(|a| &a.id).collect();
    assert_eq!(handed.len(), actions.len());

    let status = engine.outbox().history_status().unwrap();
    assert_eq!(status.cursor, Some(latest), "every entry settled");
    assert_eq!(status.latest.map(|(id, _)| id), Some(latest));
    assert_eq!(status.pending, 0);
    assert_eq!(status.set_aside_count, 1);
    assert_eq!(status.set_aside[0].entry.history_id.to_string(), poison_id);
    assert!(
        status.set_aside[0].reason.contains("\"cancel-other\""),
        "{}",
        status.set_aside[0].reason
    );
    // Retried, the poison entry does not revert the order: later changes were applied.
    assert_eq!(engine.outbox().retry_history().unwrap(), 1);
    assert_eq!(engine.outbox().history_status().unwrap().pending, 1);
    assert!(shop.pull(&engine, &sync).is_empty());
    let status = engine.outbox().history_status().unwrap();
    assert_eq!(
        (
            status.pending,
            status.set_aside_count,
            status.skipped as usize
        ),
        (0, 0, skipped + 1)
    );
    assert_eq!(status.cursor, Some(latest));
}

#[test]
fn an_old_crm_change_does_not_revert_a_newer_site_change() {
    let sandbox = sandbox();
    let mut shop = Shop::new(&sandbox, "stale");
    let ours = crm(&sandbox, SANDBOX_KEY);
    for external_id in ["2612-1", "2612-2"] {
        shop.create_order(&ours, external_id);
    }
    let (engine, sync) = shop.process();
    assert!(shop.pull(&engine, &sync).is_empty());

    manager_sets(&sandbox, "2612-1", "assembling");
    manager_sets(&sandbox, "2612-2", "assembling");
    // The site changed order 1 after the manager did (its change is still queued), and
    // order 2 before.
    let now = SystemTime::now();
    for (external_id, at) in [
        ("2612-1", now + Duration::from_secs(5)),
        ("2612-2", now - Duration::from_secs(5)),
    ] {
        let record = NewRecord {
            kind: "order.edit".into(),
            entity_key: format!("order:{external_id}"),
            payload: json!({"externalId": external_id, "status": "complete"}),
            depends_on: vec![],
            destination: None,
        };
        engine.outbox().enqueue(&record, at).unwrap();
    }
    shop.orders.insert("2612/1".into(), 5);
    shop.orders.insert("2612/2".into(), 5);

    let actions = shop.pull(&engine, &sync);
    assert_eq!(
        actions
            .iter()
            .map(|a| (a.order.as_str(), a.status))
            .collect::<Vec<_>>(),
        [("2612/2", 3)]
    );
    shop.apply_all(&engine, &sync, &actions);
    assert_eq!(shop.orders["2612/1"], 5, "the site's newer status stays");
    assert_eq!(shop.orders["2612/2"], 3, "the CRM's newer status applies");
    let status = engine.outbox().history_status().unwrap();
    assert_eq!((status.set_aside_count, status.skipped), (0, 1));
    assert_eq!(status.cursor, Some(history_length(&sandbox)));
}

#[test]
fn history_reads_take_tokens_of_the_rate_limit_deliveries_share() {
    let sandbox = sandbox();
    let mut shop = Shop::new(&sandbox, "rate");
    shop.settings.rate_limit = 1;
    let (engine, sync) = shop.process();
    let customer = json!({"externalId": "rate-1", "firstName": "Анна"});
    engine
        .enqueue(&Change::parse("customer.create", customer).unwrap())
        .unwrap();
    // The delivery takes the one token of this second…
    let report = block_on(engine.flush(BUDGET, None, LockWait::Wait))
        .unwrap()
        .unwrap();
    assert_eq!(report.delivered, 1);
    control(&sandbox, "DELETE", "requests", Value::Null);
    // … so a read that may not wait for the next one is not sent.
    let refused = sync.pull(&engine, &shop.statuses, Duration::from_millis(300));
    assert!(matches!(refused, Err(HistoryError::Api(_))), "{refused:?}");
    assert_eq!(
        control(&sandbox, "GET", "requests", Value::Null)["requests"],
        json!([]),
        "nothing was sent"
    );
    assert_eq!(engine.outbox().history_cursor().unwrap(), None);
    // With time to wait for it, the read goes.
    assert!(shop.pull(&engine, &sync).is_empty());
    assert!(engine.outbox().history_cursor().unwrap().is_some());
}

#[test]
fn a_hostile_crm_stores_nothing_it_must_not_and_reads_a_bounded_number_of_pages() {
    let long_id = "x".repeat(300);
    let status_entry = |id: &str, external_id: &str| {
        format!(
            r#"{{"id":{id},"createdAt":"2026-12-06 12:00:00","field":"status","newValue":{{"code":"complete"}},
               "order":{{"id":1,"externalId":"{external_id}","site":"shop"}}}}"#
        )
    };
    let cases = [
        // Not a history: refused, nothing moves.
        (r#"{"success":true,"history":{"1":{}}}"#.to_string(), false, 1),
        ("[1,2,3]".to_string(), false, 1),
        // Pages that never end: at most MAX_PAGES requests.
        (
            r#"{"success":true,"history":[],"pagination":{"currentPage":1,"totalPageCount":999999999}}"#
                .to_string(),
            true,
            MAX_PAGES as usize,
        ),
        // Ids that are not after the read position, not numbers, or an order id too long.
        (
            format!(
                r#"{{"success":true,"history":[{},{},{},{}]}}"#,
                status_entry("0", "2612-1"),
                status_entry("\"7\"", "2612-1"),
                status_entry("-4", "2612-1"),
                status_entry("9", &long_id)
            ),
            true,
            1,
        ),
    ];
    for (n, (body, accepted, requests)) in cases.into_iter().enumerate() {
        let server = HostileServer::start(Hostile::json(200, &body));
        let shop = Shop::at(server.url(), &format!("hostile-{n}"));
        let (engine, sync) = shop.process();
        engine.outbox().start_history(0, SystemTime::now()).unwrap();
        let pulled = sync.pull(&engine, &shop.statuses, BUDGET);
        match (&pulled, accepted) {
            (Ok(Pulled::Actions(actions)), true) => assert!(actions.is_empty(), "{body}"),
            (Err(HistoryError::Answer(_) | HistoryError::Api(_)), false) => {}
            other => panic!("{body}: {other:?}"),
        }
        assert_eq!(server.requests().len(), requests, "{body}");
        let status = engine.outbox().history_status().unwrap();
        assert_eq!(
            (status.pending, status.set_aside_count, status.cursor),
            (0, 0, Some(if accepted && n == 3 { 9 } else { 0 })),
            "{body}"
        );
    }
}
