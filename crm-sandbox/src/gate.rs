//! What every API request goes through before its handler: it is logged, meets any
//! injected fault, is authenticated by API key (`X-API-KEY` header, or `apiKey` in the query
//! or the body), counted against the rate limit, and has its parameters decoded.

use crate::api::call::ApiCall;
use crate::app::App;
use crate::connection::DropConnection;
use crate::control::faults::Action;
use crate::crm::fields::{Object, text};
use crate::seed::Seed;
use crate::wire::error::{ApiError, field_error};
use crate::wire::multipart;
use crate::wire::params::{MalformedEntity, decode_entities, parse_query};
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;
use std::time::Instant;

/// The largest request body read (a 500 KB order comment, form-encoded, is far below).
const MAX_BODY_BYTES: usize = 64 << 20;

/// A request as it arrived, with its parameters decoded.
struct Arrival {
    parts: Parts,
    body: Bytes,
    params: Object,
    /// Why the body could not be read as the type it declares, if it could not.
    unreadable: Option<String>,
    malformed: Vec<MalformedEntity>,
}

/// The middleware in front of the API routes. Parameters come from the query and from a
/// body sent `application/x-www-form-urlencoded` (or with no type) or `multipart/form-data`;
/// body fields win over query fields of the same name.
pub async fn gate(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let Ok(body) = axum::body::to_bytes(body, MAX_BODY_BYTES).await else {
        return ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "The request body is too large or incomplete",
        )
        .into_response();
    };
    let mut params = parse_query(parts.uri.query().unwrap_or_default().as_bytes());
    let mut unreadable = None;
    if let Some(boundary) = multipart::boundary(&parts.headers) {
        match multipart::parse(body.clone(), &boundary).await {
            Ok(fields) => params.extend(fields),
            Err(problem) => unreadable = Some(problem),
        }
    } else if is_form(&parts) {
        params.extend(parse_query(&body));
    }
    let malformed = decode_entities(&mut params);
    let seq = app.log.record(&parts, &body, &params);
    let arrival = Arrival {
        parts,
        body,
        params,
        unreadable,
        malformed,
    };
    let response = answer(&app, arrival, next).await;
    let dropped = response.extensions().get::<DropConnection>().is_some();
    app.log
        .set_status(seq, (!dropped).then(|| response.status().as_u16()));
    response
}

async fn answer(app: &App, arrival: Arrival, next: Next) -> Response {
    let mut late_by = None;
    match app.faults.take() {
        None => {}
        Some(Action::Delay(delay)) => tokio::time::sleep(delay).await,
        Some(Action::LateAnswer(delay)) => late_by = Some(delay),
        Some(Action::Reset) => return DropConnection::response(),
        Some(Action::Blackhole(mut released)) => {
            // Released when the faults are cleared; a closed channel means the sandbox stops.
            let _ = released.changed().await;
            return DropConnection::response();
        }
        Some(Action::Answer(page)) => return page,
    }
    if let Some(problem) = arrival.unreadable {
        return ApiError::new(StatusCode::BAD_REQUEST, problem).into_response();
    }
    let key = match authenticate(&app.seed, &arrival.parts, &arrival.params) {
        Ok(key) => key,
        Err(error) => return error.into_response(),
    };
    if !app.limiter.admit(&key, Instant::now()) {
        return ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "Service temporarily unavailable",
        )
        .into_response();
    }
    if let Some(problem) = arrival.malformed.first() {
        let message = format!("Invalid JSON: {}", problem.message);
        return ApiError::entity_format(field_error(&problem.field, message)).into_response();
    }
    let mut request = Request::from_parts(arrival.parts, Body::from(arrival.body));
    request
        .extensions_mut()
        .insert(ApiCall::new(arrival.params, key));
    let response = next.run(request).await;
    if let Some(delay) = late_by {
        tokio::time::sleep(delay).await;
    }
    response
}

/// Whether the body is a form: declared so, or a body with no declared type.
fn is_form(parts: &Parts) -> bool {
    match parts.headers.get(header::CONTENT_TYPE) {
        None => true,
        Some(value) => value.to_str().is_ok_and(|value| {
            value
                .to_ascii_lowercase()
                .starts_with("application/x-www-form-urlencoded")
        }),
    }
}

/// The API key from the `X-API-KEY` header or the `apiKey` parameter, if the seed knows it.
fn authenticate(seed: &Seed, parts: &Parts, params: &Object) -> Result<String, ApiError> {
    let key = parts
        .headers
        .get("x-api-key")
        .and_then(|value| value.to_str().ok())
        .map(str::to_string)
        .or_else(|| params.get("apiKey").and_then(text))
        .filter(|key| !key.is_empty());
    match key {
        None => Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "\"apiKey\" is missing.",
        )),
        Some(key) if seed.accepts_key(&key) => Ok(key),
        Some(_) => Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "Wrong \"apiKey\" value.",
        )),
    }
}
