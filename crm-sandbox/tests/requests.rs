//! Requests as RetailCRM takes them: bodies urlencoded or multipart (what PHP's curl sends for
//! an array, and so what the official PHP client always sends), the key as the `X-API-KEY`
//! header or the `apiKey` parameter in the query or the body; and RetailCRM's own route words
//! answered "API method not found" rather than read as ids.

mod common;

use common::{BOUNDARY, Crm, form, multipart};
use serde_json::{Value, json};

const FORM: &str = "application/x-www-form-urlencoded";

/// The fields of an order create for site `shop`, with the key in the body.
fn create_fields(order: &str) -> Vec<(&str, &str)> {
    vec![("apiKey", common::KEY), ("site", "shop"), ("order", order)]
}

#[tokio::test]
async fn the_same_create_is_taken_urlencoded_and_multipart_with_the_key_in_the_body() {
    let crm = Crm::start().await;
    let first = json!({"externalId": "u-1", "firstName": "Anna", "items": [{"productName": "Cap", "initialPrice": 10, "quantity": 2}]});
    let encoded = form(&create_fields(&first.to_string()));
    let by_form = crm
        .post_raw("/api/v5/orders/create", FORM, encoded.into_bytes())
        .await;
    assert_eq!(by_form.status, 201, "{}", by_form.text);

    let second = json!({"externalId": "m-1", "firstName": "Anna", "items": [{"productName": "Cap", "initialPrice": 10, "quantity": 2}]});
    let (content_type, body) = multipart(&create_fields(&second.to_string()));
    let by_multipart = crm
        .post_raw("/api/v5/orders/create", &content_type, body.clone())
        .await;
    assert_eq!(by_multipart.status, 201, "{}", by_multipart.text);
    assert_eq!(by_multipart.body["order"]["externalId"], "m-1");
    assert_eq!(by_multipart.body["order"]["totalSumm"], 20);
    let shape = |answer: &Value| {
        let mut order = answer["order"].clone();
        for volatile in [
            "id",
            "number",
            "externalId",
            "createdAt",
            "customer",
            "items",
        ] {
            order[volatile] = Value::Null;
        }
        order
    };
    assert_eq!(shape(&by_multipart.body), shape(&by_form.body));

    let requests = crm.requests().await;
    let logged = &requests[1];
    assert_eq!(logged["body"], String::from_utf8(body).expect("text"));
    assert_eq!(logged["params"]["order"]["externalId"], "m-1");
    assert_eq!(logged["params"]["apiKey"], common::KEY);
    assert_eq!(logged["params"], {
        let mut urlencoded = requests[0]["params"].clone();
        urlencoded["order"] = second;
        urlencoded
    });
}

#[tokio::test]
async fn multipart_fields_nest_like_form_fields_and_file_parts_are_left_out() {
    let crm = Crm::start().await;
    crm.customer("c-1").await;
    crm.customer("c-2").await;
    let body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"filter[externalIds][0]\"\r\n\r\nc-2\r\n\
         --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"apiKey\"\r\n\r\n{key}\r\n\
         --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"upload\"; filename=\"a.txt\"\r\n\
         Content-Type: text/plain\r\n\r\nfile\r\n--{BOUNDARY}--\r\n",
        key = common::KEY
    );
    let content_type = format!("multipart/form-data; boundary={BOUNDARY}");
    let answer = crm
        .post_raw(
            "/api/v5/customers/combine",
            &content_type,
            body.into_bytes(),
        )
        .await;
    // The route needs other fields: what matters is that the key in the body was read.
    assert_eq!(
        answer.body,
        json!({"success": false, "errorMsg": "Parameter 'customers' is missing"})
    );
    let logged = crm.requests().await;
    assert_eq!(
        logged[2]["params"],
        json!({"filter": {"externalIds": ["c-2"]}, "apiKey": common::KEY})
    );
}

#[tokio::test]
async fn a_malformed_multipart_body_is_refused_and_changes_nothing() {
    let crm = Crm::start().await;
    let order = json!({"externalId": "cut"}).to_string();
    let (content_type, body) = multipart(&create_fields(&order));
    let cut = body[..body.len() - 20].to_vec();
    let answer = crm
        .post_raw("/api/v5/orders/create", &content_type, cut)
        .await;
    assert_eq!(answer.status, 400, "{}", answer.text);
    assert_eq!(answer.body["success"], false);
    let message = answer.body["errorMsg"].as_str().expect("a message");
    assert!(
        message.starts_with("The multipart/form-data body is malformed"),
        "{message}"
    );
    let state = crm.control(reqwest::Method::GET, "state", None).await.body;
    assert_eq!(state["orders"], json!([]));
}

#[tokio::test]
async fn the_key_is_taken_from_the_query_the_urlencoded_body_or_the_multipart_body() {
    let crm = Crm::start().await;
    let sites = crm
        .http
        .get(crm.url("/api/v5/reference/sites?apiKey=sandbox-key"))
        .send()
        .await
        .expect("an answer");
    assert_eq!(sites.status(), 200);

    let task = json!({"text": "Call"}).to_string();
    let by_query = crm
        .post_raw(
            "/api/v5/tasks/create?apiKey=sandbox-key",
            FORM,
            form(&[("task", &task)]).into_bytes(),
        )
        .await;
    assert_eq!(by_query.status, 201, "{}", by_query.text);
    let by_form = crm
        .post_raw(
            "/api/v5/tasks/create",
            FORM,
            form(&[("apiKey", common::KEY), ("task", &task)]).into_bytes(),
        )
        .await;
    assert_eq!(by_form.status, 201, "{}", by_form.text);
    let (content_type, body) = multipart(&[("apiKey", common::KEY), ("task", &task)]);
    let by_multipart = crm
        .post_raw("/api/v5/tasks/create", &content_type, body)
        .await;
    assert_eq!(by_multipart.status, 201, "{}", by_multipart.text);
    assert_eq!(by_multipart.body, json!({"success": true, "id": 3}));

    let (content_type, body) = multipart(&[("apiKey", "stolen"), ("task", &task)]);
    let wrong = crm
        .post_raw("/api/v5/tasks/create", &content_type, body)
        .await;
    assert_eq!(
        (wrong.status, wrong.body),
        (
            403,
            json!({"success": false, "errorMsg": "Wrong \"apiKey\" value."})
        )
    );
    let (content_type, body) = multipart(&[("task", &task)]);
    let missing = crm
        .post_raw("/api/v5/tasks/create", &content_type, body)
        .await;
    assert_eq!(
        (missing.status, missing.body),
        (
            403,
            json!({"success": false, "errorMsg": "\"apiKey\" is missing."})
        )
    );
    let state = crm.control(reqwest::Method::GET, "state", None).await.body;
    assert_eq!(state["tasks"].as_array().map(Vec::len), Some(3));
}

#[tokio::test]
async fn retailcrm_route_words_are_methods_not_ids() {
    let crm = Crm::start().await;
    let no_method = json!({"success": false, "errorMsg": "API method not found"});
    for (path, query) in [
        ("/api/v5/customers/subscriptions", "site=shop"),
        ("/api/v5/customers/combine", "site=shop"),
        ("/api/v5/orders/packs", "site=shop"),
        ("/api/v5/orders/links", ""),
        ("/api/v5/orders/combine", ""),
        ("/api/v5/orders/payments", "site=shop"),
    ] {
        let answer = crm.get(path, query).await;
        assert_eq!((answer.status, &answer.body), (404, &no_method), "{path}");
    }
    for path in [
        "/api/v5/orders/packs/create",
        "/api/v5/orders/packs/edit",
        "/api/v5/customers/notes/edit",
        "/api/v5/customers/subscriptions/edit",
        "/api/v5/orders/loyalty/apply",
    ] {
        let answer = crm
            .post(path, form(&[("site", "shop"), ("order", "{}")]))
            .await;
        assert_eq!((answer.status, &answer.body), (404, &no_method), "{path}");
    }
    // Any other word is still an externalId.
    crm.customer("notes-1").await;
    let found = crm.fetch("customers", "notes-1", "externalId").await;
    assert_eq!(found.status, 200, "{}", found.text);
    let missing = crm.fetch("customers", "nobody", "externalId").await;
    assert_eq!(
        missing.body,
        json!({"success": false, "errorMsg": "Not found"})
    );
}
