//! Orders: create and read back, numbers and defaults, customers, validation of references,
//! sums, edits, statuses, uploads, fix-external-ids, and payments.

mod common;

use common::{Crm, form};
use serde_json::{Value, json};

fn teapots() -> Value {
    json!({
        "externalId": "100-1",
        "customer": {"externalId": "1"},
        "items": [{"offer": {"externalId": "5"}, "productName": "Чайник", "initialPrice": 1000, "quantity": 3}],
        "delivery": {"code": "courier", "cost": 250},
        "payments": [{"type": "cash", "amount": 3250, "externalId": "100-1-1"}]
    })
}

#[tokio::test]
async fn create_then_get_by_external_id_and_by_id() {
    let crm = Crm::start().await;
    crm.customer("1").await;
    let created = crm.create("orders", teapots()).await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(created.body["success"], true);
    assert_eq!(created.body["id"], 1);
    let order = &created.body["order"];
    assert_eq!(
        order["number"], "1A",
        "the CRM numbers orders that come without one"
    );
    assert_eq!(order["status"], "new");
    assert_eq!(order["site"], "shop");
    assert_eq!(order["customer"], json!({"id": 1, "externalId": "1"}));
    assert_eq!(order["items"][0]["id"], 1);
    assert_eq!(order["createdAt"].as_str().map(str::len), Some(19));
    let payments = order["payments"].as_object().expect("payments keyed by id");
    assert_eq!(
        payments["1"],
        json!({"id": 1, "type": "cash", "amount": 3250, "externalId": "100-1-1", "status": "not-paid"})
    );

    let by_external = crm.fetch("orders", "100-1", "externalId").await;
    let by_id = crm.fetch("orders", "1", "id").await;
    assert_eq!(by_external.status, 200);
    assert_eq!(by_external.body, by_id.body);
    assert_eq!(&by_id.body["order"], order);
    assert_eq!(crm.fetch("orders", "100-2", "externalId").await.status, 404);
}

#[tokio::test]
async fn totals_are_computed_like_retailcrm() {
    let crm = Crm::start().await;
    crm.customer("1").await;
    let plain = crm.create("orders", teapots()).await;
    assert_eq!(
        (
            plain.body["order"]["summ"].clone(),
            plain.body["order"]["totalSumm"].clone()
        ),
        (json!(3000), json!(3250))
    );

    let discounted = crm
        .create(
            "orders",
            json!({
                "externalId": "d-1",
                "customer": {"externalId": "1"},
                "items": [
                    {"initialPrice": 500, "quantity": 2, "discountManualAmount": 100, "discountManualPercent": 10},
                    {"initialPrice": 499.5, "quantity": 1.5}
                ],
                "discountManualAmount": 20,
                "discountManualPercent": 5,
                "delivery": {"code": "russian-post", "cost": 300}
            }),
        )
        .await;
    // items: (500−100)·0.9·2 = 720 and 499.5·1.5 = 749.25 → 1469.25;
    // order: (1469.25 − 20)·0.95 = 1376.7875 → + 300 = 1676.79
    let order = &discounted.body["order"];
    assert_eq!(order["summ"], json!(1469.25));
    assert_eq!(order["totalSumm"], json!(1676.79));

    let edited = crm
        .edit("orders", "d-1", json!({"delivery": {"cost": 0}}))
        .await;
    assert_eq!(edited.body["order"]["totalSumm"], json!(1376.79));
    assert_eq!(
        edited.body["order"]["delivery"],
        json!({"code": "russian-post", "cost": 0})
    );
}

#[tokio::test]
async fn duplicate_external_id_says_it_already_exists() {
    let crm = Crm::start().await;
    crm.customer("5").await;
    let order = json!({"externalId": "dup-1", "customer": {"externalId": "5"}});
    assert_eq!(crm.create("orders", order.clone()).await.status, 201);
    let again = crm.create("orders", order).await;
    assert_eq!(again.status, 400);
    assert_eq!(
        again.body,
        json!({"success": false, "errorMsg": "Order is not loaded",
               "errors": {"externalId": "Order with externalId=dup-1 already exists."}})
    );
}

#[tokio::test]
async fn an_unknown_customer_is_refused_and_contact_data_makes_one() {
    let crm = Crm::start().await;
    let refused = crm
        .create(
            "orders",
            json!({"externalId": "x-1", "customer": {"externalId": "nobody"}}),
        )
        .await;
    assert_eq!(refused.status, 400);
    assert_eq!(
        refused.body,
        json!({"success": false, "errorMsg": "Order is not loaded",
               "errors": {"customer.externalId": "Customer with externalId=nobody not found."}})
    );
    let by_id = crm
        .create(
            "orders",
            json!({"externalId": "x-2", "customer": {"id": 42}}),
        )
        .await;
    assert_eq!(
        by_id.body["errors"]["customer.id"],
        "Customer with id=42 not found."
    );

    let guest = crm
        .create(
            "orders",
            json!({"externalId": "g-1", "firstName": "Гость", "phone": "+7 900 000-00-00"}),
        )
        .await;
    assert_eq!(guest.status, 201, "{}", guest.text);
    let customer_id = guest.body["order"]["customer"]["id"]
        .as_u64()
        .expect("a customer made for the order");
    let customer = crm
        .fetch("customers", &customer_id.to_string(), "id")
        .await
        .body["customer"]
        .clone();
    assert_eq!(customer["firstName"], "Гость");
    assert_eq!(customer["phones"], json!([{"number": "+7 900 000-00-00"}]));
}

#[tokio::test]
async fn unknown_site_and_missing_parameters_are_refused() {
    let crm = Crm::start().await;
    let body = form(&[
        ("order", r#"{"externalId": "x"}"#),
        ("site", "no-such-site"),
    ]);
    let unknown = crm.post("/api/v5/orders/create", body).await;
    assert_eq!(unknown.status, 400);
    assert!(
        unknown.body["errors"]["site"]
            .as_str()
            .is_some_and(|m| m.contains("no-such-site"))
    );

    let missing = crm
        .post("/api/v5/orders/create", form(&[("site", "shop")]))
        .await;
    assert_eq!(
        missing.body,
        json!({"success": false, "errorMsg": "Parameter 'order' is missing"})
    );
    let no_site = crm
        .post("/api/v5/orders/create", form(&[("order", "{}")]))
        .await;
    assert_eq!(no_site.body["errorMsg"], "Parameter 'site' is missing");
}

#[tokio::test]
async fn malformed_entity_json_is_an_entity_format_error() {
    let crm = Crm::start().await;
    let answer = crm
        .post(
            "/api/v5/orders/create",
            form(&[("order", "{\"externalId\":"), ("site", "shop")]),
        )
        .await;
    assert_eq!(answer.status, 400);
    assert_eq!(answer.body["errorMsg"], "Errors in the entity format");
    assert!(
        answer.body["errors"]["order"]
            .as_str()
            .is_some_and(|m| m.starts_with("Invalid JSON"))
    );
}

#[tokio::test]
async fn unknown_references_are_named_by_field() {
    let crm = Crm::start().await;
    let answer = crm
        .create(
            "orders",
            json!({
                "externalId": "r-1",
                "status": "lost",
                "orderMethod": "pigeon",
                "delivery": {"code": "drone"},
                "payments": [{"type": "gold", "amount": 1}],
                "items": [{"initialPrice": "free"}]
            }),
        )
        .await;
    assert_eq!(answer.status, 400);
    assert_eq!(
        answer.body["errors"],
        json!({
            "status": "Status \"lost\" does not exist.",
            "orderMethod": "Order method \"pigeon\" does not exist.",
            "delivery.code": "Delivery type \"drone\" does not exist.",
            "items[0].initialPrice": "This value should be a number.",
            "payments[0].type": "Payment type \"gold\" does not exist."
        })
    );
    let edit = crm.create("orders", json!({"externalId": "r-2"})).await;
    assert_eq!(edit.status, 201);
    let bad_status = crm.edit("orders", "r-2", json!({"status": "lost"})).await;
    assert_eq!(bad_status.status, 400);
    assert_eq!(bad_status.body["errorMsg"], "Errors in the entity format");
    assert_eq!(
        bad_status.body["errors"]["status"],
        "Status \"lost\" does not exist."
    );
}

#[tokio::test]
async fn edits_merge_and_statuses_report_the_current_status() {
    let crm = Crm::start().await;
    crm.customer("1").await;
    crm.customer("2").await;
    crm.create("orders", teapots()).await;
    let edited = crm
        .edit(
            "orders",
            "100-1",
            json!({"status": "assembling", "managerComment": "ok", "customer": {"externalId": "2"},
                   "payments": [{"type": "cash", "amount": 1}]}),
        )
        .await;
    assert_eq!(edited.status, 200, "{}", edited.text);
    let order = &edited.body["order"];
    assert_eq!(order["status"], "assembling");
    assert_eq!(order["managerComment"], "ok");
    assert_eq!(order["customer"], json!({"id": 2, "externalId": "2"}));
    assert_eq!(order["items"][0]["productName"], "Чайник");
    assert_eq!(
        order["payments"].as_object().map(|p| p.len()),
        Some(1),
        "payments are edited through their routes"
    );

    let statuses = crm
        .get(
            "/api/v5/orders/statuses",
            "externalIds%5B0%5D=100-1&ids%5B%5D=999",
        )
        .await;
    assert_eq!(
        statuses.body,
        json!({"success": true, "orders": [{"id": 1, "externalId": "100-1", "status": "assembling", "group": "assembling"}]})
    );
    assert_eq!(crm.get("/api/v5/orders/statuses", "").await.status, 400);

    let list = crm
        .get(
            "/api/v5/orders",
            "filter%5BextendedStatus%5D%5B0%5D=assembling&limit=50",
        )
        .await;
    assert_eq!(list.body["pagination"]["totalCount"], 1);
    assert_eq!(list.body["orders"][0]["externalId"], "100-1");
}

#[tokio::test]
async fn upload_answers_460_with_uploaded_and_failed_orders() {
    let crm = Crm::start().await;
    crm.customer("5").await;
    let batch = json!([
        {"externalId": "up-1", "customer": {"externalId": "5"}},
        {"externalId": "up-2", "customer": {"externalId": "nobody"}}
    ]);
    let answer = crm
        .post(
            "/api/v5/orders/upload",
            form(&[("orders", &batch.to_string()), ("site", "shop")]),
        )
        .await;
    assert_eq!(answer.status, 460, "{}", answer.text);
    assert_eq!(
        answer.body["uploadedOrders"],
        json!([{"id": 1, "externalId": "up-1"}])
    );
    assert_eq!(answer.body["failedOrders"], json!([{"externalId": "up-2"}]));
    assert_eq!(answer.body["errorMsg"], "Orders are loaded with errors");
    assert_eq!(
        answer.body["errors"],
        json!({"1": "Customer with externalId=nobody not found."})
    );
    assert_eq!(crm.fetch("orders", "up-1", "externalId").await.status, 200);

    let fine = json!([{"externalId": "up-3"}]);
    let all = crm
        .post(
            "/api/v5/orders/upload",
            form(&[("orders", &fine.to_string()), ("site", "shop")]),
        )
        .await;
    assert_eq!(all.status, 200);
    assert_eq!(
        all.body["uploadedOrders"],
        json!([{"id": 2, "externalId": "up-3"}])
    );
    assert_eq!(all.body["orders"][0]["number"], "2A");
}

#[tokio::test]
async fn fix_external_ids_sets_an_orders_external_id() {
    let crm = Crm::start().await;
    crm.create("orders", json!({"number": "N-1"})).await;
    let fix = form(&[(
        "orders",
        &json!([{"id": 1, "externalId": "site-1"}]).to_string(),
    )]);
    assert_eq!(
        crm.post("/api/v5/orders/fix-external-ids", fix.clone())
            .await
            .status,
        200
    );
    assert_eq!(
        crm.post("/api/v5/orders/fix-external-ids", fix)
            .await
            .status,
        200,
        "idempotent"
    );
    assert_eq!(
        crm.fetch("orders", "site-1", "externalId").await.body["order"]["number"],
        "N-1"
    );
}

#[tokio::test]
async fn payments_are_created_and_edited_and_move_the_prepaid_sum() {
    let crm = Crm::start().await;
    crm.customer("1").await;
    crm.create("orders", teapots()).await;

    let paid = crm
        .post(
            "/api/v5/orders/payments/100-1-1/edit",
            form(&[
                (
                    "payment",
                    r#"{"status": "paid", "paidAt": "2026-01-31 10:00:00"}"#,
                ),
                ("site", "shop"),
            ]),
        )
        .await;
    assert_eq!(paid.status, 200, "{}", paid.text);
    assert_eq!(paid.body, json!({"success": true, "id": 1}));

    let added = crm
        .post(
            "/api/v5/orders/payments/create",
            form(&[
                (
                    "payment",
                    r#"{"order": {"externalId": "100-1"}, "type": "bank-card", "amount": 10}"#,
                ),
                ("site", "shop"),
            ]),
        )
        .await;
    assert_eq!(added.status, 201, "{}", added.text);
    assert_eq!(added.body, json!({"success": true, "id": 2}));

    let order = crm.fetch("orders", "100-1", "externalId").await.body["order"].clone();
    assert_eq!(order["payments"]["1"]["status"], "paid");
    assert_eq!(order["payments"]["1"]["paidAt"], "2026-01-31 10:00:00");
    assert_eq!(
        order["payments"]["2"],
        json!({"id": 2, "type": "bank-card", "amount": 10, "status": "not-paid"})
    );
    assert_eq!(order["prepaySum"], 3250);

    let by_id = form(&[
        ("payment", r#"{"amount": 20, "externalId": "card-1"}"#),
        ("by", "id"),
    ]);
    assert_eq!(
        crm.post("/api/v5/orders/payments/2/edit", by_id)
            .await
            .status,
        200
    );
    let order = crm.fetch("orders", "100-1", "externalId").await.body["order"].clone();
    assert_eq!(order["payments"]["2"]["amount"], 20);
    assert_eq!(order["payments"]["2"]["externalId"], "card-1");

    let unknown = crm
        .post(
            "/api/v5/orders/payments/nope/edit",
            form(&[("payment", "{}")]),
        )
        .await;
    assert_eq!(unknown.status, 404);
    let taken = form(&[(
        "payment",
        r#"{"order": {"id": 1}, "type": "cash", "externalId": "card-1"}"#,
    )]);
    let duplicate = crm.post("/api/v5/orders/payments/create", taken).await;
    assert_eq!(
        duplicate.body["errors"]["externalId"],
        "Payment with externalId=card-1 already exists."
    );
    let no_order = form(&[(
        "payment",
        r#"{"order": {"externalId": "none"}, "type": "cash"}"#,
    )]);
    assert_eq!(
        crm.post("/api/v5/orders/payments/create", no_order)
            .await
            .body["errors"]["order.externalId"],
        "Order with externalId=none not found."
    );
    let bad_status = form(&[("payment", r#"{"status": "stolen"}"#)]);
    assert_eq!(
        crm.post("/api/v5/orders/payments/100-1-1/edit", bad_status)
            .await
            .status,
        400
    );
}

#[tokio::test]
async fn a_manager_deletes_an_order_and_its_external_ids_are_free_again() {
    let crm = Crm::start().await;
    let order = json!({"externalId": "del-1", "payments": [{"type": "cash", "amount": 10, "externalId": "del-1-1"}]});
    assert_eq!(crm.create("orders", order.clone()).await.status, 201);
    let taken = crm
        .create("orders", json!({"externalId": "del-2", "payments": [{"type": "cash", "amount": 10, "externalId": "del-1-1"}]}))
        .await;
    assert_eq!(taken.status, 400, "{}", taken.text);
    assert!(
        taken
            .text
            .contains("Payment with externalId=del-1-1 already exists."),
        "{}",
        taken.text
    );

    let deleted = crm
        .control(reqwest::Method::DELETE, "orders/del-1", None)
        .await;
    assert_eq!(deleted.status, 200, "{}", deleted.text);
    assert_eq!(deleted.body["order"]["externalId"], "del-1");
    assert_eq!(crm.fetch("orders", "del-1", "externalId").await.status, 404);
    let again = crm
        .control(reqwest::Method::DELETE, "orders/del-1", None)
        .await;
    assert_eq!(again.status, 404, "{}", again.text);
    assert_eq!(
        crm.create("orders", order).await.status,
        201,
        "order and payment ids free again"
    );
}
