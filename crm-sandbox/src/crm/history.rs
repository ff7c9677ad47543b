//! The change history of one kind of entity, as `orders/history` and `customers/history`
//! answer it.

use super::fields::Object;
use super::filter::day_end;
use super::merge::Change;
use super::paging::Paging;
use crate::wire::clock;
use serde_json::{Value, json};

/// Who made a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// A program through the API with this key (`source: "api"`).
    Api(String),
    /// A manager in the CRM's interface (`source: "user"`).
    Manager,
}

/// Which entries to answer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HistoryFilter {
    /// Only entries with a greater id (`filter[sinceId]`).
    pub since_id: Option<u64>,
    /// Only entries made at or after this `Y-m-d H:i:s` (`filter[startDate]`).
    pub start_date: Option<String>,
    /// Only entries made at or before this `Y-m-d H:i:s` (`filter[endDate]`).
    pub end_date: Option<String>,
}

/// Fields whose history values are references, written as `{"code": …}`.
const CODE_FIELDS: [&str; 6] = [
    "status",
    "order_method",
    "order_type",
    "delivery_type",
    "payments.type",
    "payments.status",
];

#[derive(Debug, Clone)]
struct Entry {
    created_at: String,
    actor: Actor,
    body: Object,
}

/// Entries in the order they were made; an entry's id is its position plus one.
#[derive(Debug, Clone, Default)]
pub struct History {
    entries: Vec<Entry>,
}

impl History {
    /// Adds an entry made now by `actor`; `body` holds what changed (`created`, or `field`,
    /// `oldValue`, `newValue`) and the entity concerned.
    pub fn record(&mut self, actor: &Actor, body: Object) {
        self.entries.push(Entry {
            created_at: clock::now(),
            actor: actor.clone(),
            body,
        });
    }

    /// How many entries there are.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// The page of entries `filter` selects, as answered to the holder of `reader_key`
    /// (`apiKey.current` says whether that key made the change), and its pagination.
    pub fn page(
        &self,
        filter: &HistoryFilter,
        paging: &Paging,
        reader_key: &str,
    ) -> (Vec<Value>, Value) {
        let selected: Vec<(u64, &Entry)> = (1u64..)
            .zip(&self.entries)
            .filter(|(id, entry)| accepts(filter, *id, entry))
            .collect();
        let (page, pagination) = paging.apply(selected);
        let rendered = page
            .into_iter()
            .map(|(id, entry)| render(id, entry, reader_key))
            .collect();
        (rendered, pagination)
    }
}

/// The `field`, `oldValue` and `newValue` of an entry for `change`: snake_case names joined by
/// `_` (`delivery.cost` → `delivery_cost`, `delivery.code` → `delivery_type`), put after
/// `prefix.` when given (`payments.status`); references written as `{"code": …}`.
pub fn describe(change: Change, prefix: Option<&str>) -> Object {
    let name: Vec<String> = change.path.iter().map(|key| snake_case(key)).collect();
    let mut name = name.join("_");
    if name == "delivery_code" {
        name = "delivery_type".to_string();
    }
    let field = match prefix {
        Some(prefix) => format!("{prefix}.{name}"),
        None => name,
    };
    let is_code = CODE_FIELDS.contains(&field.as_str());
    let code = |value: Value| match value {
        Value::Null => Value::Null,
        value if is_code => json!({"code": value}),
        value => value,
    };
    let mut body = Object::new();
    body.insert("field".into(), Value::String(field));
    body.insert("oldValue".into(), code(change.old));
    body.insert("newValue".into(), code(change.new));
    body
}

fn snake_case(key: &str) -> String {
    let mut out = String::with_capacity(key.len() + 4);
    for c in key.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

fn accepts(filter: &HistoryFilter, id: u64, entry: &Entry) -> bool {
    filter.since_id.is_none_or(|since| id > since)
        && filter
            .start_date
            .as_deref()
            .is_none_or(|start| entry.created_at.as_str() >= start)
        && filter
            .end_date
            .as_deref()
            .is_none_or(|end| entry.created_at <= day_end(end))
}

fn render(id: u64, entry: &Entry, reader_key: &str) -> Value {
    let mut out = Object::new();
    out.insert("id".into(), Value::from(id));
    out.insert("createdAt".into(), Value::String(entry.created_at.clone()));
    match &entry.actor {
        Actor::Api(key) => {
            out.insert("source".into(), Value::from("api"));
            out.insert("apiKey".into(), json!({"current": key == reader_key}));
        }
        Actor::Manager => {
            out.insert("source".into(), Value::from("user"));
            out.insert("user".into(), json!({"id": 1}));
        }
    }
    out.extend(entry.body.clone());
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crm::paging::LIST_LIMITS;

    fn paging() -> Paging {
        Paging::parse(None, None, 100, LIST_LIMITS).expect("valid")
    }

    #[test]
    fn names_fields_like_retailcrm() {
        let change = |path: &[&str], old: Value, new: Value| Change {
            path: path.iter().map(|p| p.to_string()).collect(),
            old,
            new,
        };
        let status = describe(change(&["status"], json!("new"), json!("assembling")), None);
        assert_eq!(
            Value::Object(status),
            json!({"field": "status", "oldValue": {"code": "new"}, "newValue": {"code": "assembling"}})
        );
        let delivery = describe(
            change(&["delivery", "code"], Value::Null, json!("courier")),
            None,
        );
        assert_eq!(delivery["field"], "delivery_type");
        assert_eq!(delivery["oldValue"], Value::Null);
        assert_eq!(delivery["newValue"], json!({"code": "courier"}));
        let comment = describe(change(&["managerComment"], json!("a"), json!("b")), None);
        assert_eq!(comment["field"], "manager_comment");
        assert_eq!(comment["newValue"], "b");
        let paid = describe(
            change(&["status"], json!("not-paid"), json!("paid")),
            Some("payments"),
        );
        assert_eq!(paid["field"], "payments.status");
        assert_eq!(paid["newValue"], json!({"code": "paid"}));
    }

    #[test]
    fn marks_the_readers_own_changes_and_filters_by_id_and_date() {
        let mut history = History::default();
        history.record(&Actor::Api("mine".into()), Object::new());
        history.record(&Actor::Api("theirs".into()), Object::new());
        history.record(&Actor::Manager, Object::new());
        let (all, pagination) = history.page(&HistoryFilter::default(), &paging(), "mine");
        assert_eq!(pagination["totalCount"], 3);
        assert_eq!(all[0]["apiKey"]["current"], true);
        assert_eq!(all[1]["apiKey"]["current"], false);
        assert_eq!(all[2]["source"], "user");
        assert!(all[2].get("apiKey").is_none());
        let since = HistoryFilter {
            since_id: Some(2),
            ..HistoryFilter::default()
        };
        let (after, _) = history.page(&since, &paging(), "mine");
        assert_eq!(after.len(), 1);
        assert_eq!(after[0]["id"], 3);
        let future = HistoryFilter {
            start_date: Some("2999-01-01 00:00:00".into()),
            ..HistoryFilter::default()
        };
        assert!(history.page(&future, &paging(), "mine").0.is_empty());
        let past = HistoryFilter {
            end_date: Some("2000-01-01".into()),
            ..HistoryFilter::default()
        };
        assert!(history.page(&past, &paging(), "mine").0.is_empty());
        assert_eq!(history.len(), 3);
    }
}
