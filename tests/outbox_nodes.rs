//! The outbox in MySQL/MariaDB shared by several web nodes (modretailcrm_queue_backend =
//! mysql), each a separate `php` process with its own connection, on a private MariaDB
//! server (`core/tests/common/mariadb.rs`) and the CRM sandbox: every order's create is
//! queued on one node and its status change on another, the CRM flaps, one node is killed
//! with -9 in the middle of a delivery — and every change reaches the CRM, once, in order,
//! within the one rate limit all nodes share. Besides, through the extension: moving the
//! queue between the file and the database, and the clear refusals
//! (tests/php/outbox_mysql.php).

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Child;

use common::mariadb::{PASSWORD, PrivateMariaDb, USER};
use common::shop::{Shop, requests, state, wait_for_requests};
use common::{
    RunningSandbox, SANDBOX_KEY, SandboxConfig, assert_php_passed, control, extension, php, sandbox,
};
use modretailcrm_core::api::ratelimit::bucket;
use serde_json::{Value, json};

/// The settings that put a shop's outbox in database `database` of the private server.
fn in_database(database: &str) -> Value {
    json!({
        "modretailcrm_queue_backend": "mysql",
        "modretailcrm_queue_dsn": PrivateMariaDb::shared().dsn(database),
        "modretailcrm_queue_user": USER,
        "modretailcrm_queue_password": PASSWORD,
        "modretailcrm_queue_table_prefix": "modx_",
    })
}

#[test]
fn the_queue_moves_between_the_file_and_the_database_and_refusals_are_clear() {
    let server = PrivateMariaDb::shared();
    let database = server.database("php");
    let sandbox = sandbox();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/php/outbox_mysql.php");
    let output = php(
        &[script.to_str().unwrap_or_default()],
        &[
            ("CRM_URL", &sandbox.url()),
            ("CRM_KEY", SANDBOX_KEY),
            ("QUEUE_DSN", &server.dsn(&database)),
            ("QUEUE_USER", USER),
            ("QUEUE_PASSWORD", PASSWORD),
            ("MODRETAILCRM_SO", &extension().display().to_string()),
        ],
    );
    assert_php_passed("outbox_mysql.php", &output);
}

/// Orders, each with its customer: 3 changes an order.
const ORDERS: usize = 300;
/// The web nodes.
const NODES: usize = 3;
/// The sandbox's limit, requests a second (the shops' setting too). Scaled up from
/// RetailCRM's 10 so that the 900 changes take about 50 s rather than 100.
const RATE: u32 = 20;

/// Starts one worker on each node and returns them.
fn on_each_node(nodes: &[Shop], args: impl Fn(usize) -> Vec<String>) -> Vec<Child> {
    nodes
        .iter()
        .enumerate()
        .map(|(n, node)| {
            let args = args(n);
            node.worker(&args.iter().map(String::as_str).collect::<Vec<_>>())
        })
        .collect()
}

/// Waits for `workers`, failing with their output unless each succeeded.
fn all_succeed(workers: Vec<Child>) {
    for worker in workers {
        let output = worker.wait_with_output().expect("wait");
        assert!(
            output.status.success(),
            "a node failed: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

#[test]
fn three_nodes_deliver_every_change_once_in_order_through_flaps_and_a_killed_node() {
    let config = SandboxConfig {
        rate_limit_per_second: RATE,
        ..SandboxConfig::default()
    };
    let sandbox = RunningSandbox::spawn_blocking(config).expect("the sandbox starts");
    let database = PrivateMariaDb::shared().database("nodes");
    let mut settings = in_database(&database);
    settings["modretailcrm_rate_limit"] = json!(RATE.to_string());
    settings["modretailcrm_timeout"] = json!("3");
    let nodes: Vec<Shop> = (0..NODES)
        .map(|n| Shop::new(&sandbox, &format!("node-{n}"), settings.clone()))
        .collect();
    let (orders, count) = (ORDERS.to_string(), NODES.to_string());

    // Every node queues its share of the creates at once, then its share of the status
    // changes: each order's change is queued on the node after the one that created it.
    for phase in ["creates", "edits"] {
        all_succeed(on_each_node(&nodes, |n| {
            [phase, "nodes", &orders, &n.to_string(), &count]
                .map(String::from)
                .to_vec()
        }));
    }

    // Every node delivers; the CRM drops connections now and then; node 2 dies with -9
    // in the middle of it (its lease runs out, another node takes its record over).
    let mut drainers = on_each_node(&nodes, |_| vec!["drain".into(), "240".into()]);
    for (flap, at) in [100, 250, 400, 550, 700].into_iter().enumerate() {
        wait_for_requests(&sandbox, at);
        control(
            &sandbox,
            "POST",
            "faults",
            json!({"mode": "reset", "count": 2}),
        );
        if flap == 1 {
            drainers[2].kill().expect("kill -9 node 2");
        }
    }
    let mut killed = drainers.remove(2);
    killed.wait().expect("node 2 ended");
    all_succeed(drainers);
    let last: Value = nodes[0].json(&["drain", "60"]);
    assert_eq!(
        (&last["pending"], &last["dead"]),
        (&json!(0), &json!(0)),
        "{last}"
    );
    let status = nodes[1].json(&["status"]);
    assert_eq!(
        status["delivered"],
        json!(3 * ORDERS),
        "every change delivered: {status}"
    );

    // At the CRM: every customer and order once, each order in its final status.
    let state = state(&sandbox);
    assert_eq!(state["customers"].as_array().map(Vec::len), Some(ORDERS));
    let crm_orders = state["orders"].as_array().expect("orders");
    assert_eq!(crm_orders.len(), ORDERS, "no order twice");
    assert!(
        crm_orders
            .iter()
            .all(|order| order["status"] == "assembling"),
        "every status change arrived after its create"
    );

    // On the wire: one create per customer and order accepted, each status change sent
    // after its order's create, at most the killed node's one change sent again (see
    // `sent_again`), and no request past the shared limit (the sandbox answers 503 to
    // those; the flaps are connection resets, which have no status).
    let log = requests(&sandbox);
    let customers = accepted(&log, "customers", "create");
    let creates = accepted(&log, "orders", "create");
    let edits = accepted(&log, "orders", "edit");
    assert_eq!(customers.len(), ORDERS);
    assert!(
        customers.values().all(|seqs| seqs.len() == 1),
        "a customer twice"
    );
    assert_eq!(creates.len(), ORDERS);
    assert!(
        creates.values().all(|seqs| seqs.len() == 1),
        "an order twice"
    );
    assert_eq!(edits.len(), ORDERS);
    let again = sent_again(&log);
    assert!(again <= 1, "{again} changes sent again");
    for (order, seqs) in &edits {
        let created = creates.get(order).and_then(|seqs| seqs.first());
        assert!(
            created.is_some_and(|created| seqs.iter().all(|edit| edit > created)),
            "order {order}: status change before its create"
        );
    }
    let refused = log
        .iter()
        .filter(|request| request["status"] == 503)
        .count();
    assert_eq!(refused, 0, "requests past the shared limit of {RATE}/s");
    let arrivals: Vec<u64> = log
        .iter()
        .filter_map(|request| request["at_ms"].as_u64())
        .collect();
    assert_eq!(
        arrivals.len(),
        log.len(),
        "the sandbox records arrival times"
    );
    assert_within_shared_bucket(&arrivals);
}

/// Node 0 is killed -9 while the CRM makes its customer's create; node 1 takes the record
/// over once the lease has run out, is told "already exists", finds the customer and sends
/// the create's data as its edit. On the wire that is the killed node's one change sent
/// again, a customer's edit: not a status change of some order (the three nodes' test once
/// counted `customers/c…/edit` among the orders' status changes, 301 of 300).
#[test]
fn a_customer_create_taken_over_from_a_killed_node_is_sent_again_as_its_edit() {
    let sandbox = sandbox();
    let database = PrivateMariaDb::shared().database("taken_over");
    let mut settings = in_database(&database);
    settings["modretailcrm_timeout"] = json!("1");
    let nodes: Vec<Shop> = (0..2)
        .map(|n| Shop::new(&sandbox, &format!("over-{n}"), settings.clone()))
        .collect();
    for phase in ["creates", "edits"] {
        nodes[0].run(&[phase, "over", "1", "0", "1"]);
    }
    // The CRM makes the change, then keeps the answer: the node is killed while waiting.
    control(
        &sandbox,
        "POST",
        "faults",
        json!({"mode": "late_answer", "delay_ms": 60000, "count": 1}),
    );
    let mut doomed = nodes[0].worker(&["drain", "60"]);
    wait_for_requests(&sandbox, 1);
    doomed.kill().expect("kill -9 node 0");
    doomed.wait().expect("node 0 ended");
    let made = state(&sandbox)["customers"].as_array().map(Vec::len);
    assert_eq!(made, Some(1), "the CRM made the customer");

    let last: Value = nodes[1].json(&["drain", "60"]);
    assert_eq!(
        (&last["pending"], &last["dead"]),
        (&json!(0), &json!(0)),
        "{last}"
    );
    let state = state(&sandbox);
    assert_eq!(state["customers"].as_array().map(Vec::len), Some(1));
    assert_eq!(state["orders"][0]["status"], "assembling");
    let log = requests(&sandbox);
    let route = |request: &Value| {
        let path = request["path"].as_str().unwrap_or_default();
        format!(
            "{} {}",
            path.trim_start_matches("/api/v5/"),
            request["status"]
        )
    };
    assert_eq!(
        log.iter().map(route).collect::<Vec<_>>(),
        [
            "customers/create null",
            "customers/create 400",
            "customers/c0 200",
            "customers/c0/edit 200",
            "orders/create 201",
            "orders/over-0/edit 200",
        ]
    );
    let edits = accepted(&log, "orders", "edit");
    assert_eq!(
        edits.keys().collect::<Vec<_>>(),
        ["over-0"],
        "status changes"
    );
    assert_eq!(sent_again(&log), 1);
}

/// No interval between two arrivals at the CRM holds more requests than the nodes' one
/// shared bucket gives: a full bucket plus its refill over the interval (one request of
/// slack for the way from a node to the CRM). The bucket stays below the CRM's own limit
/// (one token in reserve, 90% of its rate), so none is refused.
fn assert_within_shared_bucket(arrivals: &[u64]) {
    let (capacity, rate) = bucket(RATE);
    let mut sorted = arrivals.to_vec();
    sorted.sort_unstable();
    for (i, first) in sorted.iter().enumerate() {
        for (j, last) in sorted.iter().enumerate().skip(i) {
            let allowed = capacity + rate * (last - first) as f64 / 1000.0 + 1.0;
            let count = (j - i + 1) as f64;
            assert!(
                count <= allowed,
                "{count} requests reached the CRM within {} ms (the shared limit allows {allowed:.1})",
                last - first
            );
        }
    }
}

/// The requests of `resource` (`customers`, `orders`) and `action` (`create`, `edit`) the
/// sandbox accepted (answered 200 or 201), by entity: the `seq`s of each entity's
/// `{resource}/create` (the entity named by the `externalId` in its body) or
/// `{resource}/{externalId}/edit`. Other routes (`orders/payments/…`, the read-backs
/// `{resource}/{externalId}`) are not counted.
fn accepted(log: &[Value], resource: &str, action: &str) -> BTreeMap<String, Vec<u64>> {
    let mut by_entity = BTreeMap::<String, Vec<u64>>::new();
    for request in log {
        if !matches!(request["status"].as_u64(), Some(200 | 201)) {
            continue;
        }
        let path = request["path"].as_str().unwrap_or_default();
        let route: Vec<&str> = path
            .strip_prefix("/api/v5/")
            .unwrap_or_default()
            .split('/')
            .collect();
        let entity = match (route.as_slice(), action) {
            ([named, "create"], "create") if *named == resource => body_external_id(request),
            ([named, id, "edit"], "edit") if *named == resource => id.to_string(),
            _ => continue,
        };
        by_entity
            .entry(entity)
            .or_default()
            .push(request["seq"].as_u64().unwrap_or(0));
    }
    by_entity
}

/// How many changes the CRM accepted a second time: an order's status change sent again,
/// or a customer's create that reached the CRM while its node got no answer (killed, or
/// timed out): the next attempt is told "already exists", reads the customer back and
/// sends the create's data as an edit (an order's create is answered so too, but the
/// order's queued status change makes that edit unnecessary).
fn sent_again(log: &[Value]) -> usize {
    let edits_again: usize = accepted(log, "orders", "edit")
        .values()
        .map(|seqs| seqs.len() - 1)
        .sum();
    let customers_edited: usize = accepted(log, "customers", "edit")
        .values()
        .map(Vec::len)
        .sum();
    edits_again + customers_edited
}

/// The `externalId` a create request carries in its form body (`order=` or `customer=`,
/// parsed by the sandbox).
fn body_external_id(request: &Value) -> String {
    let params = &request["params"];
    ["order", "customer"]
        .iter()
        .find_map(|field| params[field]["externalId"].as_str())
        .unwrap_or_default()
        .to_string()
}
