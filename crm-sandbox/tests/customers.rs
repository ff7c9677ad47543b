//! Customers: create, get (by externalId and by id), edit, list with filters and pages,
//! upload with partial failure, fix-external-ids, and the validation RetailCRM applies.

mod common;

use common::{Crm, encode, form};
use serde_json::json;

#[tokio::test]
async fn create_then_get_by_external_id_and_by_id() {
    let crm = Crm::start().await;
    let created = crm
        .create(
            "customers",
            json!({"externalId": "17", "firstName": "Иван", "email": "ivan@example.com"}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(created.body, json!({"success": true, "id": 1}));

    let by_external = crm.fetch("customers", "17", "externalId").await;
    let by_id = crm.fetch("customers", "1", "id").await;
    assert_eq!(by_external.status, 200);
    assert_eq!(by_external.body, by_id.body);
    let customer = &by_id.body["customer"];
    assert_eq!(customer["externalId"], "17");
    assert_eq!(customer["firstName"], "Иван");
    assert_eq!(customer["site"], "shop");
    assert_eq!(
        customer["createdAt"].as_str().map(str::len),
        Some(19),
        "Y-m-d H:i:s"
    );

    assert_eq!(crm.fetch("customers", "18", "externalId").await.status, 404);
    let missing = crm.fetch("customers", "99", "id").await;
    assert_eq!(
        (missing.status, missing.body["errorMsg"].as_str()),
        (404, Some("Not found"))
    );
    assert_eq!(crm.fetch("customers", "abc", "id").await.status, 404);
    let bad_by = crm.fetch("customers", "17", "number").await;
    assert_eq!(bad_by.status, 400);
    assert!(bad_by.body["errors"]["by"].is_string());
}

#[tokio::test]
async fn ids_with_slashes_spaces_and_unicode_travel_percent_encoded() {
    let crm = Crm::start().await;
    let id = "a/b c+ё%";
    crm.customer(id).await;
    let path = format!("/api/v5/customers/{}", encode(id));
    assert_eq!(path, "/api/v5/customers/a%2Fb%20c%2B%D1%91%25");
    let got = crm.get(&path, "site=shop").await;
    assert_eq!(got.status, 200, "{}", got.text);
    assert_eq!(got.body["customer"]["externalId"], id);

    let edited = crm
        .edit("customers", id, json!({"lastName": "Slash"}))
        .await;
    assert_eq!(edited.status, 200, "{}", edited.text);
    assert_eq!(
        crm.get(&path, "site=shop").await.body["customer"]["lastName"],
        "Slash"
    );
}

#[tokio::test]
async fn duplicate_external_id_in_a_site_is_refused() {
    let crm = Crm::start().await;
    crm.customer("5").await;
    let again = crm.create("customers", json!({"externalId": "5"})).await;
    assert_eq!(again.status, 400);
    assert_eq!(
        again.body,
        json!({"success": false, "errorMsg": "Customer is not loaded",
               "errors": {"externalId": "Customer with externalId=5 already exists."}})
    );
    // externalIds are unique per site, as in RetailCRM; numbers count as their text.
    let elsewhere = form(&[("customer", r#"{"externalId": 5}"#), ("site", "second")]);
    assert_eq!(
        crm.post("/api/v5/customers/create", elsewhere).await.status,
        201
    );
}

#[tokio::test]
async fn site_and_entity_are_required_and_checked() {
    let crm = Crm::start().await;
    let no_site = crm
        .post("/api/v5/customers/create", form(&[("customer", "{}")]))
        .await;
    assert_eq!(
        (no_site.status, no_site.body["errorMsg"].as_str()),
        (400, Some("Parameter 'site' is missing"))
    );

    let unknown = crm
        .post(
            "/api/v5/customers/create",
            form(&[("customer", "{}"), ("site", "no-such-site")]),
        )
        .await;
    assert_eq!(unknown.status, 400);
    assert_eq!(
        unknown.body["errors"]["site"],
        "Site with code \"no-such-site\" does not exist."
    );

    let no_entity = crm
        .post("/api/v5/customers/create", form(&[("site", "shop")]))
        .await;
    assert_eq!(
        no_entity.body,
        json!({"success": false, "errorMsg": "Parameter 'customer' is missing"})
    );
    assert_eq!(no_entity.status, 400);

    let not_object = crm
        .post(
            "/api/v5/customers/create",
            form(&[("customer", "[1]"), ("site", "shop")]),
        )
        .await;
    assert_eq!(
        (not_object.status, not_object.body["errorMsg"].as_str()),
        (400, Some("Errors in the entity format"))
    );

    let get_without_site = crm.get("/api/v5/customers/1", "").await;
    assert_eq!(get_without_site.status, 400);
}

#[tokio::test]
async fn edits_merge_fields_and_by_id_can_set_the_external_id() {
    let crm = Crm::start().await;
    crm.create(
        "customers",
        json!({"externalId": "1", "firstName": "Анна", "address": {"city": "Москва"}}),
    )
    .await;
    let edited = crm
        .edit(
            "customers",
            "1",
            json!({"lastName": "Смирнова", "address": {"street": "Тверская"}}),
        )
        .await;
    assert_eq!(edited.body, json!({"success": true, "id": 1}));
    let customer = crm.fetch("customers", "1", "externalId").await.body["customer"].clone();
    assert_eq!(customer["firstName"], "Анна");
    assert_eq!(customer["lastName"], "Смирнова");
    assert_eq!(
        customer["address"],
        json!({"city": "Москва", "street": "Тверская"})
    );

    let body = form(&[
        ("customer", r#"{"externalId": "one"}"#),
        ("site", "shop"),
        ("by", "id"),
    ]);
    assert_eq!(crm.post("/api/v5/customers/1/edit", body).await.status, 200);
    assert_eq!(
        crm.fetch("customers", "one", "externalId").await.body["customer"]["id"],
        1
    );
    assert_eq!(crm.edit("customers", "nobody", json!({})).await.status, 404);
}

#[tokio::test]
async fn lists_filter_and_paginate() {
    let crm = Crm::start().await;
    let batch: Vec<_> = (1..=26)
        .map(|i| json!({"externalId": i.to_string(), "firstName": format!("Customer {i}"), "email": format!("c{i}@example.com")}))
        .collect();
    let upload = form(&[("customers", &json!(batch).to_string()), ("site", "shop")]);
    assert_eq!(
        crm.post("/api/v5/customers/upload", upload).await.status,
        200
    );

    let page = crm.get("/api/v5/customers", "limit=20&page=2").await;
    assert_eq!(page.status, 200, "{}", page.text);
    assert_eq!(
        page.body["pagination"],
        json!({"limit": 20, "totalCount": 26, "currentPage": 2, "totalPageCount": 2})
    );
    assert_eq!(page.body["customers"].as_array().map(Vec::len), Some(6));
    assert_eq!(page.body["customers"][0]["externalId"], "21");

    let beyond = crm.get("/api/v5/customers", "limit=20&page=5").await;
    assert_eq!(beyond.body["customers"], json!([]));

    let filtered = crm
        .get(
            "/api/v5/customers",
            "filter%5BexternalIds%5D%5B0%5D=3&filter%5BexternalIds%5D%5B1%5D=7",
        )
        .await;
    let ids: Vec<&str> = filtered.body["customers"]
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|c| c["externalId"].as_str())
        .collect();
    assert_eq!(ids, ["3", "7"]);
    let by_brackets = crm
        .get(
            "/api/v5/customers",
            "filter[ids][]=2&filter[email]=C2@example.com",
        )
        .await;
    assert_eq!(by_brackets.body["pagination"]["totalCount"], 1);
    let by_name = crm
        .get("/api/v5/customers", "filter[name]=customer+2")
        .await;
    assert_eq!(by_name.body["pagination"]["totalCount"], 8, "2 and 20…26");

    let bad_limit = crm.get("/api/v5/customers", "limit=10").await;
    assert_eq!(bad_limit.status, 400);
    assert_eq!(bad_limit.body["errorMsg"], "Errors in the input parameters");
}

#[tokio::test]
async fn upload_answers_460_with_what_was_and_was_not_uploaded() {
    let crm = Crm::start().await;
    crm.customer("taken").await;
    let batch = json!([{"externalId": "new-1"}, {"externalId": "taken"}, {"firstName": "No id"}]);
    let upload = crm
        .post(
            "/api/v5/customers/upload",
            form(&[("customers", &batch.to_string()), ("site", "shop")]),
        )
        .await;
    assert_eq!(upload.status, 460, "{}", upload.text);
    assert_eq!(upload.body["success"], false);
    assert_eq!(
        upload.body["uploadedCustomers"],
        json!([{"id": 2, "externalId": "new-1"}, {"id": 3, "externalId": null}])
    );
    assert_eq!(
        upload.body["failedCustomers"],
        json!([{"externalId": "taken"}])
    );
    assert_eq!(
        upload.body["errors"],
        json!({"1": "Customer with externalId=taken already exists."})
    );

    let too_many: Vec<_> = (0..51)
        .map(|i| json!({"externalId": format!("m{i}")}))
        .collect();
    let refused = crm
        .post(
            "/api/v5/customers/upload",
            form(&[
                ("customers", &json!(too_many).to_string()),
                ("site", "shop"),
            ]),
        )
        .await;
    assert_eq!(refused.status, 400);
    assert_eq!(
        refused.body["errors"]["customers"],
        "This collection should contain 50 elements or less."
    );
}

#[tokio::test]
async fn fix_external_ids_sets_them_by_crm_id() {
    let crm = Crm::start().await;
    let created = crm
        .create("customers", json!({"firstName": "No external id"}))
        .await;
    let id = created.body["id"].as_u64().expect("an id");
    let fix = form(&[(
        "customers",
        &json!([{"id": id, "externalId": "77"}]).to_string(),
    )]);
    let answer = crm.post("/api/v5/customers/fix-external-ids", fix).await;
    assert_eq!(answer.body, json!({"success": true}));
    assert_eq!(
        crm.fetch("customers", "77", "externalId").await.body["customer"]["id"],
        id
    );

    let unknown = form(&[(
        "customers",
        &json!([{"id": 999, "externalId": "x"}]).to_string(),
    )]);
    assert_eq!(
        crm.post("/api/v5/customers/fix-external-ids", unknown)
            .await
            .status,
        400
    );
}
