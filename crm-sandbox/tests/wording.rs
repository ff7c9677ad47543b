//! Error texts in Russian or reworded: the texts change, the statuses and `errors` keys do not.

mod common;

use common::Crm;
use serde_json::{Value, json};

/// The error answers of a duplicate customer, an order whose customer is missing, and an
/// order nobody has, in the wording in force.
async fn refusals(crm: &Crm) -> Vec<(u16, Value)> {
    let duplicate = crm
        .create(
            "customers",
            json!({"externalId": "c-1", "firstName": "Anna"}),
        )
        .await;
    let orphan = crm
        .create(
            "orders",
            json!({"externalId": "o-1", "customer": {"externalId": "c-404"}}),
        )
        .await;
    let absent = crm.fetch("orders", "o-404", "externalId").await;
    [duplicate, orphan, absent]
        .into_iter()
        .map(|answer| (answer.status, answer.body))
        .collect()
}

#[tokio::test]
async fn russian_and_reworded_texts_keep_statuses_and_fields() {
    let crm = Crm::start().await;
    crm.customer("c-1").await;
    let english = refusals(&crm).await;
    assert_eq!(
        english,
        vec![
            (
                400,
                json!({"success": false, "errorMsg": "Customer is not loaded",
                       "errors": {"externalId": "Customer with externalId=c-1 already exists."}})
            ),
            (
                400,
                json!({"success": false, "errorMsg": "Order is not loaded",
                       "errors": {"customer.externalId": "Customer with externalId=c-404 not found."}})
            ),
            (404, json!({"success": false, "errorMsg": "Not found"})),
        ]
    );

    let set = crm.control_post("wording", json!({"wording": "ru"})).await;
    assert_eq!(set, json!({"success": true, "wording": "ru"}));
    assert_eq!(
        refusals(&crm).await,
        vec![
            (
                400,
                json!({"success": false, "errorMsg": "Клиент не загружен",
                       "errors": {"externalId": "Клиент с externalId=c-1 уже существует."}})
            ),
            (
                400,
                json!({"success": false, "errorMsg": "Заказ не загружен",
                       "errors": {"customer.externalId": "Клиент с externalId=c-404 не найден."}})
            ),
            (404, json!({"success": false, "errorMsg": "Не найдено"})),
        ]
    );

    crm.control_post("wording", json!({"wording": "reworded"}))
        .await;
    assert_eq!(
        refusals(&crm).await,
        vec![
            (
                400,
                json!({"success": false, "errorMsg": "The customer was rejected",
                       "errors": {"externalId": "The customer externalId c-1 is taken."}})
            ),
            (
                400,
                json!({"success": false, "errorMsg": "The order was rejected",
                       "errors": {"customer.externalId": "No customer has externalId c-404."}})
            ),
            (
                404,
                json!({"success": false, "errorMsg": "Nothing matches"})
            ),
        ]
    );

    crm.control_post("reset", json!({})).await;
    crm.customer("c-1").await;
    assert_eq!(refusals(&crm).await, english, "a reset brings English back");
}

#[tokio::test]
async fn success_answers_are_left_alone() {
    let crm = Crm::start().await;
    crm.control_post("wording", json!({"wording": "ru"})).await;
    let created = crm
        .create(
            "customers",
            json!({"externalId": "c-2", "firstName": "Anna"}),
        )
        .await;
    assert_eq!(created.status, 201);
    let read = crm.fetch("customers", "c-2", "externalId").await;
    assert_eq!(read.status, 200, "{}", read.text);
    assert_eq!(read.body["customer"]["firstName"], "Anna");
}

#[tokio::test]
async fn an_unknown_wording_is_refused() {
    let crm = Crm::start().await;
    for body in [
        json!({"wording": "de"}),
        json!({"language": "ru"}),
        json!({}),
    ] {
        let answer = crm
            .control(reqwest::Method::POST, "wording", Some(body.clone()))
            .await;
        assert_eq!(answer.status, 400, "{body}: {}", answer.text);
        assert_eq!(answer.body["success"], false);
    }
}
