//! Tasks, costs, customer notes and integration modules: recorded, read back, edited, and
//! shown in the state; nothing else in the CRM depends on them.

use super::fields::{Object, blank, number};
use super::filter::{Rule, Rules, matches};
use super::merge::deep_merge;
use super::paging::Paging;
use super::references::{EntryEdit, upsert};
use crate::wire::clock;
use crate::wire::error::{ApiError, FieldErrors};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// The filters of `GET tasks`.
const TASK_FILTERS: &Rules = &[
    ("ids", Rule::AnyOf("id")),
    ("performers", Rule::AnyOf("performerId")),
    ("text", Rule::Contains(&["text", "commentary"])),
];

/// The filters of `GET costs`.
const COST_FILTERS: &Rules = &[
    ("ids", Rule::AnyOf("id")),
    ("costItems", Rule::AnyOf("costItem")),
    ("sites", Rule::AnyOf("site")),
];

/// The filters of `GET customers/notes`.
const NOTE_FILTERS: &Rules = &[
    ("ids", Rule::AnyOf("id")),
    ("customerIds", Rule::AnyOf("customer.id")),
    ("customerExternalIds", Rule::AnyOf("customer.externalId")),
    ("text", Rule::Contains(&["text"])),
];

/// Tasks (`tasks/*`), costs (`costs*`) and customer notes (`customers/notes*`), oldest first;
/// integration modules (`integration-modules/*`) in the order they were made.
#[derive(Debug, Clone, Default)]
pub struct Extras {
    tasks: Vec<Object>,
    costs: Vec<Object>,
    notes: BTreeMap<u64, Object>,
    notes_made: u64,
    modules: Object,
}

impl Extras {
    /// Records a task, which needs a `text`; answers its id.
    pub fn create_task(&mut self, site: Option<String>, task: Object) -> Result<u64, ApiError> {
        let mut errors = FieldErrors::default();
        if blank(task.get("text")) {
            errors.add("text", "This value should not be blank.");
        }
        errors.check(ApiError::entity_format)?;
        Ok(add(&mut self.tasks, site, task))
    }

    /// Task `id`, when there is one.
    pub fn task(&self, id: u64) -> Option<&Object> {
        self.tasks.get(usize::try_from(id.checked_sub(1)?).ok()?)
    }

    /// A page of the tasks `filter` selects, oldest first, and its pagination.
    pub fn tasks(&self, filter: &Object, paging: &Paging) -> (Vec<Value>, Value) {
        page(self.tasks.iter(), filter, TASK_FILTERS, paging)
    }

    /// A page of the costs `filter` selects, oldest first, and its pagination.
    pub fn costs(&self, filter: &Object, paging: &Paging) -> (Vec<Value>, Value) {
        page(self.costs.iter(), filter, COST_FILTERS, paging)
    }

    /// Records `note` about `customer` (the reference an order would store); answers its id.
    /// `createdAt` defaults to now.
    pub fn add_note(&mut self, customer: Value, mut note: Object) -> u64 {
        self.notes_made += 1;
        let id = self.notes_made;
        note.shift_remove("id");
        let created_at = note
            .shift_remove("createdAt")
            .unwrap_or_else(|| Value::String(clock::now()));
        let mut row = Object::new();
        row.insert("id".into(), Value::from(id));
        row.insert("customer".into(), customer);
        row.insert("createdAt".into(), created_at);
        row.extend(note);
        self.notes.insert(id, row);
        id
    }

    /// A page of the notes `filter` selects, oldest first, and its pagination.
    pub fn notes(&self, filter: &Object, paging: &Paging) -> (Vec<Value>, Value) {
        page(self.notes.values(), filter, NOTE_FILTERS, paging)
    }

    /// Deletes note `id`; whether there was one.
    pub fn delete_note(&mut self, id: u64) -> bool {
        self.notes.remove(&id).is_some()
    }

    /// Merges `patch` into task `id` (its `id` stays); the `text` may not become blank.
    pub fn edit_task(&mut self, id: u64, mut patch: Object) -> Result<(), ApiError> {
        let index = usize::try_from(id.saturating_sub(1)).unwrap_or(usize::MAX);
        let task = self.tasks.get_mut(index).ok_or_else(ApiError::not_found)?;
        patch.shift_remove("id");
        if patch.get("text").is_some_and(|text| blank(Some(text))) {
            let mut errors = FieldErrors::default();
            errors.add("text", "This value should not be blank.");
            return Err(ApiError::entity_format(errors));
        }
        deep_merge(task, patch);
        Ok(())
    }

    /// The integration module `code`, when there is one.
    pub fn integration_module(&self, code: &str) -> Option<&Value> {
        self.modules.get(code)
    }

    /// Creates integration module `code` from `patch` (it needs a `name`), or merges `patch`
    /// into it; the code is the one in the path.
    pub fn edit_integration_module(
        &mut self,
        code: &str,
        patch: Object,
    ) -> Result<EntryEdit, ApiError> {
        let existing = self.modules.get(code).and_then(Value::as_object);
        let (module, outcome) = upsert(existing, patch, code);
        if outcome == EntryEdit::Created && blank(module.get("name")) {
            let mut errors = FieldErrors::default();
            errors.add("name", "This value should not be blank.");
            return Err(ApiError::entity_format(errors));
        }
        self.modules.insert(code.to_string(), Value::Object(module));
        Ok(outcome)
    }

    /// Records a cost, which needs a numeric `summ` and a `costItem`; answers its id.
    pub fn create_cost(&mut self, site: Option<String>, cost: Object) -> Result<u64, ApiError> {
        let mut errors = FieldErrors::default();
        if cost.get("summ").and_then(number).is_none() {
            errors.add("summ", "This value should be a number.");
        }
        if cost
            .get("costItem")
            .and_then(Value::as_str)
            .is_none_or(str::is_empty)
        {
            errors.add("costItem", "This value should not be blank.");
        }
        errors.check(ApiError::entity_format)?;
        Ok(add(&mut self.costs, site, cost))
    }

    /// The tasks, the costs, the notes and the integration modules as stored.
    pub fn snapshot(&self) -> Value {
        let notes: Vec<&Object> = self.notes.values().collect();
        json!({"tasks": self.tasks, "costs": self.costs, "notes": notes,
               "integrationModules": self.modules})
    }
}

/// The page of `rows` that `filter` selects by `rules`, and its pagination.
fn page<'a>(
    rows: impl Iterator<Item = &'a Object>,
    filter: &Object,
    rules: &Rules,
    paging: &Paging,
) -> (Vec<Value>, Value) {
    let selected: Vec<&Object> = rows.filter(|row| matches(row, filter, rules)).collect();
    let (page, pagination) = paging.apply(selected);
    (
        page.into_iter().cloned().map(Value::Object).collect(),
        pagination,
    )
}

fn add(list: &mut Vec<Object>, site: Option<String>, mut fields: Object) -> u64 {
    let id = list.len() as u64 + 1;
    fields.shift_remove("id");
    let mut row = Object::new();
    row.insert("id".into(), Value::from(id));
    if let Some(site) = site {
        row.insert("site".into(), Value::String(site));
    }
    row.extend(fields);
    list.push(row);
    id
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn object(value: Value) -> Object {
        value.as_object().cloned().expect("object")
    }

    #[test]
    fn numbers_valid_tasks_and_costs_and_refuses_incomplete_ones() {
        let mut extras = Extras::default();
        assert_eq!(
            extras.create_task(None, object(json!({"text": "Call"}))),
            Ok(1)
        );
        assert!(
            extras
                .create_task(None, object(json!({"text": " "})))
                .is_err()
        );
        assert_eq!(
            extras.create_cost(
                Some("shop".into()),
                object(json!({"summ": "100", "costItem": "delivery"}))
            ),
            Ok(1)
        );
        assert!(
            extras
                .create_cost(None, object(json!({"summ": 1})))
                .is_err()
        );
        let snapshot = extras.snapshot();
        assert_eq!(snapshot["tasks"].as_array().map(Vec::len), Some(1));
        assert_eq!(snapshot["costs"][0]["site"], "shop");
    }
}
