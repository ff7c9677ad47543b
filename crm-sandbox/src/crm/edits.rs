//! Edits of customers and orders (`{kind}/{id}/edit`, `fix-external-ids`): merged into the
//! stored entity, checked, and recorded in the history field by field.

use super::fields::{Object, id, text};
use super::merge::{deep_merge, diff};
use super::table::Lookup;
use super::{Actor, Crm, Kind, already_exists, normalize_external_id, order_rules, totals};
use crate::wire::error::{ApiError, FieldErrors};
use serde_json::Value;

/// The result of an edit.
#[derive(Debug, Clone, PartialEq)]
pub struct Edited {
    /// The entity as stored after the edit.
    pub entity: Object,
    /// Whether an order's status changed (which fires the trigger).
    pub status_changed: bool,
}

/// Fields an order gets from the CRM, left out of history.
pub(super) const DERIVED: [&str; 4] = ["summ", "totalSumm", "prepaySum", "payments"];

impl Crm {
    /// Merges `patch` into the entity `lookup` names. With `by=id` the patch may set
    /// `externalId`; `id`, `site` and (for orders) `payments` are not editable here.
    pub fn edit(
        &mut self,
        kind: Kind,
        lookup: &Lookup,
        mut patch: Object,
        actor: &Actor,
    ) -> Result<Edited, ApiError> {
        let id = self
            .table(kind)
            .locate(lookup)
            .ok_or_else(ApiError::not_found)?;
        let old = self
            .table(kind)
            .get(id)
            .cloned()
            .ok_or_else(ApiError::not_found)?;
        let site = old
            .get("site")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        patch.shift_remove("id");
        patch.shift_remove("site");
        let mut errors = FieldErrors::default();
        let external_id = normalize_external_id(&mut patch, "externalId", &mut errors);
        match (lookup, external_id) {
            (Lookup::Id(_), Some(external_id)) => {
                if self
                    .table(kind)
                    .find_external(&site, &external_id)
                    .is_some_and(|other| other != id)
                {
                    errors.add("externalId", already_exists(kind, &external_id));
                }
            }
            _ => {
                patch.shift_remove("externalId");
            }
        }
        let customer = match kind {
            Kind::Order => self.prepare_order_patch(&site, &mut patch, &mut errors),
            Kind::Customer => None,
        };
        let mut new = old.clone();
        deep_merge(&mut new, patch);
        if let Some(customer) = customer {
            new.insert("customer".into(), customer);
        }
        if kind == Kind::Order {
            order_rules::check(&self.seed, &new, &mut errors);
            totals::check(&new, &mut errors);
        }
        errors.check(ApiError::entity_format)?;
        if kind == Kind::Order {
            totals::apply(&mut new);
        }
        self.table_mut(kind).replace(id, new.clone());
        let context = self.context(kind, &new);
        self.record_changes(kind, actor, diff(&old, &new, &DERIVED), None, &context);
        let status_changed = kind == Kind::Order && old.get("status") != new.get("status");
        Ok(Edited {
            entity: new,
            status_changed,
        })
    }

    /// Sets the `externalId` of each `{id, externalId}` in `list`.
    pub fn fix_external_ids(
        &mut self,
        kind: Kind,
        list: Vec<Value>,
        actor: &Actor,
    ) -> Result<(), ApiError> {
        let mut pairs = Vec::new();
        let mut errors = FieldErrors::default();
        for (i, item) in list.iter().enumerate() {
            let id = item
                .get("id")
                .and_then(id)
                .filter(|id| self.table(kind).get(*id).is_some());
            match (id, item.get("externalId").and_then(text)) {
                (Some(id), Some(external_id)) => pairs.push((id, external_id)),
                _ => errors.add(
                    format!("{}[{i}]", kind.plural()),
                    "Each entry needs the \"id\" of an existing entity and an \"externalId\".",
                ),
            }
        }
        errors.check(ApiError::entity_format)?;
        for (id, external_id) in pairs {
            let mut patch = Object::new();
            patch.insert("externalId".into(), Value::String(external_id));
            self.edit(kind, &Lookup::Id(id), patch, actor)?;
        }
        Ok(())
    }
}
