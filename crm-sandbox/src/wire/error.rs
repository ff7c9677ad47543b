//! RetailCRM's error answers: `{"success":false,"errorMsg":"…","errors":{field: message}}`.

use super::reply::json_response;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

/// Messages about individual fields, keyed by the field's path (`items[0].initialPrice`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FieldErrors(Map<String, Value>);

impl FieldErrors {
    /// Records `message` for `field`, keeping the first message a field got.
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0
            .entry(field.into())
            .or_insert_with(|| Value::String(message.into()));
    }

    /// Adds the messages of `other`.
    pub fn merge(&mut self, other: FieldErrors) {
        for (field, message) in other.0 {
            self.0.entry(field).or_insert(message);
        }
    }

    /// Whether no field has a message.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Fails with `error` carrying these messages, unless there are none.
    pub fn check(self, error: impl FnOnce(FieldErrors) -> ApiError) -> Result<(), ApiError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(error(self))
        }
    }
}

/// One field's message, for callers that have exactly one.
pub fn field_error(field: impl Into<String>, message: impl Into<String>) -> FieldErrors {
    let mut errors = FieldErrors::default();
    errors.add(field, message);
    errors
}

/// An error answer of the API.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    status: StatusCode,
    message: String,
    errors: FieldErrors,
}

impl ApiError {
    /// An error with `status` and `errorMsg`, and no per-field messages.
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        ApiError {
            status,
            message: message.into(),
            errors: FieldErrors::default(),
        }
    }

    /// The same error with per-field messages (`errors`).
    pub fn with_errors(mut self, errors: FieldErrors) -> Self {
        self.errors = errors;
        self
    }

    /// 404 `Not found`: no entity with that id.
    pub fn not_found() -> Self {
        ApiError::new(StatusCode::NOT_FOUND, "Not found")
    }

    /// 404 `API method not found`: no such route.
    pub fn no_method() -> Self {
        ApiError::new(StatusCode::NOT_FOUND, "API method not found")
    }

    /// 400 `Parameter 'name' is missing`.
    pub fn missing_parameter(name: &str) -> Self {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            format!("Parameter '{name}' is missing"),
        )
    }

    /// 400 `Errors in the entity format`: an entity's fields do not validate.
    pub fn entity_format(errors: FieldErrors) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, "Errors in the entity format").with_errors(errors)
    }

    /// 400 `Errors in the input parameters`: a plain parameter (`limit`, `by`, `site` …) is wrong.
    pub fn input(errors: FieldErrors) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, "Errors in the input parameters").with_errors(errors)
    }

    /// 400 `<Entity> is not loaded`: a create refused, e.g. `Order is not loaded`.
    pub fn not_loaded(entity: &str) -> impl FnOnce(FieldErrors) -> ApiError {
        move |errors| {
            ApiError::new(StatusCode::BAD_REQUEST, format!("{entity} is not loaded"))
                .with_errors(errors)
        }
    }

    /// One line for lists of failures: the field messages, or `errorMsg` when there are none.
    pub fn summary(&self) -> String {
        if self.errors.is_empty() {
            return self.message.clone();
        }
        let messages: Vec<&str> = self.errors.0.values().filter_map(Value::as_str).collect();
        messages.join(" ")
    }

    /// The JSON body of the answer.
    pub fn body(&self) -> Value {
        let mut body = json!({"success": false, "errorMsg": self.message});
        if !self.errors.is_empty() {
            body["errors"] = Value::Object(self.errors.0.clone());
        }
        body
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        json_response(self.status, &self.body())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_has_errors_only_when_there_are_some() {
        assert_eq!(
            ApiError::not_found().body(),
            json!({"success": false, "errorMsg": "Not found"})
        );
        let error = ApiError::not_loaded("Order")(field_error(
            "externalId",
            "Order with externalId=1 already exists.",
        ));
        assert_eq!(
            error.clone().into_response().status(),
            StatusCode::BAD_REQUEST
        );
        assert_eq!(
            error.body(),
            json!({"success": false, "errorMsg": "Order is not loaded",
                   "errors": {"externalId": "Order with externalId=1 already exists."}})
        );
        assert_eq!(error.summary(), "Order with externalId=1 already exists.");
    }
}
