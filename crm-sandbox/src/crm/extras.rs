//! Tasks and costs: recorded, numbered, and shown in the state; nothing else reads them.

use super::fields::{Object, number};
use crate::wire::error::{ApiError, FieldErrors};
use serde_json::Value;

/// Tasks (`tasks/create`) and costs (`costs/create`), oldest first.
#[derive(Debug, Clone, Default)]
pub struct Extras {
    tasks: Vec<Object>,
    costs: Vec<Object>,
}

impl Extras {
    /// Records a task, which needs a `text`; answers its id.
    pub fn create_task(&mut self, site: Option<String>, task: Object) -> Result<u64, ApiError> {
        let mut errors = FieldErrors::default();
        if task
            .get("text")
            .and_then(Value::as_str)
            .is_none_or(|text| text.trim().is_empty())
        {
            errors.add("text", "This value should not be blank.");
        }
        errors.check(ApiError::entity_format)?;
        Ok(add(&mut self.tasks, site, task))
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

    /// The tasks and the costs as stored.
    pub fn snapshot(&self) -> (&[Object], &[Object]) {
        (&self.tasks, &self.costs)
    }
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
        let (tasks, costs) = extras.snapshot();
        assert_eq!(tasks.len(), 1);
        assert_eq!(costs[0]["site"], "shop");
    }
}
