//! History: creations and field changes with increasing ids, `apiKey.current` telling our
//! own changes from others', managers' changes, and the `sinceId` / date filters.

mod common;

use common::{Crm, KEY, OTHER_KEY, form};
use serde_json::{Value, json};

async fn history(crm: &Crm, key: &str, kind: &str, query: &str) -> Value {
    let answer = crm
        .get_as(key, &format!("/api/v5/{kind}/history"), query)
        .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    answer.body
}

#[tokio::test]
async fn records_creation_and_each_change_with_the_current_key_marked() {
    let crm = Crm::start().await;
    crm.customer("1").await;
    crm.create("orders", json!({"externalId": "o-1", "customer": {"externalId": "1"}, "delivery": {"code": "courier", "cost": 100}}))
        .await;
    let other = form(&[
        (
            "order",
            r#"{"status": "assembling", "delivery": {"cost": 200}}"#,
        ),
        ("site", "shop"),
    ]);
    assert_eq!(
        crm.post_as(OTHER_KEY, "/api/v5/orders/o-1/edit", other)
            .await
            .status,
        200
    );

    let mine = history(&crm, KEY, "orders", "").await;
    assert_eq!(mine["success"], true);
    assert_eq!(mine["generatedAt"].as_str().map(str::len), Some(19));
    let entries = mine["history"].as_array().expect("a list");
    assert_eq!(entries.len(), 3);
    let ids: Vec<u64> = entries.iter().filter_map(|e| e["id"].as_u64()).collect();
    assert_eq!(ids, [1, 2, 3]);

    let created = &entries[0];
    assert_eq!(created["created"], true);
    assert_eq!(created["source"], "api");
    assert_eq!(created["apiKey"], json!({"current": true}));
    assert_eq!(created["order"]["externalId"], "o-1");
    assert_eq!(created["order"]["status"], "new");

    let status = &entries[1];
    assert_eq!(status["field"], "status");
    assert_eq!(status["oldValue"], json!({"code": "new"}));
    assert_eq!(status["newValue"], json!({"code": "assembling"}));
    assert_eq!(
        status["apiKey"],
        json!({"current": false}),
        "made with the other key"
    );
    assert_eq!(
        status["order"],
        json!({"id": 1, "externalId": "o-1", "site": "shop", "number": "1A", "status": "assembling"})
    );
    assert_eq!(entries[2]["field"], "delivery_cost");
    assert_eq!(
        (
            entries[2]["oldValue"].clone(),
            entries[2]["newValue"].clone()
        ),
        (json!(100), json!(200))
    );

    let theirs = history(&crm, OTHER_KEY, "orders", "").await;
    assert_eq!(theirs["history"][0]["apiKey"]["current"], false);
    assert_eq!(theirs["history"][1]["apiKey"]["current"], true);
}

#[tokio::test]
async fn since_id_and_pages_walk_the_history() {
    let crm = Crm::start().await;
    crm.create("orders", json!({"externalId": "o-1"})).await;
    for comment in ["a", "b", "c", "d"] {
        crm.edit("orders", "o-1", json!({"managerComment": comment}))
            .await;
    }
    let since = history(&crm, KEY, "orders", "filter%5BsinceId%5D=3").await;
    let fields: Vec<&str> = since["history"]
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|e| e["newValue"].as_str())
        .collect();
    assert_eq!(fields, ["c", "d"]);
    assert_eq!(
        history(&crm, KEY, "orders", "filter[sinceId]=5").await["history"],
        json!([])
    );
    assert_eq!(
        history(&crm, KEY, "orders", "filter[sinceId]=0").await["pagination"]["totalCount"],
        5
    );

    let page = history(&crm, KEY, "orders", "limit=20&page=1").await;
    assert_eq!(
        page["pagination"],
        json!({"limit": 20, "totalCount": 5, "currentPage": 1, "totalPageCount": 1})
    );
    let future = history(
        &crm,
        KEY,
        "orders",
        "filter%5BstartDate%5D=2999-01-01+00%3A00%3A00",
    )
    .await;
    assert_eq!(future["history"], json!([]));
    let past = history(
        &crm,
        KEY,
        "orders",
        "filter%5BstartDate%5D=2000-01-01+00%3A00%3A00",
    )
    .await;
    assert_eq!(past["pagination"]["totalCount"], 5);
    let bad = crm
        .get("/api/v5/orders/history", "filter[sinceId]=last")
        .await;
    assert_eq!(bad.status, 400);
}

#[tokio::test]
async fn a_managers_status_change_is_recorded_as_the_users() {
    let crm = Crm::start().await;
    crm.create("orders", json!({"externalId": "m-1"})).await;
    let changed = crm
        .control_post("orders/m-1/status", json!({"status": "complete"}))
        .await;
    assert_eq!(changed["order"]["status"], "complete");

    let entries = history(&crm, KEY, "orders", "filter[sinceId]=1").await["history"].clone();
    assert_eq!(entries.as_array().map(Vec::len), Some(1));
    let entry = &entries[0];
    assert_eq!(entry["source"], "user");
    assert!(entry.get("apiKey").is_none());
    assert_eq!(entry["field"], "status");
    assert_eq!(entry["newValue"], json!({"code": "complete"}));
    assert_eq!(
        crm.fetch("orders", "m-1", "externalId").await.body["order"]["status"],
        "complete"
    );

    let unknown = crm
        .control(
            reqwest::Method::POST,
            "orders/none/status",
            Some(json!({"status": "complete"})),
        )
        .await;
    assert_eq!(unknown.status, 404);
    let bad = crm
        .control(
            reqwest::Method::POST,
            "orders/m-1/status",
            Some(json!({"status": "lost"})),
        )
        .await;
    assert_eq!(bad.status, 400);
}

#[tokio::test]
async fn payments_and_customers_have_history_too() {
    let crm = Crm::start().await;
    crm.customer("c-1").await;
    crm.edit("customers", "c-1", json!({"email": "c@example.com"}))
        .await;
    let customers = history(&crm, KEY, "customers", "").await["history"].clone();
    assert_eq!(customers[0]["created"], true);
    assert_eq!(customers[0]["customer"]["externalId"], "c-1");
    assert_eq!(customers[1]["field"], "email");
    assert_eq!(
        customers[1]["customer"],
        json!({"id": 1, "externalId": "c-1", "site": "shop"})
    );

    crm.create("orders", json!({"externalId": "o-1", "payments": [{"type": "cash", "amount": 5, "externalId": "p-1"}]}))
        .await;
    let paid = form(&[("payment", r#"{"status": "paid"}"#)]);
    crm.post("/api/v5/orders/payments/p-1/edit", paid).await;
    let orders = history(&crm, KEY, "orders", "filter[sinceId]=1").await["history"].clone();
    assert_eq!(orders[0]["field"], "payments.status");
    assert_eq!(orders[0]["oldValue"], json!({"code": "not-paid"}));
    assert_eq!(orders[0]["newValue"], json!({"code": "paid"}));
    assert_eq!(
        orders[0]["payment"],
        json!({"id": 1, "externalId": "p-1", "type": "cash"})
    );
}
