//! Edits of the reference books through the API (`reference/{book}/{code}/edit`): an entry is
//! created, or the fields given are merged into it, as RetailCRM does (integration modules are
//! edited the same way).

use super::Crm;
use super::fields::{Object, blank};
use super::merge::deep_merge;
use crate::wire::error::{ApiError, FieldErrors, field_error};
use serde_json::Value;

/// What an edit of a reference entry did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryEdit {
    /// There was no entry with that code; there is now.
    Created,
    /// The entry was there; the fields given replaced its own.
    Updated,
}

impl Crm {
    /// Creates the entry `code` of the book served at `reference/{route}` from `patch`, or
    /// merges `patch` into it. A new entry needs a `name`, a new site also a `url`, and a
    /// status a `group` that exists; the code is the one in the path.
    pub fn edit_reference(
        &mut self,
        route: &str,
        code: &str,
        patch: Object,
    ) -> Result<EntryEdit, ApiError> {
        let book = self.seed.book(route).ok_or_else(ApiError::no_method)?;
        let (entry, outcome) = upsert(book.get(code), patch, code);
        let mut errors = FieldErrors::default();
        if outcome == EntryEdit::Created {
            let required: &[&str] = if route == "sites" {
                &["name", "url"]
            } else {
                &["name"]
            };
            for field in required {
                if blank(entry.get(*field)) {
                    errors.add(*field, "This value should not be blank.");
                }
            }
        }
        if route == "statuses" {
            let group = entry.get("group").and_then(Value::as_str).unwrap_or("");
            if self
                .seed
                .book("status-groups")
                .is_none_or(|groups| !groups.contains(group))
            {
                errors.add("group", format!("Status group \"{group}\" does not exist."));
            }
        }
        errors.check(ApiError::entity_format)?;
        self.put_reference(route, entry)
            .map_err(|error| ApiError::entity_format(field_error("code", error.to_string())))?;
        Ok(outcome)
    }
}

/// `patch` merged into `existing` (a copy), or a new entry made of `patch`, with `code` as its
/// code either way; and which of the two it is.
pub fn upsert(existing: Option<&Object>, patch: Object, code: &str) -> (Object, EntryEdit) {
    let outcome = match existing {
        Some(_) => EntryEdit::Updated,
        None => EntryEdit::Created,
    };
    let mut entry = existing.cloned().unwrap_or_default();
    deep_merge(&mut entry, patch);
    entry.insert("code".into(), Value::from(code));
    (entry, outcome)
}
