//! Trigger parameter templates: `{{ order.externalId }}` replaced by the value at that
//! path, as RetailCRM's trigger actions write them.

use crate::crm::fields::{Object, lookup};
use serde_json::Value;

/// `template` with every `{{ path }}` replaced by the text of the value at `path` in
/// `context` (empty when there is none); an unclosed `{{` is kept as it is.
pub fn render(template: &str, context: &Object) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let inner = &rest[start + 2..];
        let Some(end) = inner.find("}}") else {
            out.push_str(&rest[start..]);
            return out;
        };
        if let Some(value) = lookup(context, inner[..end].trim()) {
            out.push_str(&display(value));
        }
        rest = &inner[end + 2..];
    }
    out.push_str(rest);
    out
}

fn display(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn replaces_paths_and_keeps_the_rest() {
        let context = json!({"order": {"id": 7, "externalId": "a b", "status": {"code": "complete"}, "x": null}});
        let context = context.as_object().expect("object");
        assert_eq!(
            render(
                "id={{order.id}}&ext={{ order.externalId }}/{{ order.status.code }}",
                context
            ),
            "id=7&ext=a b/complete"
        );
        assert_eq!(render("{{ order.missing }}{{order.x}}!", context), "!");
        assert_eq!(render("open {{ order.id", context), "open {{ order.id");
    }
}
