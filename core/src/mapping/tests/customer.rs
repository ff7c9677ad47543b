use serde_json::{Value, json};

use super::fixtures::{load, user_from_event};
use crate::mapping::{MappingError, customer};

fn checkout_user(form: &str) -> (Value, Value) {
    (
        load("modUser.json")["customer_auto_created_by_minishop2"][form].clone(),
        load("modUserProfile.json")["customer"][form].clone(),
    )
}

fn jane() -> Value {
    json!({
        "externalId": "4",
        "createdAt": "2026-11-29 07:16:52",
        "firstName": "Jane Customer",
        "email": "jane.customer@example.com",
        "phones": [{"number": "+15550303"}],
    })
}

fn with_fullname(name: &str) -> Value {
    let (user, mut profile) = checkout_user("toArray");
    profile["fullname"] = json!(name);
    customer(&user, &profile).unwrap()
}

#[test]
fn customer_from_checkout_user_fixture() {
    let (user, profile) = checkout_user("toArray");
    assert_eq!(customer(&user, &profile).unwrap(), jane());
}

#[test]
fn customer_from_raw_rows_formats_unix_createdon() {
    let (user, profile) = checkout_user("raw_row");
    assert_eq!(user["createdon"], json!(1795936612));
    assert_eq!(customer(&user, &profile).unwrap(), jane());
}

#[test]
fn customer_from_db_rows() {
    let user = load("db/modUser_customer.json")["raw_row"].clone();
    let profile = load("db/modUserProfile_customer.json")["raw_row"].clone();
    assert_eq!(customer(&user, &profile).unwrap(), jane());
}

#[test]
fn customer_from_web_onusersave_event() {
    let (user, profile) = user_from_event("OnUserSave__3.json");
    assert_eq!(customer(&user, &profile).unwrap(), jane());
}

#[test]
fn customer_from_manager_created_user_fixture_has_both_phones_and_address() {
    let user = load("modUser.json")["created_by_security_user_create_processor"]["toArray"].clone();
    let profile = load("modUserProfile.json")["processor"]["toArray"].clone();
    assert_eq!(
        customer(&user, &profile).unwrap(),
        json!({
            "externalId": "2",
            "createdAt": "2026-11-29 07:16:52",
            "firstName": "John Doe",
            "email": "jdoe@example.com",
            "phones": [{"number": "+1 555 0100"}, {"number": "+15550101"}],
            "address": {
                "index": "12345",
                "countryIso": "US",
                "city": "Springfield",
                "text": "12345, US, Springfield, 1 Main St",
            },
        })
    );
}

#[test]
fn customer_three_word_name_is_last_first_patronymic() {
    let mapped = with_fullname("  Иванов   Иван Иванович ");
    assert_eq!(mapped["lastName"], json!("Иванов"));
    assert_eq!(mapped["firstName"], json!("Иван"));
    assert_eq!(mapped["patronymic"], json!("Иванович"));
}

#[test]
fn customer_one_and_four_word_names_go_whole_into_first_name() {
    for name in ["Cher", "Anna Maria de la Cruz"] {
        let mapped = with_fullname(name);
        assert_eq!(mapped["firstName"], json!(name));
        assert!(mapped.get("lastName").is_none() && mapped.get("patronymic").is_none());
    }
}

#[test]
fn customer_unicode_emoji_and_markup_in_names_are_kept_verbatim() {
    let name = "Zoë🦄 <b>&\"O'Brien\"</b>";
    assert_eq!(with_fullname(name)["firstName"], json!(name));
}

#[test]
fn customer_blank_name_sends_no_name() {
    let mapped = with_fullname("   ");
    assert!(mapped.get("firstName").is_none());
}

#[test]
fn customer_phones_are_a_list_without_repeats() {
    let (user, mut profile) = checkout_user("toArray");
    profile["phone"] = json!("+1 (555) 0303");
    assert_eq!(
        customer(&user, &profile).unwrap()["phones"],
        json!([{"number": "+1 (555) 0303"}])
    );
    profile["phone"] = json!("");
    profile["mobilephone"] = json!("");
    assert!(customer(&user, &profile).unwrap().get("phones").is_none());
}

#[test]
fn customer_email_falls_back_to_an_email_username() {
    let (user, mut profile) = checkout_user("toArray");
    profile["email"] = json!("");
    assert_eq!(
        customer(&user, &profile).unwrap()["email"],
        json!("jane.customer@example.com")
    );
    let named = json!({"id": 7, "username": "jdoe"});
    assert!(customer(&named, &profile).unwrap().get("email").is_none());
}

#[test]
fn customer_id_comes_from_internal_key_when_the_user_has_none() {
    let profile = json!({"internalKey": "9", "fullname": "A"});
    assert_eq!(
        customer(&Value::Null, &profile).unwrap(),
        json!({"externalId": "9", "firstName": "A"})
    );
}

#[test]
fn customer_without_any_id_is_an_error() {
    let error = customer(&json!({}), &json!({})).unwrap_err();
    assert_eq!(error, MappingError::missing("user.id"));
    assert_eq!(error.to_string(), "user.id is missing");
}
