//! The hook's properties (`&crmType`, `&crmForm`, `&crmPhone` …): what a form becomes and
//! which of its fields hold what.

use serde_json::{Map, Value};

/// What a submitted form becomes in the CRM.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormTarget {
    /// An order (a lead, or a one-click order of one product).
    Order,
    /// A customer.
    Customer,
    /// A task for a manager.
    Task,
}

impl FormTarget {
    /// The name `&crmType` gives it.
    pub fn name(self) -> &'static str {
        match self {
            FormTarget::Order => "order",
            FormTarget::Customer => "customer",
            FormTarget::Task => "task",
        }
    }
}

/// A part of the lead and the property that names the form field holding it, with the
/// field's name when the property is not given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// The person's full name (split by the name rule).
    Name,
    /// A phone number.
    Phone,
    /// An e-mail address.
    Email,
    /// A free text: the order's customer comment, the task's commentary.
    Comment,
    /// The id of the product of a one-click order.
    Product,
    /// How many of the product (1 when the field is empty).
    Quantity,
}

impl Part {
    /// Every part, in the order they are read (and hashed into the key).
    pub const ALL: [Part; 6] = [
        Part::Name,
        Part::Phone,
        Part::Email,
        Part::Comment,
        Part::Product,
        Part::Quantity,
    ];

    /// The hook property naming the part's form field.
    pub fn property(self) -> &'static str {
        match self {
            Part::Name => "crmName",
            Part::Phone => "crmPhone",
            Part::Email => "crmEmail",
            Part::Comment => "crmComment",
            Part::Product => "crmProduct",
            Part::Quantity => "crmQuantity",
        }
    }

    /// The form field read when the property is not given.
    pub fn default_field(self) -> &'static str {
        match self {
            Part::Name => "name",
            Part::Phone => "phone",
            Part::Email => "email",
            Part::Comment => "comment",
            Part::Product => "product",
            Part::Quantity => "quantity",
        }
    }
}

/// The hook properties other than the field names.
const OTHER_PROPERTIES: [&str; 5] = [
    "crmType",
    "crmForm",
    "crmOrderMethod",
    "crmTaskText",
    "crmTaskPerformer",
];

/// The longest form id kept in the key.
const MAX_FORM_ID: usize = 100;

/// The hook's properties, read and checked.
#[derive(Debug, Clone, PartialEq)]
pub struct FormSpec {
    /// What the form becomes.
    pub target: FormTarget,
    /// The form's id in its submissions' key: `&crmForm`, else FormIt's `&formName`, else
    /// `page-{resource id}`, else `form`.
    pub form: String,
    /// The form field of each part; `None` when the part is not read (its property is empty).
    fields: [Option<String>; 6],
    /// The order's `orderMethod`: `&crmOrderMethod`, else the site's setting.
    pub order_method: Option<String>,
    /// The task's text, when `&crmTaskText` gives it.
    pub task_text: Option<String>,
    /// The task's `performerId` (a CRM manager), when `&crmTaskPerformer` gives it.
    pub task_performer: Option<i64>,
}

impl FormSpec {
    /// Reads the hook's `properties` (the `crm*` ones and FormIt's `formName`); `page` is the
    /// resource the form is on, `order_method` the site's `modretailcrm_order_method`. An
    /// unknown `crm*` property (a typo), an unknown `&crmType`, a performer that is no id, or
    /// a form that reads neither a phone nor an e-mail is an error naming the property.
    pub fn parse(
        properties: &Map<String, Value>,
        page: Option<i64>,
        order_method: Option<&str>,
    ) -> Result<FormSpec, String> {
        for key in properties.keys() {
            let known = OTHER_PROPERTIES.contains(&key.as_str())
                || Part::ALL.iter().any(|part| part.property() == key);
            if key.starts_with("crm") && !known {
                let mut names: Vec<&str> = Part::ALL.iter().map(|part| part.property()).collect();
                names.extend(OTHER_PROPERTIES);
                return Err(format!(
                    "unknown property &{key}; the hook reads {}",
                    names.join(", ")
                ));
            }
        }
        let target = match setting(properties, "crmType")?.as_deref() {
            None | Some("order") => FormTarget::Order,
            Some("customer") => FormTarget::Customer,
            Some("task") => FormTarget::Task,
            Some(other) => {
                return Err(format!(
                    "&crmType must be order, customer or task, {other:?} given"
                ));
            }
        };
        let form = setting(properties, "crmForm")?
            .or(setting(properties, "formName")?)
            .or_else(|| page.map(|page| format!("page-{page}")))
            .unwrap_or_else(|| "form".into());
        if form.chars().count() > MAX_FORM_ID {
            return Err(format!("&crmForm is longer than {MAX_FORM_ID} characters"));
        }
        let fields = Part::ALL.map(|part| match properties.get(part.property()) {
            None | Some(Value::Null) => Some(part.default_field().to_string()),
            Some(value) => scalar(value).filter(|name| !name.is_empty()),
        });
        let task_performer = match setting(properties, "crmTaskPerformer")? {
            None => None,
            Some(text) => match text.parse::<i64>() {
                Ok(id) if id > 0 => Some(id),
                _ => {
                    return Err(format!(
                        "&crmTaskPerformer must be the id of a CRM manager, {text:?} given"
                    ));
                }
            },
        };
        let spec = FormSpec {
            target,
            form,
            fields,
            order_method: setting(properties, "crmOrderMethod")?
                .or_else(|| order_method.map(str::to_string)),
            task_text: setting(properties, "crmTaskText")?,
            task_performer,
        };
        if spec.field(Part::Phone).is_none() && spec.field(Part::Email).is_none() {
            return Err(
                "&crmPhone and &crmEmail are both empty: a lead needs a phone or an e-mail field"
                    .into(),
            );
        }
        Ok(spec)
    }

    /// The form field holding `part`, when it is read.
    pub fn field(&self, part: Part) -> Option<&str> {
        let index = Part::ALL.iter().position(|p| *p == part)?;
        self.fields[index].as_deref()
    }
}

/// A property as trimmed text; absent, null and blank are `None`; an array or object is an
/// error.
fn setting(properties: &Map<String, Value>, key: &str) -> Result<Option<String>, String> {
    match properties.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(value) => scalar(value)
            .map(|text| (!text.is_empty()).then_some(text))
            .ok_or_else(|| format!("&{key} must be a text")),
    }
}

/// A string, number or boolean as trimmed text.
fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.trim().to_string()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(if *flag { "1" } else { "" }.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(properties: Value) -> Result<FormSpec, String> {
        let Value::Object(properties) = properties else {
            panic!("an object");
        };
        FormSpec::parse(&properties, Some(12), Some("shopping-cart"))
    }

    #[test]
    fn without_properties_an_order_reads_the_usual_field_names() {
        let spec = parse(json!({})).unwrap();
        assert_eq!(spec.target, FormTarget::Order);
        assert_eq!(spec.form, "page-12");
        assert_eq!(spec.field(Part::Phone), Some("phone"));
        assert_eq!(spec.field(Part::Quantity), Some("quantity"));
        assert_eq!(spec.order_method.as_deref(), Some("shopping-cart"));
        assert_eq!((spec.task_text, spec.task_performer), (None, None));
    }

    #[test]
    fn properties_rename_fields_turn_them_off_and_choose_the_target() {
        let spec = parse(json!({
            "crmType": " task ", "formName": "callback", "crmPhone": "tel", "crmEmail": "",
            "crmOrderMethod": "one-click", "crmTaskText": "Call back", "crmTaskPerformer": "7",
        }))
        .unwrap();
        assert_eq!(spec.target, FormTarget::Task);
        assert_eq!(spec.form, "callback");
        assert_eq!(spec.field(Part::Phone), Some("tel"));
        assert_eq!(spec.field(Part::Email), None);
        assert_eq!(spec.order_method.as_deref(), Some("one-click"));
        assert_eq!(spec.task_text.as_deref(), Some("Call back"));
        assert_eq!(spec.task_performer, Some(7));
        assert_eq!(
            parse(json!({"crmForm": "a", "formName": "b"}))
                .unwrap()
                .form,
            "a"
        );
    }

    #[test]
    fn mistakes_in_the_properties_are_refused_with_the_property_named() {
        for (properties, named) in [
            (json!({"crmPhon": "tel"}), "&crmPhon"),
            (json!({"crmType": "lead"}), "&crmType"),
            (json!({"crmTaskPerformer": "Ivan"}), "&crmTaskPerformer"),
            (
                json!({"crmPhone": "", "crmEmail": ""}),
                "&crmPhone and &crmEmail",
            ),
            (json!({"crmForm": ["a"]}), "&crmForm"),
            (json!({"crmForm": "x".repeat(101)}), "&crmForm"),
        ] {
            let error = parse(properties.clone()).unwrap_err();
            assert!(error.contains(named), "{properties}: {error}");
        }
    }
}
