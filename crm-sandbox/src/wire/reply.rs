//! Successful JSON answers.

use super::error::ApiError;
use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

/// What an API handler answers: a JSON reply or an API error.
pub type ApiResult = Result<Reply, ApiError>;

/// A successful JSON answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    status: StatusCode,
    body: Value,
}

impl Reply {
    /// 200 with `body`.
    pub fn ok(body: Value) -> Self {
        Reply::with_status(StatusCode::OK, body)
    }

    /// 201 with `body`, as `*/create` answers.
    pub fn created(body: Value) -> Self {
        Reply::with_status(StatusCode::CREATED, body)
    }

    /// Any status with `body`.
    pub fn with_status(status: StatusCode, body: Value) -> Self {
        Reply { status, body }
    }
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        json_response(self.status, &self.body)
    }
}

/// `{"success":true}` followed by the fields of `fields` (an object).
pub fn success(fields: Value) -> Value {
    let mut body = serde_json::Map::new();
    body.insert("success".into(), Value::Bool(true));
    if let Value::Object(fields) = fields {
        body.extend(fields);
    }
    Value::Object(body)
}

/// A response with `status` and `body` serialised as JSON.
pub fn json_response(status: StatusCode, body: &Value) -> Response {
    let mut response = Response::new(Body::from(body.to_string()));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}
