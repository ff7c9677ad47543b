//! The endpoints beyond the everyday ones: reference edits, payment deletion, tasks, customer
//! notes, costs, combining customers and orders, integration modules, settings and product
//! groups.

mod common;

use common::{Crm, form};
use serde_json::{Value, json};

/// POST `reference/{book}/{code}/edit` with `entry` in parameter `param`.
async fn edit_reference(
    crm: &Crm,
    book: &str,
    code: &str,
    param: &str,
    entry: Value,
) -> common::Answer {
    let path = format!("/api/v5/reference/{book}/{code}/edit");
    crm.post(&path, form(&[(param, &entry.to_string())])).await
}

#[tokio::test]
async fn every_editable_book_takes_a_new_entry_then_an_edit() {
    let crm = Crm::start().await;
    let books = [
        ("statuses", "status", "statuses"),
        ("delivery-types", "deliveryType", "deliveryTypes"),
        ("delivery-services", "deliveryService", "deliveryServices"),
        ("payment-types", "paymentType", "paymentTypes"),
        ("payment-statuses", "paymentStatus", "paymentStatuses"),
        ("order-methods", "orderMethod", "orderMethods"),
        ("order-types", "orderType", "orderTypes"),
        ("product-statuses", "productStatus", "productStatuses"),
        ("stores", "store", "stores"),
        ("price-types", "priceType", "priceTypes"),
        ("sites", "site", "sites"),
    ];
    for (book, param, key) in books {
        let entry =
            json!({"name": "Aaa", "active": false, "group": "new", "url": "http://x.example"});
        let created = edit_reference(&crm, book, "dict-x", param, entry).await;
        assert_eq!(
            (created.status, &created.body),
            (201, &json!({"success": true})),
            "{book}: {}",
            created.text
        );
        let renamed = edit_reference(&crm, book, "dict-x", param, json!({"name": "Bbb"})).await;
        assert_eq!(
            (renamed.status, &renamed.body),
            (200, &json!({"success": true})),
            "{book}"
        );
        let listed = crm.get(&format!("/api/v5/reference/{book}"), "").await.body;
        let entry = &listed[key]["dict-x"];
        assert_eq!(entry["name"], "Bbb", "{book}: {listed}");
        assert_eq!(entry["active"], false, "{book}");
        assert_eq!(entry["code"], "dict-x", "{book}");
    }
    let units = edit_reference(
        &crm,
        "units",
        "tst",
        "unit",
        json!({"name": "Test", "sym": "tst"}),
    )
    .await;
    assert_eq!(units.status, 201, "{}", units.text);
    let listed = crm.get("/api/v5/reference/units", "").await.body;
    assert_eq!(
        listed["units"][2],
        json!({"name": "Test", "sym": "tst", "code": "tst"})
    );
    // What the API now accepts: an order of the new type, delivered the new way.
    let order = json!({"externalId": "o-1", "orderType": "dict-x", "delivery": {"code": "dict-x"}});
    let accepted = crm.create("orders", order).await;
    assert_eq!(accepted.status, 201, "{}", accepted.text);
}

#[tokio::test]
async fn reference_edits_are_checked_like_retailcrm_checks_them() {
    let crm = Crm::start().await;
    let no_url = edit_reference(&crm, "sites", "dict-s", "site", json!({"name": "Aaa"})).await;
    assert_eq!(
        (no_url.status, no_url.body),
        (
            400,
            json!({"success": false, "errorMsg": "Errors in the entity format",
                     "errors": {"url": "This value should not be blank."}})
        )
    );
    let renamed = edit_reference(&crm, "sites", "shop", "site", json!({"name": "Renamed"})).await;
    assert_eq!(renamed.status, 200, "{}", renamed.text);
    let no_name = edit_reference(
        &crm,
        "delivery-types",
        "d",
        "deliveryType",
        json!({"active": true}),
    )
    .await;
    assert_eq!(
        no_name.body["errors"],
        json!({"name": "This value should not be blank."})
    );
    let bad_group = edit_reference(
        &crm,
        "statuses",
        "s",
        "status",
        json!({"name": "S", "group": "nowhere"}),
    )
    .await;
    assert_eq!(
        bad_group.body["errors"],
        json!({"group": "Status group \"nowhere\" does not exist."})
    );
    let no_method = json!({"success": false, "errorMsg": "API method not found"});
    for (book, param) in [
        ("status-groups", "statusGroup"),
        ("currencies", "currency"),
        ("colours", "colour"),
    ] {
        let answer = edit_reference(&crm, book, "x", param, json!({"name": "X"})).await;
        assert_eq!((answer.status, &answer.body), (404, &no_method), "{book}");
    }
    let missing = crm
        .post("/api/v5/reference/stores/x/edit", form(&[("site", "shop")]))
        .await;
    assert_eq!(missing.body["errorMsg"], "Parameter 'store' is missing");
    let sites = crm.get("/api/v5/reference/sites", "").await.body;
    assert_eq!(sites["sites"].as_object().map(|s| s.len()), Some(2));
    assert_eq!(sites["sites"]["shop"]["url"], "http://shop.example");
}

#[tokio::test]
async fn a_deleted_payment_leaves_its_order_and_its_history() {
    let crm = Crm::start().await;
    let order = json!({"externalId": "p-1", "items": [{"productName": "Cap", "initialPrice": 1200, "quantity": 1}],
                       "payments": [{"type": "cash", "amount": 1200, "status": "paid", "externalId": "pay-1"}]});
    let created = crm.create("orders", order).await;
    assert_eq!(created.body["order"]["prepaySum"], 1200);
    let payment_id = created.body["order"]["payments"]
        .as_object()
        .and_then(|payments| payments.keys().next().cloned())
        .expect("a payment");
    let path = format!("/api/v5/orders/payments/{payment_id}/delete");
    let deleted = crm.post(&path, String::new()).await;
    assert_eq!(
        (deleted.status, deleted.body),
        (200, json!({"success": true}))
    );
    let order = crm.fetch("orders", "p-1", "externalId").await.body;
    assert_eq!(order["order"]["payments"], json!({}));
    assert_eq!(order["order"]["prepaySum"], 0);
    let history = crm.get("/api/v5/orders/history", "").await.body;
    let removed: Vec<&Value> = history["history"]
        .as_array()
        .expect("entries")
        .iter()
        .filter(|entry| entry["field"] == "payments.status")
        .collect();
    assert_eq!(removed.len(), 1, "{history}");
    assert_eq!(removed[0]["oldValue"], json!({"code": "paid"}));
    assert_eq!(removed[0]["newValue"], Value::Null);
    assert_eq!(removed[0]["payment"]["externalId"], "pay-1");
    let again = crm.post(&path, String::new()).await;
    assert_eq!(
        (again.status, again.body),
        (404, json!({"success": false, "errorMsg": "Not found"}))
    );
}

#[tokio::test]
async fn tasks_are_read_listed_and_edited() {
    let crm = Crm::start().await;
    for text in ["Call Anna", "Pack order 7", "Call Boris"] {
        let task = json!({"text": text, "performerId": if text.contains("Boris") { 2 } else { 1 }, "complete": false});
        let created = crm
            .post("/api/v5/tasks/create", form(&[("task", &task.to_string())]))
            .await;
        assert_eq!(created.status, 201, "{}", created.text);
    }
    let read = crm.get("/api/v5/tasks/1", "").await;
    assert_eq!(
        read.body,
        json!({"success": true, "task": {"id": 1, "text": "Call Anna", "performerId": 1, "complete": false}})
    );
    let calls = crm
        .get("/api/v5/tasks", "filter[text]=call&filter[performers][]=1")
        .await
        .body;
    assert_eq!(calls["pagination"]["totalCount"], 1, "{calls}");
    assert_eq!(calls["tasks"][0]["text"], "Call Anna");
    let all = crm.get("/api/v5/tasks", "limit=20").await.body;
    assert_eq!(all["tasks"].as_array().map(Vec::len), Some(3));

    let done = json!({"id": 1, "complete": true});
    let edited = crm
        .post("/api/v5/tasks/1/edit", form(&[("task", &done.to_string())]))
        .await;
    assert_eq!(
        (edited.status, edited.body),
        (200, json!({"success": true, "id": 1}))
    );
    let read = crm.get("/api/v5/tasks/1", "").await.body;
    assert_eq!(read["task"]["complete"], true);
    assert_eq!(read["task"]["text"], "Call Anna");
    let blank = crm
        .post(
            "/api/v5/tasks/1/edit",
            form(&[("task", r#"{"text": " "}"#)]),
        )
        .await;
    assert_eq!(blank.status, 400, "{}", blank.text);
    for path in ["/api/v5/tasks/9", "/api/v5/tasks/none"] {
        let missing = crm.get(path, "").await;
        assert_eq!(
            (missing.status, missing.body),
            (404, json!({"success": false, "errorMsg": "Not found"}))
        );
    }
}

#[tokio::test]
async fn combined_customers_hand_their_orders_to_the_result_and_are_gone() {
    let crm = Crm::start().await;
    let first = crm.customer("c-1").await;
    let second = crm.customer("c-2").await;
    let order = json!({"externalId": "o-2", "customer": {"externalId": "c-2"}});
    assert_eq!(crm.create("orders", order).await.status, 201);
    let combine = |customers: Value, result: Value| {
        form(&[
            ("customers", &customers.to_string()),
            ("resultCustomer", &result.to_string()),
        ])
    };
    let combined = crm
        .post(
            "/api/v5/customers/combine",
            combine(json!([{"id": second}]), json!({"id": first})),
        )
        .await;
    assert_eq!(
        (combined.status, combined.body),
        (200, json!({"success": true}))
    );
    let gone = crm.fetch("customers", "c-2", "externalId").await;
    assert_eq!(gone.status, 404);
    let order = crm.fetch("orders", "o-2", "externalId").await.body;
    assert_eq!(
        order["order"]["customer"],
        json!({"id": first, "externalId": "c-1"})
    );
    let history = crm.get("/api/v5/customers/history", "").await.body;
    let last = history["history"]
        .as_array()
        .and_then(|h| h.last().cloned())
        .expect("an entry");
    assert_eq!(last["deleted"], true);
    assert_eq!(last["customer"]["externalId"], "c-2");
    assert_eq!(
        last["combinedTo"],
        json!({"id": first, "externalId": "c-1"})
    );

    let unknown = crm
        .post(
            "/api/v5/customers/combine",
            combine(json!([{"id": second}]), json!({"id": first})),
        )
        .await;
    assert_eq!(unknown.status, 400, "{}", unknown.text);
    assert_eq!(
        unknown.body["errors"]["customers[0]"],
        format!("Customer with id={second} not found.")
    );
    let itself = crm
        .post(
            "/api/v5/customers/combine",
            combine(json!([{"id": first}]), json!({"id": first})),
        )
        .await;
    assert_eq!(itself.status, 400, "{}", itself.text);
    assert_eq!(
        crm.fetch("customers", "c-1", "externalId").await.status,
        200
    );
}

#[tokio::test]
async fn combined_orders_merge_their_items_by_technique() {
    let crm = Crm::start().await;
    let item =
        |name: &str, price: u32| json!({"productName": name, "initialPrice": price, "quantity": 1});
    let mut ids = Vec::new();
    for (external_id, name, price) in [
        ("a", "Cap", 100),
        ("b", "Hat", 200),
        ("c", "Scarf", 300),
        ("d", "Coat", 400),
    ] {
        let order = json!({"externalId": external_id, "items": [item(name, price)]});
        let created = crm.create("orders", order).await;
        ids.push(created.body["id"].as_u64().expect("an id"));
    }
    let combine = |order: u64, result: u64, technique: &str| {
        form(&[
            ("order", &json!({"id": order}).to_string()),
            ("resultOrder", &json!({"id": result}).to_string()),
            ("technique", technique),
        ])
    };
    let summed = crm
        .post("/api/v5/orders/combine", combine(ids[0], ids[1], "summ"))
        .await;
    assert_eq!(summed.status, 200, "{}", summed.text);
    assert_eq!(summed.body["order"]["id"], ids[1]);
    assert_eq!(summed.body["order"]["totalSumm"], 300);
    assert_eq!(crm.fetch("orders", "a", "externalId").await.status, 404);
    let ours = crm
        .post("/api/v5/orders/combine", combine(ids[2], ids[1], "ours"))
        .await;
    assert_eq!(ours.body["order"]["totalSumm"], 300);
    assert_eq!(ours.body["order"]["items"][0]["productName"], "Scarf");
    let theirs = crm
        .post("/api/v5/orders/combine", combine(ids[3], ids[1], "theirs"))
        .await;
    assert_eq!(theirs.body["order"]["items"][0]["productName"], "Scarf");
    let bad = crm
        .post("/api/v5/orders/combine", combine(ids[1], ids[1], "both"))
        .await;
    assert_eq!(bad.status, 400, "{}", bad.text);
    assert!(bad.body["errors"]["technique"].is_string(), "{}", bad.text);
    let state = crm.control(reqwest::Method::GET, "state", None).await.body;
    assert_eq!(state["orders"].as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn integration_modules_are_created_read_and_edited() {
    let crm = Crm::start().await;
    let module = json!({"code": "modretailcrm", "integrationCode": "modretailcrm", "name": "MODX", "active": true,
                        "baseUrl": "https://shop.example/modretailcrm"});
    let path = "/api/v5/integration-modules/modretailcrm/edit";
    let created = crm
        .post(path, form(&[("integrationModule", &module.to_string())]))
        .await;
    assert_eq!(
        (created.status, created.body),
        (201, json!({"success": true, "info": {}}))
    );
    let off = crm
        .post(path, form(&[("integrationModule", r#"{"active": false}"#)]))
        .await;
    assert_eq!(off.status, 200, "{}", off.text);
    let read = crm
        .get("/api/v5/integration-modules/modretailcrm", "")
        .await;
    assert_eq!(read.status, 200, "{}", read.text);
    assert_eq!(read.body["integrationModule"]["active"], false);
    assert_eq!(read.body["integrationModule"]["name"], "MODX");
    let unknown = crm.get("/api/v5/integration-modules/other", "").await;
    assert_eq!(unknown.status, 404);
    let nameless = crm
        .post(
            "/api/v5/integration-modules/other/edit",
            form(&[("integrationModule", "{}")]),
        )
        .await;
    assert_eq!(
        nameless.body["errors"],
        json!({"name": "This value should not be blank."})
    );
    let state = crm.control(reqwest::Method::GET, "state", None).await.body;
    assert_eq!(
        state["integrationModules"].as_object().map(|m| m.len()),
        Some(1)
    );
}

#[tokio::test]
async fn settings_name_the_currency_language_and_time_zone() {
    let crm = Crm::start().await;
    let settings = crm.get("/api/v5/settings", "").await;
    assert_eq!(settings.status, 200, "{}", settings.text);
    assert_eq!(
        settings.body["settings"]["default_currency"]["value"],
        "RUB"
    );
    assert_eq!(settings.body["settings"]["system_language"]["value"], "RU");
    assert_eq!(
        settings.body["settings"]["timezone"]["value"],
        "Europe/Moscow"
    );
}

#[tokio::test]
async fn customer_notes_name_a_customer_and_can_be_deleted() {
    let crm = Crm::start().await;
    let anna = crm.customer("c-1").await;
    crm.customer("c-2").await;
    let note = |customer: Value, text: &str| {
        let note = json!({"text": text, "managerId": 6, "customer": customer});
        form(&[("note", &note.to_string()), ("site", "shop")])
    };
    let first = crm
        .post(
            "/api/v5/customers/notes/create",
            note(json!({"id": anna}), "Prefers calls"),
        )
        .await;
    assert_eq!(
        (first.status, first.body),
        (201, json!({"success": true, "id": 1}))
    );
    let second = crm
        .post(
            "/api/v5/customers/notes/create",
            note(json!({"externalId": "c-2"}), "VIP"),
        )
        .await;
    assert_eq!(second.status, 201, "{}", second.text);
    let nobody = crm
        .post(
            "/api/v5/customers/notes/create",
            note(json!({"externalId": "c-9"}), "x"),
        )
        .await;
    assert_eq!(
        (nobody.status, nobody.body["errors"].clone()),
        (
            400,
            json!({"customer.externalId": "Customer with externalId=c-9 not found."})
        )
    );
    let blank = crm
        .post(
            "/api/v5/customers/notes/create",
            note(json!({"id": anna}), " "),
        )
        .await;
    assert_eq!(
        blank.body["errors"],
        json!({"text": "This value should not be blank."})
    );

    let annas = crm
        .get(
            "/api/v5/customers/notes",
            &format!("filter[customerIds][]={anna}"),
        )
        .await
        .body;
    assert_eq!(annas["pagination"]["totalCount"], 1, "{annas}");
    assert_eq!(annas["notes"][0]["text"], "Prefers calls");
    assert_eq!(
        annas["notes"][0]["customer"],
        json!({"id": anna, "externalId": "c-1"})
    );
    let deleted = crm
        .post("/api/v5/customers/notes/1/delete", String::new())
        .await;
    assert_eq!(
        (deleted.status, deleted.body),
        (200, json!({"success": true}))
    );
    let again = crm
        .post("/api/v5/customers/notes/1/delete", String::new())
        .await;
    assert_eq!(again.status, 404);
    let left = crm.get("/api/v5/customers/notes", "").await.body;
    assert_eq!(left["notes"].as_array().map(Vec::len), Some(1));
    assert_eq!(left["notes"][0]["text"], "VIP");
}

#[tokio::test]
async fn costs_are_listed_and_product_groups_are_empty() {
    let crm = Crm::start().await;
    for item in ["delivery", "packing", "delivery"] {
        let cost = json!({"summ": 100, "costItem": item});
        let created = crm
            .post("/api/v5/costs/create", form(&[("cost", &cost.to_string())]))
            .await;
        assert_eq!(created.status, 201, "{}", created.text);
    }
    let delivery = crm
        .get("/api/v5/costs", "filter[costItems][]=delivery")
        .await
        .body;
    assert_eq!(delivery["pagination"]["totalCount"], 2, "{delivery}");
    assert_eq!(delivery["costs"][1]["id"], 3);
    let groups = crm.get("/api/v5/store/product-groups", "").await;
    assert_eq!(
        groups.body,
        json!({"success": true, "productGroup": [],
               "pagination": {"limit": 20, "totalCount": 0, "currentPage": 1, "totalPageCount": 0}})
    );
}
