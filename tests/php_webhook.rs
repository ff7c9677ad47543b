//! The webhook end to end: the CRM sandbox's trigger calls a MODX site (`php -S` running the
//! plugin in the MODX harness, tests/php/webhook_router.php) when a manager changes an order's
//! status. An authenticated call sets the CRM's status through miniShop2's
//! changeOrderStatus() once and sends nothing back; every other call is refused and changes
//! nothing.

mod common;

use std::path::{Path, PathBuf};

use common::builtin_server::BuiltInServer;
use common::{RunningSandbox, SANDBOX_KEY, api_requests, control, php, sandbox};
use modretailcrm_core::api::client::{Client, ClientSettings, Entity};
use modretailcrm_core::api::crm_url::{ApiKey, CrmUrl};
use modretailcrm_core::api::transport::TransportSettings;
use serde_json::{Value, json};

const SECRET: &str = "9f8e7d6c5b4a39281706f5e4d3c2b1a0";

/// A site folder with the router's files, removed when dropped.
struct Site(PathBuf);

impl Site {
    fn new(name: &str) -> Site {
        let dir = std::env::temp_dir().join(format!("modretailcrm-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("a test folder");
        Site(dir)
    }

    fn start(&self, sandbox: &RunningSandbox, secret: &str) -> BuiltInServer {
        let url = sandbox.url();
        let dir = self.0.to_str().expect("a UTF-8 path");
        BuiltInServer::start(
            "webhook_router.php",
            &[
                ("CRM_URL", &url),
                ("CRM_KEY", SANDBOX_KEY),
                ("SITE_DIR", dir),
                ("WEBHOOK_SECRET", secret),
            ],
            &self.0,
        )
    }

    /// The changeOrderStatus() calls so far: (order id, status id).
    fn calls(&self) -> Vec<(i64, i64)> {
        read(&self.0.join("calls.jsonl"))
            .lines()
            .map(|line| {
                let call: Value = serde_json::from_str(line).expect("a call");
                (call[0].as_i64().unwrap(), call[1].as_i64().unwrap())
            })
            .collect()
    }

    /// The site order's status.
    fn status(&self, order: u32) -> i64 {
        let site: Value = serde_json::from_str(&read(&self.0.join("site.json"))).expect("the site");
        site["msOrder"][order.to_string()]["status"]
            .as_i64()
            .expect("a status")
    }

    fn modx_log(&self) -> String {
        read(&self.0.join("modx.log"))
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

/// Creates the CRM's orders of the site's two orders: 2611/1 prepayed, 2611/2 new.
fn crm_orders(sandbox: &RunningSandbox) {
    let client = Client::new(
        ClientSettings {
            url: CrmUrl::parse(&sandbox.url()).unwrap(),
            api_key: ApiKey::parse(SANDBOX_KEY).unwrap(),
            site: Some("shop".into()),
            transport: TransportSettings::default(),
        },
        None,
    );
    for (external_id, status) in [("2611-1", "prepayed"), ("2611-2", "new")] {
        let order = json!({"externalId": external_id, "number": external_id.replace('-', "/"),
            "status": status, "firstName": "Иван"});
        modretailcrm_core::runtime::block_on(client.create(Entity::Order, order, None))
            .unwrap()
            .expect("the sandbox takes the order");
    }
}

/// A manager's change of the CRM order's status; the sandbox answers once its trigger call
/// is over. Returns the HTTP status the site answered the trigger with.
fn manager_sets(sandbox: &RunningSandbox, external_id: &str, status: &str) -> Option<u64> {
    let answer = control(
        sandbox,
        "POST",
        &format!("orders/{external_id}/status"),
        json!({"status": status}),
    );
    assert_eq!(answer["success"], json!(true), "{answer}");
    let calls = control(sandbox, "GET", "triggers", Value::Null);
    calls["triggers"].as_array().unwrap().last().unwrap()["status"].as_u64()
}

/// POSTs the form `body` (with `headers`) to `path`: the status and the body of the answer.
fn post(server: &BuiltInServer, path: &str, headers: &str, body: &[u8]) -> (u16, String) {
    let mut request = format!(
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: {}\r\n{headers}\r\n",
        body.len()
    )
    .into_bytes();
    if !headers.to_ascii_lowercase().contains("content-type") {
        request.splice(
            request.len() - 2..request.len() - 2,
            b"Content-Type: application/x-www-form-urlencoded\r\n"
                .iter()
                .copied(),
        );
    }
    request.extend_from_slice(body);
    let response = String::from_utf8_lossy(&server.send(&request)).into_owned();
    let status = response
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("no status in {response:?}; server log:\n{}", server.log()));
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_string())
        .unwrap_or_default();
    (status, body)
}

#[test]
fn the_crms_status_reaches_the_site_once_and_nothing_else_gets_in() {
    let sandbox = sandbox();
    crm_orders(&sandbox);
    let site = Site::new("webhook-site");
    let server = site.start(&sandbox, SECRET);
    let webhook = format!(
        "http://127.0.0.1:{}/modretailcrm/webhook?secret={SECRET}",
        server.port()
    );
    let trigger = json!({"url": webhook, "method": "POST",
        "params": {"order_id": "{{ order.externalId }}", "status": "{{ order.status.code }}"}});
    control(&sandbox, "POST", "trigger", trigger);
    control(&sandbox, "DELETE", "requests", Value::Null);

    // A manager sets delivering: the site order 1 (Paid) becomes Sent (3) through miniShop2,
    // once; the site read the order and sent nothing back (its msOnChangeOrderStatus ran).
    assert_eq!(
        manager_sets(&sandbox, "2611-1", "delivering"),
        Some(200),
        "{}",
        server.log()
    );
    assert_eq!(site.calls(), [(1, 3)]);
    assert_eq!(site.status(1), 3);
    assert_eq!(api_requests(&sandbox), ["GET /api/v5/orders/2611-1"]);

    // The same call again (a replay): the order has the status, nothing to change.
    let call = format!("order_id=2611-1&status=delivering&secret={SECRET}");
    let (code, body) = post(&server, "/modretailcrm/webhook", "", call.as_bytes());
    assert_eq!(code, 200, "{body}");
    assert_eq!(
        body,
        r#"{"success":true,"order":"2611/1","status":3,"crmStatus":"delivering"}"#
    );
    assert_eq!(site.calls(), [(1, 3)], "no second change");

    // A forged status: the call says complete, the CRM holds new, which order 2 has.
    let forged = format!("order_id=2611-2&status=complete&secret={SECRET}");
    let (code, body) = post(&server, "/modretailcrm/webhook", "", forged.as_bytes());
    assert_eq!(
        (code, body.contains(r#""crmStatus":"new""#)),
        (200, true),
        "{body}"
    );
    assert_eq!(site.calls(), [(1, 3)]);
    assert_eq!(site.status(2), 1);

    // Refused, each with its status and reason, changing nothing.
    let refused = |path: &str, headers: &str, body: &[u8], code: u16, reason: &str| {
        let (got, answer) = post(&server, path, headers, body);
        assert_eq!(got, code, "{path}: {answer}");
        let answer: Value = serde_json::from_str(&answer).expect("a JSON answer");
        assert_eq!(answer["success"], json!(false));
        let message = answer["errorMsg"].as_str().unwrap();
        assert!(message.contains(reason), "{message}");
    };
    refused(
        "/modretailcrm/webhook",
        "",
        b"order_id=2611-2",
        403,
        "secret",
    );
    refused(
        "/modretailcrm/webhook?secret=guessed-secret",
        "",
        b"order_id=2611-2",
        403,
        "secret",
    );
    let wrong_header = "X-Modretailcrm-Secret: 9f8e7d6c5b4a39281706f5e4d3c2b1a1\r\n";
    refused(
        "/modretailcrm/webhook",
        wrong_header,
        b"order_id=2611-2",
        403,
        "secret",
    );
    let path = format!("/modretailcrm/webhook?secret={SECRET}");
    refused(
        &path,
        "",
        b"order_id=9999-9",
        404,
        "no order with externalId 9999-9",
    );
    refused(&path, "", &[b'a'; 70_000], 413, "over 65536 bytes");
    let json = "Content-Type: application/json\r\n";
    refused(
        &path,
        json,
        br#"{"order_id": "2611-2""#,
        400,
        "not valid JSON",
    );
    refused(
        &path,
        json,
        b"{\"order_id\": \"2611-\xff\"}",
        400,
        "not valid UTF-8",
    );
    refused(
        &format!("{path}&status=%FF"),
        "",
        b"order_id=2611-2",
        400,
        "query[status] is not valid UTF-8",
    );
    assert_eq!(site.calls(), [(1, 3)], "nothing refused reached miniShop2");
    assert_eq!((site.status(1), site.status(2)), (3, 1));
    let log = site.modx_log();
    assert_eq!(
        log.matches("refused (403)").count(),
        3,
        "one line per refusal:\n{log}"
    );
    assert!(
        !log.contains(SECRET) && !log.contains("guessed") && !log.contains("b1a1"),
        "{log}"
    );

    // The older component's form, at the site's root, with the secret added to its URL.
    let old = json!({"url": format!("http://127.0.0.1:{}/?secret={SECRET}", server.port()), "method": "POST",
        "params": {"retailCRM_action": "change_status", "order_id": "{{ order.externalId }}",
            "status": "{{ order.status.code }}"}});
    control(&sandbox, "POST", "trigger", old);
    assert_eq!(manager_sets(&sandbox, "2611-2", "prepayed"), Some(200));
    assert_eq!(site.calls(), [(1, 3), (2, 2)]);
    assert_eq!(site.status(2), 2);

    // miniShop2 refuses to leave a final status: 409 with its reason, the status stays.
    assert_eq!(manager_sets(&sandbox, "2611-1", "new"), Some(409));
    assert_eq!(site.calls(), [(1, 3), (2, 2), (1, 1)]);
    assert_eq!(site.status(1), 3);
    assert!(
        site.modx_log().contains("This status is final"),
        "{}",
        site.modx_log()
    );

    // Nothing but the orders' reads went to the CRM.
    let written: Vec<String> = api_requests(&sandbox)
        .into_iter()
        .filter(|request| !request.starts_with("GET "))
        .collect();
    assert_eq!(
        written,
        Vec::<String>::new(),
        "nothing was sent back to the CRM"
    );

    // A page is a page.
    assert!(server.get("/catalog/?secret=x").ends_with("the page"));

    // The last call and its verdict, in the command line's status.
    let settings = json!({"modretailcrm_url": sandbox.url(), "modretailcrm_apiKey": SANDBOX_KEY,
        "modretailcrm_siteCode": "shop", "modretailcrm_queue_path": site.0.join("outbox.sqlite"),
        "modretailcrm_log_file": site.0.join("api.log")});
    let config = site.0.join("settings.json");
    std::fs::write(&config, settings.to_string()).unwrap();
    let cli = Path::new(env!("CARGO_MANIFEST_DIR")).join("php-plugin/cli/modretailcrm.php");
    let config = format!("--config={}", config.display());
    let output = php(&[cli.to_str().unwrap(), &config, "status"], &[]);
    let status: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|_| panic!("status JSON: {}", String::from_utf8_lossy(&output.stderr)));
    let webhook = &status["webhook"];
    assert_eq!(
        (&webhook["code"], &webhook["order"]),
        (&json!(200), &json!("2611-1")),
        "{webhook}"
    );
    let verdict = webhook["verdict"].as_str().unwrap();
    assert!(verdict.contains("site status 1"), "{verdict}");
    assert!(webhook["at"].as_u64().unwrap() > 0);
}

#[test]
fn without_a_secret_the_webhook_is_off() {
    let sandbox = sandbox();
    crm_orders(&sandbox);
    let site = Site::new("webhook-off");
    let server = site.start(&sandbox, "");
    control(&sandbox, "DELETE", "requests", Value::Null);
    for path in [
        "/modretailcrm/webhook?order_id=2611-2",
        "/?retailCRM_action=change_status&order_id=2611-2&status=complete",
    ] {
        let (code, body) = post(&server, path, "", b"secret=");
        assert_eq!((code, body.as_str()), (200, "the page"), "{path}");
    }
    assert_eq!(site.calls(), []);
    assert_eq!(
        api_requests(&sandbox),
        Vec::<String>::new(),
        "the CRM was not asked"
    );
}
