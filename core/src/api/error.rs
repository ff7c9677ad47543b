//! One error type for everything a RetailCRM call can end with, and its classification.

use std::time::Duration;

use serde_json::Value;

/// How a caller should treat a failed call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorClass {
    /// Worth retrying later: the CRM was unreachable, slow, overloaded or rate limiting.
    Transient,
    /// Retrying the same request cannot help: validation error, wrong key, not found.
    Permanent,
    /// A batch upload partly succeeded (HTTP 460): some entities were stored, some were not.
    Partial,
    /// The CRM URL is wrong: the host answers, but no RetailCRM account lives there, or it
    /// redirects elsewhere (say, from http:// to https://).
    AccountMissing,
}

/// What went wrong on the way to the CRM, before any answer arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransportKind {
    /// The TCP or TLS connection could not be made.
    Connect,
    /// The connect or total timeout ran out.
    Timeout,
    /// The connection broke while sending or receiving.
    Io,
    /// The answer was larger than the transport accepts (`max_response_bytes`).
    TooLarge,
}

/// An error answer from the CRM, with everything it said.
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorResponse {
    /// HTTP status code.
    pub status: u16,
    /// RetailCRM's `errorMsg`, or a summary of the body when it was not JSON.
    pub error_msg: String,
    /// RetailCRM's `errors`: an object keyed by field, a list, or `null`.
    pub errors: Value,
    /// The whole decoded JSON body, when the body was JSON (460 answers carry the lists of
    /// uploaded and failed entities here).
    pub body: Option<Value>,
}

/// Every way a RetailCRM call can fail.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The settings given to the client are unusable (bad URL, empty key, bad option).
    #[error("configuration error: {0}")]
    Config(String),
    /// The request could not be built from the arguments given (bad method, bad route).
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// No answer arrived: connection refused, reset, timed out.
    #[error("transport error ({kind:?}): {message}")]
    Transport {
        /// What kind of failure it was.
        kind: TransportKind,
        /// A readable description, never containing the API key.
        message: String,
    },
    /// The CRM kept answering 503/429 until the retries or the time budget ran out.
    #[error("rate limited by the CRM (HTTP {status}) after {attempts} attempts")]
    RateLimited {
        /// The last status seen (503 or 429).
        status: u16,
        /// How many times the request was sent.
        attempts: u32,
        /// The last `Retry-After` the CRM asked for, if any.
        retry_after: Option<Duration>,
    },
    /// The CRM answered with an error.
    #[error("CRM answered HTTP {}: {}", .0.status, .0.error_msg)]
    Response(Box<ErrorResponse>),
}

impl ApiError {
    /// Classifies the error for retry decisions.
    pub fn class(&self) -> ErrorClass {
        match self {
            ApiError::Config(_) | ApiError::InvalidRequest(_) => ErrorClass::Permanent,
            ApiError::Transport { .. } | ApiError::RateLimited { .. } => ErrorClass::Transient,
            ApiError::Response(response) => response.class(),
        }
    }

    /// The HTTP status of the CRM's answer, when there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Response(response) => Some(response.status),
            ApiError::RateLimited { status, .. } => Some(*status),
            _ => None,
        }
    }
}

const ACCOUNT_MISSING: &str = "Account does not exist";

impl ErrorResponse {
    /// Classifies the answer: 460 is partial; a redirect, or 404/405 with an HTML page or
    /// "Account does not exist", means a wrong address; 429, 5xx and a 2xx that is not JSON
    /// or not of a documented shape (kept without a body) are transient; everything else
    /// (validation, auth, not found) is permanent.
    pub fn class(&self) -> ErrorClass {
        match self.status {
            460 => ErrorClass::Partial,
            300..=399 => ErrorClass::AccountMissing,
            404 | 405 if self.body.is_none() || self.error_msg.contains(ACCOUNT_MISSING) => {
                ErrorClass::AccountMissing
            }
            200..=299 if self.body.is_none() => ErrorClass::Transient,
            429 | 500..=599 => ErrorClass::Transient,
            _ => ErrorClass::Permanent,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn response(status: u16, error_msg: &str, body: Option<Value>) -> ApiError {
        ApiError::Response(Box::new(ErrorResponse {
            status,
            error_msg: error_msg.into(),
            errors: Value::Null,
            body,
        }))
    }

    #[test]
    fn validation_and_auth_errors_are_permanent() {
        let body = Some(json!({"success": false}));
        assert_eq!(
            response(400, "Errors in the entity format", body.clone()).class(),
            ErrorClass::Permanent
        );
        assert_eq!(
            response(403, "Wrong \"apiKey\" value.", body.clone()).class(),
            ErrorClass::Permanent
        );
        assert_eq!(
            response(404, "Not found", body).class(),
            ErrorClass::Permanent
        );
    }

    #[test]
    fn account_missing_is_told_apart_from_not_found() {
        let body = Some(json!({"success": false, "errorMsg": "Account does not exist."}));
        assert_eq!(
            response(404, "Account does not exist.", body).class(),
            ErrorClass::AccountMissing
        );
        assert_eq!(
            response(405, "HTML answer", None).class(),
            ErrorClass::AccountMissing
        );
    }

    #[test]
    fn server_errors_and_rate_limits_are_transient() {
        assert_eq!(
            response(500, "HTML answer", None).class(),
            ErrorClass::Transient
        );
        assert_eq!(response(502, "", None).class(), ErrorClass::Transient);
        assert_eq!(response(429, "", None).class(), ErrorClass::Transient);
        let limited = ApiError::RateLimited {
            status: 503,
            attempts: 3,
            retry_after: None,
        };
        assert_eq!(limited.class(), ErrorClass::Transient);
        let timeout = ApiError::Transport {
            kind: TransportKind::Timeout,
            message: "t".into(),
        };
        assert_eq!(timeout.class(), ErrorClass::Transient);
    }

    #[test]
    fn a_redirect_is_a_wrong_address() {
        for status in [301, 302, 307, 308] {
            assert_eq!(
                response(status, "redirect", None).class(),
                ErrorClass::AccountMissing
            );
        }
    }

    #[test]
    fn partial_upload_is_partial() {
        assert_eq!(
            response(460, "Orders are loaded partially", Some(json!({}))).class(),
            ErrorClass::Partial
        );
    }
}
