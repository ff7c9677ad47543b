//! The words of the API's error texts: English as the sandbox writes them (the default),
//! Russian as RetailCRM answers a Russian-speaking account, or reworded English. A client
//! must decide by an answer's structure (status, the fields named in `errors`), never by
//! its words; `POST /__control/wording {"wording": "en" | "ru" | "reworded"}` lets tests
//! show that it does. Only the texts of error answers change (`errorMsg` and the messages
//! in `errors`): statuses, the `errors` keys and every success answer stay as they are. A
//! text the table below does not know stays English. A reset brings back English.

use super::{Answer, done, read};
use crate::app::{App, locked};
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};

/// How error texts are worded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
pub enum Words {
    /// The sandbox's own English texts.
    #[serde(rename = "en")]
    English,
    /// Russian, as a Russian-speaking account answers.
    #[serde(rename = "ru")]
    Russian,
    /// English saying the same with other words.
    #[serde(rename = "reworded")]
    Reworded,
}

/// The wording in force, shared by the control API and the API's answers.
#[derive(Debug)]
pub struct Wording(Mutex<Words>);

impl Default for Wording {
    fn default() -> Self {
        Wording(Mutex::new(Words::English))
    }
}

impl Wording {
    /// The wording in force.
    pub fn get(&self) -> Words {
        *locked(&self.0)
    }

    /// Puts `words` in force.
    pub fn set(&self, words: Words) {
        *locked(&self.0) = words;
    }
}

/// The body of `POST /__control/wording`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WordingRequest {
    wording: Words,
}

/// `POST /__control/wording`: puts a wording in force until the next reset.
pub(super) async fn set_wording(State(app): State<Arc<App>>, body: axum::body::Bytes) -> Answer {
    let request: WordingRequest = read(&body)?;
    app.wording.set(request.wording);
    Ok(done(json!({"wording": request.wording})))
}

/// The middleware around the API routes that rewords the texts of JSON error answers.
pub async fn reword(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let words = app.wording.get();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|value| value.as_bytes().starts_with(b"application/json"));
    if words == Words::English || response.status().as_u16() < 400 || !is_json {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    // Error answers are built in memory by the sandbox itself: reading them whole is bounded.
    let Ok(bytes) = to_bytes(body, usize::MAX).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let Ok(mut answer) = serde_json::from_slice::<Value>(&bytes) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    reword_answer(&mut answer, words);
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(answer.to_string()))
}

/// Rewords `errorMsg` and every message in `errors` of an error answer.
fn reword_answer(answer: &mut Value, words: Words) {
    if let Some(Value::String(message)) = answer.get_mut("errorMsg") {
        *message = reworded(message, words);
    }
    let messages: Vec<&mut Value> = match answer.get_mut("errors") {
        Some(Value::Object(fields)) => fields.values_mut().collect(),
        Some(Value::Array(items)) => items.iter_mut().collect(),
        _ => Vec::new(),
    };
    for message in messages {
        if let Value::String(text) = message {
            *text = reworded(text, words);
        }
    }
}

/// One of the sandbox's texts that has other wordings.
#[derive(Debug, PartialEq)]
enum Text<'a> {
    /// `{Entity} with {by}={id} already exists.`
    Exists(&'static Entity, &'a str),
    /// `{Entity} with {by}={id} not found.`
    Missing(&'static Entity, &'a str),
    /// `{Entity} is not loaded`
    NotLoaded(&'static Entity),
    /// A text without variable parts: its English, Russian and reworded forms.
    Fixed(&'static [&'static str; 3]),
}

/// An entity the sandbox's texts name: its English title, Russian name and English noun.
#[derive(Debug, PartialEq)]
struct Entity {
    title: &'static str,
    russian: &'static str,
    noun: &'static str,
}

const ENTITIES: &[Entity] = &[
    Entity {
        title: "Order",
        russian: "Заказ",
        noun: "order",
    },
    Entity {
        title: "Customer",
        russian: "Клиент",
        noun: "customer",
    },
    Entity {
        title: "Payment",
        russian: "Платёж",
        noun: "payment",
    },
];

impl Entity {
    fn parse(title: &str) -> Option<&'static Entity> {
        ENTITIES.iter().find(|entity| entity.title == title)
    }
}

const FIXED: &[[&str; 3]] = &[
    ["Not found", "Не найдено", "Nothing matches"],
    [
        "API method not found",
        "Метод API не найден",
        "No such API method",
    ],
    [
        "Errors in the entity format",
        "Ошибки в формате сущности",
        "The entity's fields are invalid",
    ],
    [
        "Errors in the input parameters",
        "Ошибки во входных параметрах",
        "Some parameters are invalid",
    ],
    [
        "Service temporarily unavailable",
        "Сервис временно недоступен",
        "Too many requests for now",
    ],
];

impl<'a> Text<'a> {
    /// Recognises one of the sandbox's English texts.
    fn parse(text: &'a str) -> Option<Text<'a>> {
        if let Some(fixed) = FIXED.iter().find(|fixed| fixed[0] == text) {
            return Some(Text::Fixed(fixed));
        }
        if let Some(title) = text.strip_suffix(" is not loaded") {
            return Entity::parse(title).map(Text::NotLoaded);
        }
        let (subject, make): (&str, fn(&'static Entity, &'a str) -> Text<'a>) =
            if let Some(subject) = text.strip_suffix(" already exists.") {
                (subject, Text::Exists)
            } else {
                (text.strip_suffix(" not found.")?, Text::Missing)
            };
        let (title, key) = subject.split_once(" with ")?;
        Some(make(Entity::parse(title)?, key))
    }

    /// The text in `words`.
    fn render(&self, words: Words) -> String {
        match (self, words) {
            (Text::Fixed(forms), Words::English) => forms[0].to_string(),
            (Text::Fixed(forms), Words::Russian) => forms[1].to_string(),
            (Text::Fixed(forms), Words::Reworded) => forms[2].to_string(),
            (Text::Exists(entity, key), Words::English) => {
                format!("{} with {key} already exists.", entity.title)
            }
            (Text::Exists(entity, key), Words::Russian) => {
                format!("{} с {key} уже существует.", entity.russian)
            }
            (Text::Exists(entity, key), Words::Reworded) => {
                format!("The {} {} is taken.", entity.noun, key.replace('=', " "))
            }
            (Text::Missing(entity, key), Words::English) => {
                format!("{} with {key} not found.", entity.title)
            }
            (Text::Missing(entity, key), Words::Russian) => {
                format!("{} с {key} не найден.", entity.russian)
            }
            (Text::Missing(entity, key), Words::Reworded) => {
                format!("No {} has {}.", entity.noun, key.replace('=', " "))
            }
            (Text::NotLoaded(entity), Words::English) => format!("{} is not loaded", entity.title),
            (Text::NotLoaded(entity), Words::Russian) => format!("{} не загружен", entity.russian),
            (Text::NotLoaded(entity), Words::Reworded) => {
                format!("The {} was rejected", entity.noun)
            }
        }
    }
}

/// `text` in `words`, or unchanged when it is not one the table knows.
fn reworded(text: &str, words: Words) -> String {
    Text::parse(text).map_or_else(|| text.to_string(), |known| known.render(words))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_known_text_has_its_three_wordings() {
        let cases = [
            (
                "Order with externalId=7 already exists.",
                "Заказ с externalId=7 уже существует.",
                "The order externalId 7 is taken.",
            ),
            (
                "Customer with externalId=9 not found.",
                "Клиент с externalId=9 не найден.",
                "No customer has externalId 9.",
            ),
            (
                "Payment with id=3 not found.",
                "Платёж с id=3 не найден.",
                "No payment has id 3.",
            ),
            (
                "Customer is not loaded",
                "Клиент не загружен",
                "The customer was rejected",
            ),
            (
                "Errors in the entity format",
                "Ошибки в формате сущности",
                "The entity's fields are invalid",
            ),
        ];
        for (english, russian, other) in cases {
            assert_eq!(reworded(english, Words::English), english);
            assert_eq!(reworded(english, Words::Russian), russian);
            assert_eq!(reworded(english, Words::Reworded), other);
        }
    }

    #[test]
    fn unknown_texts_stay_as_they_are() {
        for text in [
            "Status \"x\" does not exist.",
            "Planet with externalId=1 not found.",
            "Order is not loaded at all",
            "",
        ] {
            assert_eq!(reworded(text, Words::Russian), text);
        }
    }

    #[test]
    fn an_answer_keeps_its_shape_and_keys() {
        let mut answer = json!({"success": false, "errorMsg": "Order is not loaded",
            "errors": {"externalId": "Order with externalId=1 already exists.", "status": 5}});
        reword_answer(&mut answer, Words::Russian);
        assert_eq!(
            answer,
            json!({"success": false, "errorMsg": "Заказ не загружен",
                "errors": {"externalId": "Заказ с externalId=1 уже существует.", "status": 5}})
        );
        let mut listed = json!({"errorMsg": "Not found", "errors": ["Not found"]});
        reword_answer(&mut listed, Words::Reworded);
        assert_eq!(
            listed,
            json!({"errorMsg": "Nothing matches", "errors": ["Nothing matches"]})
        );
    }
}
