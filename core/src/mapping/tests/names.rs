//! The name rule (`mapping/names.rs`) for 1 to 5 words and company receivers.

use serde_json::{Map, Value, json};

use crate::mapping::names::insert_names;

/// `[firstName, lastName, patronymic]` of `name` (null where not set).
fn names(name: &str) -> [Value; 3] {
    let mut payload = Map::new();
    insert_names(&mut payload, Some(name));
    ["firstName", "lastName", "patronymic"]
        .map(|key| payload.get(key).cloned().unwrap_or(Value::Null))
}

fn whole(name: &str) -> [Value; 3] {
    [json!(name), Value::Null, Value::Null]
}

#[test]
fn one_and_two_words_are_kept_whole_in_the_first_name() {
    assert_eq!(names(" Cher "), whole("Cher"));
    assert_eq!(names("Jane   Customer"), whole("Jane Customer"));
    assert_eq!(names("Петров Иван"), whole("Петров Иван"));
}

#[test]
fn three_words_are_split_where_a_patronymic_says_the_order() {
    let ivanov = [json!("Иван"), json!("Иванов"), json!("Иванович")];
    assert_eq!(names("Иванов Иван Иванович"), ivanov);
    assert_eq!(names("Иван Иванович Иванов"), ivanov);
    assert_eq!(
        names("Ленина Мария Ильинична"),
        [json!("Мария"), json!("Ленина"), json!("Ильинична")]
    );
    assert_eq!(
        names("Ульянов Владимир Ильич"),
        [json!("Владимир"), json!("Ульянов"), json!("Ильич")]
    );
    assert_eq!(
        names("Ivan Ivanovich Petrov"),
        [json!("Ivan"), json!("Petrov"), json!("Ivanovich")]
    );
    assert_eq!(names("Mary Ann Smith"), whole("Mary Ann Smith"));
    assert_eq!(
        names("Johann Heinrich Schmidt"),
        whole("Johann Heinrich Schmidt")
    );
    // Both could be the patronymic: the order cannot be told.
    assert_eq!(names("Иван Петрович Бабич"), whole("Иван Петрович Бабич"));
}

#[test]
fn four_and_five_words_are_split_only_for_a_turkic_patronymic() {
    assert_eq!(
        names("Мамедов Али Гасан оглы"),
        [json!("Али"), json!("Мамедов"), json!("Гасан оглы")]
    );
    assert_eq!(
        names("Anna Maria de la Cruz"),
        whole("Anna Maria de la Cruz")
    );
    assert_eq!(
        names("Мария Анна фон дер Вальде"),
        whole("Мария Анна фон дер Вальде")
    );
}

#[test]
fn company_receivers_are_kept_whole() {
    for company in [
        "ООО «Ромашка»",
        "ИП Петров Пётр Петрович",
        "\"Вектор\" Иванов Иван Иванович",
        "Acme Trading Ltd.",
        "Stark Industries, Inc.",
    ] {
        assert_eq!(names(company), whole(company), "{company}");
    }
}
