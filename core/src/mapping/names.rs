//! The baseline's name rule, the same for customers and orders.

use serde_json::{Map, Value};

/// Puts a full name into `payload`: exactly three words are read as last name, first name
/// and patronymic (Russian order); any other name goes whole into `firstName`. A blank name
/// adds nothing.
pub fn insert_names(payload: &mut Map<String, Value>, full_name: Option<&str>) {
    let words: Vec<&str> = full_name.unwrap_or_default().split_whitespace().collect();
    match words.as_slice() {
        [] => {}
        [last, first, patronymic] => {
            payload.insert("firstName".into(), Value::from(*first));
            payload.insert("lastName".into(), Value::from(*last));
            payload.insert("patronymic".into(), Value::from(*patronymic));
        }
        _ => {
            payload.insert("firstName".into(), Value::from(words.join(" ")));
        }
    }
}
