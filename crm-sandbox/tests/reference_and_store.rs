//! References keyed by code (and entries put through the control API), api-versions and
//! credentials, tasks and costs, and the store.

mod common;

use common::{Answer, Crm, form};
use serde_json::{Value, json};

#[tokio::test]
async fn references_are_maps_keyed_by_code() {
    let crm = Crm::start().await;
    let cases = [
        (
            "statuses",
            "statuses",
            vec![
                "new",
                "client-confirmed",
                "prepayed",
                "assembling",
                "delivering",
                "complete",
                "cancel-other",
            ],
        ),
        (
            "status-groups",
            "statusGroups",
            vec![
                "new",
                "approval",
                "assembling",
                "delivery",
                "complete",
                "cancel",
            ],
        ),
        (
            "delivery-types",
            "deliveryTypes",
            vec!["courier", "self-delivery", "russian-post"],
        ),
        (
            "payment-types",
            "paymentTypes",
            vec!["cash", "bank-card", "e-money"],
        ),
        (
            "payment-statuses",
            "paymentStatuses",
            vec!["not-paid", "invoice", "paid", "returned"],
        ),
        ("sites", "sites", vec!["shop", "second"]),
        (
            "order-methods",
            "orderMethods",
            vec!["shopping-cart", "phone", "one-click"],
        ),
        ("stores", "stores", vec!["main"]),
        ("price-types", "priceTypes", vec!["base"]),
        (
            "order-types",
            "orderTypes",
            vec!["eshop-individual", "eshop-legal"],
        ),
        (
            "product-statuses",
            "productStatuses",
            vec!["in-reserve", "cancel"],
        ),
    ];
    for (route, key, codes) in cases {
        let answer = crm.get(&format!("/api/v5/reference/{route}"), "").await;
        assert_eq!(answer.status, 200, "{route}");
        let book = answer.body[key]
            .as_object()
            .unwrap_or_else(|| panic!("{route}: {}", answer.text));
        assert_eq!(book.keys().collect::<Vec<_>>(), codes, "{route}");
        assert!(
            book.iter()
                .all(|(code, entry)| entry["code"] == code.as_str())
        );
    }
    let sites = crm.get("/api/v5/reference/sites", "").await.body;
    assert_eq!(sites["sites"]["shop"]["name"], "Demo shop");
    let groups = crm.get("/api/v5/reference/status-groups", "").await.body;
    assert_eq!(
        groups["statusGroups"]["cancel"]["statuses"],
        json!(["cancel-other"])
    );
    let statuses = crm.get("/api/v5/reference/statuses", "").await.body;
    assert_eq!(statuses["statuses"]["delivering"]["group"], "delivery");
}

#[tokio::test]
async fn units_and_currencies_are_lists() {
    let crm = Crm::start().await;
    let units = crm.get("/api/v5/reference/units", "").await;
    assert_eq!(units.status, 200, "{}", units.text);
    assert_eq!(
        units.body["units"][0],
        json!({"code": "pc", "name": "Piece", "sym": "pc.", "default": true, "active": true})
    );
    assert_eq!(units.body["units"].as_array().map(Vec::len), Some(2));
    let couriers = crm.get("/api/v5/reference/couriers", "").await;
    assert_eq!(couriers.body, json!({"success": true, "couriers": []}));
    let currencies = crm.get("/api/v5/reference/currencies", "").await;
    assert_eq!(
        currencies.body,
        json!({"success": true, "currencies": [{"id": 1, "code": "RUB", "isBase": true,
               "isAutoConvert": true, "autoConvertExtraPercent": 0}]})
    );
}

#[tokio::test]
async fn versions_and_credentials() {
    let crm = Crm::start().await;
    let versions = crm.get("/api/api-versions", "").await;
    assert_eq!(
        versions.body,
        json!({"success": true, "versions": ["3.0", "4.0", "5.0"]})
    );
    let credentials = crm.get("/api/credentials", "").await.body;
    assert_eq!(credentials["success"], true);
    assert_eq!(credentials["siteAccess"], "access_full");
    assert_eq!(credentials["sitesAvailable"], json!(["shop", "second"]));
    let methods = credentials["credentials"].as_array().expect("a list");
    assert!(methods.contains(&json!("/api/orders/create")));
    let info = crm.get("/api/system-info", "").await;
    assert_eq!(
        (info.status, info.body),
        (
            200,
            json!({"success": true, "systemVersion": "crm-sandbox 0.1.0"})
        )
    );
}

#[tokio::test]
async fn tasks_and_costs_are_created_and_validated() {
    let crm = Crm::start().await;
    let task = crm
        .post(
            "/api/v5/tasks/create",
            form(&[
                ("task", r#"{"text": "Call the customer", "performerId": 1}"#),
                ("site", "shop"),
            ]),
        )
        .await;
    assert_eq!(
        (task.status, task.body.clone()),
        (201, json!({"success": true, "id": 1}))
    );
    let blank = crm
        .post("/api/v5/tasks/create", form(&[("task", "{}")]))
        .await;
    assert_eq!(blank.status, 400);
    assert_eq!(
        blank.body["errors"]["text"],
        "This value should not be blank."
    );

    let cost = json!({"summ": 100, "costItem": "delivery", "dateFrom": "2026-11-01", "dateTo": "2026-11-01"});
    let created = crm
        .post("/api/v5/costs/create", form(&[("cost", &cost.to_string())]))
        .await;
    assert_eq!(
        (created.status, created.body["id"].clone()),
        (201, json!(1))
    );
    let no_summ = crm
        .post(
            "/api/v5/costs/create",
            form(&[("cost", r#"{"costItem": "x"}"#)]),
        )
        .await;
    assert_eq!(
        no_summ.body["errors"]["summ"],
        "This value should be a number."
    );
    let state = crm.control(reqwest::Method::GET, "state", None).await.body;
    assert_eq!(state["tasks"][0]["text"], "Call the customer");
    assert_eq!(state["costs"][0]["costItem"], "delivery");
}

#[tokio::test]
async fn store_uploads_show_up_in_inventories_offers_and_products() {
    let crm = Crm::start().await;
    let loaded = crm
        .control_post(
            "offers",
            json!({"offers": [{"externalId": "5", "name": "T-shirt"}, {"externalId": "6", "xmlId": "x-6"}]}),
        )
        .await;
    assert_eq!(loaded, json!({"success": true, "ids": [1, 2]}));
    let stock = json!([
        {"externalId": "5", "stores": [{"code": "main", "available": 7, "purchasePrice": 600}]},
        {"externalId": "6", "stores": [{"code": "main", "available": 0}]},
        {"id": 404, "stores": []},
        {"externalId": "77", "stores": [{"code": "main", "available": 1}]}
    ]);
    let uploaded = crm
        .post(
            "/api/v5/store/inventories/upload",
            form(&[("offers", &stock.to_string()), ("site", "shop")]),
        )
        .await;
    assert_eq!(uploaded.status, 200, "{}", uploaded.text);
    assert_eq!(
        uploaded.body,
        json!({"success": true, "processedOffersCount": 2,
               "notFoundOffers": [{"id": 404}, {"externalId": "77"}]})
    );
    let prices =
        json!([{"externalId": "5", "site": "shop", "prices": [{"code": "base", "price": 1000}]}]);
    let priced = crm
        .post(
            "/api/v5/store/prices/upload",
            form(&[("prices", &prices.to_string())]),
        )
        .await;
    assert_eq!(priced.body["processedOffersCount"], 1);

    let inventories = crm
        .get("/api/v5/store/inventories", "filter[externalIds][]=5")
        .await
        .body;
    assert_eq!(inventories["pagination"]["totalCount"], 1);
    assert_eq!(
        inventories["offers"][0],
        json!({"id": 1, "externalId": "5", "xmlId": null, "quantity": 7,
               "stores": [{"store": "main", "quantity": 7, "purchasePrice": 600}]})
    );
    let offers = crm.get("/api/v5/store/offers", "limit=250").await.body;
    assert_eq!(
        offers["offers"][0]["prices"],
        json!([{"priceType": "base", "price": 1000}])
    );
    assert_eq!(offers["offers"][1]["xmlId"], "x-6");
    let products = crm.get("/api/v5/store/products", "").await.body;
    assert_eq!(products["products"].as_array().map(Vec::len), Some(2));
    assert_eq!(products["products"][0]["offers"][0]["externalId"], "5");
    assert_eq!(products["products"][0]["name"], "T-shirt");

    let no_stores = json!([{"externalId": "5"}]);
    let refused = crm
        .post(
            "/api/v5/store/inventories/upload",
            form(&[("offers", &no_stores.to_string()), ("site", "shop")]),
        )
        .await;
    assert_eq!(
        (refused.status, refused.body.clone()),
        (
            400,
            json!({"success": false, "errorMsg": "Errors in the entity format",
                   "errors": {"offers[0].stores": "This value should not be blank."}})
        )
    );
    let unnamed = crm
        .control(
            reqwest::Method::POST,
            "offers",
            Some(json!({"offers": [{"name": "x"}]})),
        )
        .await;
    assert_eq!(unnamed.status, 400, "{}", unnamed.text);

    let bad_store = json!([{"externalId": "5", "stores": [{"code": "attic", "available": 1}]}]);
    let refused = crm
        .post(
            "/api/v5/store/inventories/upload",
            form(&[("offers", &bad_store.to_string())]),
        )
        .await;
    assert_eq!(refused.status, 400);
    assert_eq!(
        refused.body["errors"]["offers[0].stores[0].code"],
        "Store \"attic\" does not exist."
    );
    let bad_price = json!([{"externalId": "5", "prices": [{"code": "vip", "price": 1}]}]);
    let refused = crm
        .post(
            "/api/v5/store/prices/upload",
            form(&[("prices", &bad_price.to_string())]),
        )
        .await;
    assert_eq!(refused.status, 400);
}

#[tokio::test]
async fn entries_put_through_the_control_api_are_accepted_until_a_reset() {
    let crm = Crm::start().await;
    let order = json!({"externalId": "t-1", "delivery": {"code": "teleport"}});
    let refused = crm.create("orders", order.clone()).await;
    assert_eq!(refused.status, 400, "{}", refused.text);
    assert_eq!(
        refused.body["errors"]["delivery.code"],
        "Delivery type \"teleport\" does not exist."
    );

    let put = crm
        .control_post(
            "references/delivery-types",
            json!({"code": "teleport", "name": "Teleport", "defaultCost": 0}),
        )
        .await;
    assert_eq!(
        put,
        json!({"success": true, "book": "delivery-types", "code": "teleport"})
    );
    let created = crm.create("orders", order.clone()).await;
    assert_eq!(created.status, 201, "{}", created.text);
    let types = crm.get("/api/v5/reference/delivery-types", "").await.body;
    assert_eq!(
        types["deliveryTypes"]["teleport"],
        json!({"code": "teleport", "name": "Teleport", "defaultCost": 0})
    );
    assert_eq!(types["deliveryTypes"].as_object().map(|b| b.len()), Some(4));

    // A new site and a new status in an existing group; the same code again replaces.
    crm.control_post(
        "references/sites",
        json!({"code": "third", "name": "Third"}),
    )
    .await;
    crm.control_post(
        "references/statuses",
        json!({"code": "lost", "name": "Lost", "group": "cancel"}),
    )
    .await;
    crm.control_post(
        "references/statuses",
        json!({"code": "lost", "name": "Lost in transit", "group": "cancel"}),
    )
    .await;
    let in_third = json!({"externalId": "t-2", "status": "lost"}).to_string();
    let third = crm
        .post(
            "/api/v5/orders/create",
            form(&[("order", &in_third), ("site", "third")]),
        )
        .await;
    assert_eq!(third.status, 201, "{}", third.text);
    let statuses = crm.get("/api/v5/reference/statuses", "").await.body;
    assert_eq!(statuses["statuses"]["lost"]["name"], "Lost in transit");
    assert_eq!(statuses["statuses"].as_object().map(|b| b.len()), Some(8));
    let groups = crm.get("/api/v5/reference/status-groups", "").await.body;
    assert_eq!(
        groups["statusGroups"]["cancel"]["statuses"],
        json!(["cancel-other", "lost"])
    );

    crm.control_post("reset", json!({})).await;
    let types = crm.get("/api/v5/reference/delivery-types", "").await.body;
    assert!(types["deliveryTypes"].get("teleport").is_none());
    let sites = crm.get("/api/credentials", "").await.body;
    assert_eq!(sites["sitesAvailable"], json!(["shop", "second"]));
    let again = crm.create("orders", order).await;
    assert_eq!(again.status, 400, "{}", again.text);
}

#[tokio::test]
async fn bad_books_and_entries_are_refused() {
    let crm = Crm::start().await;
    let no_book = put(&crm, "colours", json!({"code": "red", "name": "Red"})).await;
    assert_eq!(no_book.status, 404, "{}", no_book.text);
    assert_eq!(no_book.body["success"], false);
    assert!(no_book.body["error"].is_string(), "{}", no_book.text);

    for body in [
        json!({"name": "Teleport"}),
        json!({"code": "", "name": "Teleport"}),
        json!({"code": 7}),
        json!(["teleport"]),
    ] {
        let refused = put(&crm, "delivery-types", body).await;
        assert_eq!(refused.status, 400, "{}", refused.text);
        assert_eq!(refused.body["success"], false);
        assert!(refused.body["error"].is_string(), "{}", refused.text);
    }
    let no_group = put(&crm, "statuses", json!({"code": "lost", "name": "Lost"})).await;
    assert_eq!(no_group.status, 400, "{}", no_group.text);

    let types = crm.get("/api/v5/reference/delivery-types", "").await.body;
    assert_eq!(types["deliveryTypes"].as_object().map(|b| b.len()), Some(3));
}

/// `POST /__control/references/{book}` with `body`.
async fn put(crm: &Crm, book: &str, body: Value) -> Answer {
    let path = format!("references/{book}");
    crm.control(reqwest::Method::POST, &path, Some(body)).await
}
