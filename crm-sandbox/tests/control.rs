//! The API key forms, the request log, state and reset, and the rate limit.

mod common;

use common::{Crm, KEY, OTHER_KEY, form};
use crm_sandbox::SandboxConfig;
use serde_json::json;

#[tokio::test]
async fn the_key_is_accepted_as_header_query_or_form_parameter() {
    let crm = Crm::start().await;
    let plain = crm
        .http
        .get(crm.url("/api/api-versions"))
        .send()
        .await
        .expect("an answer");
    assert_eq!(plain.status().as_u16(), 403);
    assert_eq!(
        plain.text().await.expect("a body"),
        r#"{"success":false,"errorMsg":"\"apiKey\" is missing."}"#
    );
    let wrong = crm.get_as("wrong-key-123", "/api/api-versions", "").await;
    assert_eq!(wrong.status, 403);
    assert_eq!(
        wrong.body,
        json!({"success": false, "errorMsg": "Wrong \"apiKey\" value."})
    );
    assert!(!wrong.text.contains("wrong-key-123"));

    assert_eq!(crm.get_as(KEY, "/api/credentials", "").await.status, 200);
    let query = crm
        .http
        .get(crm.url(&format!("/api/v5/orders?apiKey={KEY}&limit=20")))
        .send()
        .await;
    assert_eq!(query.expect("an answer").status().as_u16(), 200);
    let body = form(&[
        ("apiKey", OTHER_KEY),
        ("customer", r#"{"externalId": "k"}"#),
        ("site", "shop"),
    ]);
    let posted = crm
        .http
        .post(crm.url("/api/v5/customers/create"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .expect("an answer");
    assert_eq!(posted.status().as_u16(), 201);
    let wrong_form = crm
        .http
        .post(crm.url("/api/v5/tasks/create"))
        .body(form(&[("apiKey", "nope"), ("task", r#"{"text": "x"}"#)]))
        .send()
        .await
        .expect("an answer");
    assert_eq!(wrong_form.status().as_u16(), 403);
}

#[tokio::test]
async fn unknown_methods_answer_a_json_404() {
    let crm = Crm::start().await;
    for path in ["/api/v5/unicorns", "/api/v4/orders", "/"] {
        let answer = crm.get(path, "").await;
        assert_eq!(answer.status, 404, "{path}");
        assert_eq!(
            answer.body,
            json!({"success": false, "errorMsg": "API method not found"})
        );
    }
    let wrong_method = crm.post("/api/v5/orders", String::new()).await;
    assert_eq!(wrong_method.status, 404);
    let unknown_reference = crm.get("/api/v5/reference/colours", "").await;
    assert_eq!(unknown_reference.status, 404);
}

#[tokio::test]
async fn the_log_keeps_raw_bodies_and_decoded_parameters() {
    let crm = Crm::start().await;
    let order = json!({"externalId": "a b/c", "customerComment": "50% off & \"more\" 😀", "items": [{"initialPrice": 499.5, "quantity": 2}]});
    let body = form(&[("order", &order.to_string()), ("site", "shop")]);
    crm.post("/api/v5/orders/create", body.clone()).await;
    crm.get(
        "/api/v5/orders",
        "filter%5Bids%5D%5B0%5D=1&filter%5Bids%5D%5B%5D=2&page=1&limit=20",
    )
    .await;

    let log = crm.requests().await;
    assert_eq!(log.len(), 2, "control requests are not logged");
    let post = &log[0];
    assert_eq!(post["seq"], 1);
    assert_eq!(post["method"], "POST");
    assert_eq!(post["path"], "/api/v5/orders/create");
    assert_eq!(post["query"], "");
    assert_eq!(post["body"], body.as_str());
    assert_eq!(post["params"]["order"], order);
    assert_eq!(post["params"]["site"], "shop");
    assert_eq!(post["headers"]["x-api-key"], KEY);
    assert_eq!(post["headers"]["user-agent"], "sandbox-tests/1");
    assert_eq!(
        post["headers"]["content-type"],
        "application/x-www-form-urlencoded"
    );
    assert_eq!(post["status"], 201);

    let get = &log[1];
    assert_eq!(get["seq"], 2);
    assert_eq!(
        get["query"],
        "filter%5Bids%5D%5B0%5D=1&filter%5Bids%5D%5B%5D=2&page=1&limit=20"
    );
    assert_eq!(
        get["params"],
        json!({"filter": {"ids": ["1", "2"]}, "page": "1", "limit": "20"})
    );
    assert_eq!(get["body"], "");

    assert_eq!(
        crm.control(reqwest::Method::DELETE, "requests", None)
            .await
            .status,
        200
    );
    assert!(crm.requests().await.is_empty());
    crm.get("/api/api-versions", "").await;
    assert_eq!(
        crm.requests().await[0]["seq"],
        3,
        "numbering goes on after clearing"
    );
}

#[tokio::test]
async fn state_shows_everything_and_reset_goes_back_to_the_seed() {
    let crm = Crm::start().await;
    crm.customer("1").await;
    crm.create(
        "orders",
        json!({"externalId": "o-1", "customer": {"externalId": "1"}}),
    )
    .await;
    crm.control_post("rate-limit", json!({"per_second": 1}))
        .await;
    crm.control_post("faults", json!({"mode": "status", "status": 500}))
        .await;

    let state = crm.control(reqwest::Method::GET, "state", None).await.body;
    assert_eq!(state["customers"][0]["externalId"], "1");
    assert_eq!(state["orders"][0]["externalId"], "o-1");
    assert_eq!(state["orders"][0]["totalSumm"], 0);
    assert_eq!(state["history"], json!({"orders": 1, "customers": 1}));

    crm.control_post("reset", json!({})).await;
    let state = crm.control(reqwest::Method::GET, "state", None).await.body;
    assert_eq!(state["customers"], json!([]));
    assert_eq!(state["orders"], json!([]));
    assert_eq!(state["history"], json!({"orders": 0, "customers": 0}));
    assert!(crm.requests().await.is_empty());
    for _ in 0..3 {
        assert_eq!(
            crm.get("/api/api-versions", "").await.status,
            200,
            "no faults, no limit"
        );
    }
    assert_eq!(crm.customer("1").await, 1, "ids start again");
}

#[tokio::test]
async fn the_eleventh_request_within_a_second_gets_503() {
    let crm = Crm::start_with(SandboxConfig {
        rate_limit_per_second: 10,
        ..SandboxConfig::default()
    })
    .await;
    let burst: Vec<_> = (0..11)
        .map(|_| {
            let request = crm
                .http
                .get(crm.url("/api/api-versions"))
                .header("X-API-KEY", KEY)
                .send();
            tokio::spawn(async move {
                let response = request.await.expect("an answer");
                (
                    response.status().as_u16(),
                    response.text().await.expect("a body"),
                )
            })
        })
        .collect();
    let mut answers = Vec::new();
    for request in burst {
        answers.push(request.await.expect("the task"));
    }
    answers.sort();
    let statuses: Vec<u16> = answers.iter().map(|(status, _)| *status).collect();
    assert_eq!(statuses, [[200; 10].as_slice(), &[503]].concat());
    assert_eq!(
        answers[10].1,
        r#"{"success":false,"errorMsg":"Service temporarily unavailable"}"#
    );
    assert_eq!(
        crm.get_as(OTHER_KEY, "/api/api-versions", "").await.status,
        200,
        "the limit is per key"
    );
    let logged: Vec<_> = crm
        .requests()
        .await
        .iter()
        .map(|r| r["status"].clone())
        .collect();
    assert_eq!(
        logged.iter().filter(|s| **s == json!(503)).count(),
        1,
        "refusals are logged"
    );

    crm.control_post("rate-limit", json!({"per_second": 0}))
        .await;
    for _ in 0..30 {
        assert_eq!(crm.get("/api/api-versions", "").await.status, 200);
    }
    crm.control_post("rate-limit", json!({"per_second": 2}))
        .await;
    let statuses = [
        crm.get("/api/api-versions", "").await.status,
        crm.get("/api/api-versions", "").await.status,
        crm.get("/api/api-versions", "").await.status,
    ];
    assert_eq!(statuses, [200, 200, 503]);
    let bad = crm
        .control(
            reqwest::Method::POST,
            "rate-limit",
            Some(json!({"per_second": -1})),
        )
        .await;
    assert_eq!(bad.status, 400);
}
