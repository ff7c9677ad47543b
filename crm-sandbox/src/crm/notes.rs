//! Customer notes: each names an existing customer, as in RetailCRM.

use super::fields::{Object, blank};
use super::{Crm, Kind};
use crate::wire::error::{ApiError, FieldErrors};
use serde_json::Value;

impl Crm {
    /// Records `note`, which needs a `text` and a `customer` (`{id}` or `{externalId}`, looked
    /// up in `site` when given, else in any site); answers its id.
    pub fn create_note(&mut self, site: Option<&str>, mut note: Object) -> Result<u64, ApiError> {
        let mut errors = FieldErrors::default();
        if blank(note.get("text")) {
            errors.add("text", "This value should not be blank.");
        }
        let customer = match note.shift_remove("customer") {
            None => {
                errors.add("customer", "This value should not be blank.");
                None
            }
            Some(reference) => match self.resolve_reference(Kind::Customer, site, &reference) {
                Ok(id) => Some(id),
                Err(problem) => {
                    errors.merge(problem);
                    None
                }
            },
        };
        errors.check(ApiError::entity_format)?;
        let customer = customer.map_or(Value::Null, |id| self.customer_ref_by_id(id));
        Ok(self.extras.add_note(customer, note))
    }
}
