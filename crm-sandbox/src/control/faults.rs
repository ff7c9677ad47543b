//! Injected faults: a queue of misbehaviours applied to the next API requests, in the order
//! they were added. A fault with a `count` affects that many requests, then the next fault
//! takes over; one without a count stays until the queue is cleared.

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use serde::Deserialize;
use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;
use tokio::sync::watch;

/// The body of `POST /__control/faults`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultRequest {
    mode: String,
    #[serde(default)]
    count: Option<u32>,
    #[serde(default)]
    delay_ms: Option<u64>,
    #[serde(default)]
    status: Option<u16>,
    #[serde(default)]
    empty_body: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Delay(Duration),
    LateAnswer(Duration),
    Reset,
    Blackhole,
    Status {
        status: StatusCode,
        empty_body: bool,
    },
    Html405,
}

impl FaultRequest {
    fn kind(&self) -> Result<Kind, String> {
        Ok(match self.mode.as_str() {
            "delay" => {
                let delay = self.delay_ms.ok_or("mode \"delay\" needs \"delay_ms\"")?;
                Kind::Delay(Duration::from_millis(delay))
            }
            "late_answer" => {
                let delay = self
                    .delay_ms
                    .ok_or("mode \"late_answer\" needs \"delay_ms\"")?;
                Kind::LateAnswer(Duration::from_millis(delay))
            }
            "reset" => Kind::Reset,
            "blackhole" => Kind::Blackhole,
            "status" => {
                let code = self.status.ok_or("mode \"status\" needs \"status\"")?;
                let status = StatusCode::from_u16(code)
                    .ok()
                    .filter(|status| status.as_u16() >= 200)
                    .ok_or_else(|| format!("{code} is not an HTTP status for an answer"))?;
                Kind::Status {
                    status,
                    empty_body: self.empty_body,
                }
            }
            "html405" => Kind::Html405,
            other => {
                return Err(format!(
                    "unknown mode \"{other}\": use delay, late_answer, reset, blackhole, status or html405"
                ));
            }
        })
    }
}

/// What the gate does with a faulted request.
#[derive(Debug)]
pub enum Action {
    /// Wait, then answer normally.
    Delay(Duration),
    /// Handle the request now (the change is made), then wait before answering: the answer
    /// of a request that reached the CRM is lost to a client that timed out.
    LateAnswer(Duration),
    /// Close the connection with a TCP reset, answering nothing.
    Reset,
    /// Answer nothing until the faults are cleared (the receiver changes), then close.
    Blackhole(watch::Receiver<u64>),
    /// Answer this page instead.
    Answer(Response),
}

#[derive(Debug)]
struct Fault {
    kind: Kind,
    remaining: Option<u32>,
}

/// The queue of faults.
#[derive(Debug)]
pub struct Faults {
    queue: Mutex<VecDeque<Fault>>,
    released: watch::Sender<u64>,
}

impl Default for Faults {
    fn default() -> Self {
        Faults {
            queue: Mutex::new(VecDeque::new()),
            released: watch::Sender::new(0),
        }
    }
}

impl Faults {
    /// Queues a fault; answers the queue's length.
    pub fn add(&self, request: &FaultRequest) -> Result<usize, String> {
        let kind = request.kind()?;
        if request.count == Some(0) {
            return Err(
                "\"count\" must be at least 1 (leave it out for \"until cleared\")".to_string(),
            );
        }
        let mut queue = crate::app::locked(&self.queue);
        queue.push_back(Fault {
            kind,
            remaining: request.count,
        });
        Ok(queue.len())
    }

    /// The fault for the next API request, if any, counting it against its `count`.
    pub fn take(&self) -> Option<Action> {
        let mut queue = crate::app::locked(&self.queue);
        let front = queue.front_mut()?;
        let kind = front.kind;
        if let Some(remaining) = front.remaining.as_mut() {
            *remaining -= 1;
            if *remaining == 0 {
                queue.pop_front();
            }
        }
        Some(match kind {
            Kind::Delay(delay) => Action::Delay(delay),
            Kind::LateAnswer(delay) => Action::LateAnswer(delay),
            Kind::Reset => Action::Reset,
            Kind::Blackhole => Action::Blackhole(self.released.subscribe()),
            Kind::Status { status, empty_body } => Action::Answer(error_page(status, empty_body)),
            Kind::Html405 => Action::Answer(html(
                StatusCode::METHOD_NOT_ALLOWED,
                "<html>\r\n<head><title>405 Not Allowed</title></head>\r\n<body>\r\n\
                 <center><h1>405 Not Allowed</h1></center>\r\n<hr><center>nginx</center>\r\n\
                 </body>\r\n</html>\r\n"
                    .to_string(),
            )),
        })
    }

    /// Empties the queue and lets blackholed requests go (their connections are closed).
    pub fn clear(&self) {
        crate::app::locked(&self.queue).clear();
        self.released.send_modify(|generation| *generation += 1);
    }
}

/// A proxy's error page for `status`: a small HTML page, or nothing at all.
fn error_page(status: StatusCode, empty_body: bool) -> Response {
    if empty_body {
        let mut response = Response::new(Body::empty());
        *response.status_mut() = status;
        return response;
    }
    let title = format!(
        "{} {}",
        status.as_str(),
        status.canonical_reason().unwrap_or("Error")
    );
    html(
        status,
        format!("<html><head><title>{title}</title></head><body><h1>{title}</h1></body></html>\n"),
    )
}

fn html(status: StatusCode, page: String) -> Response {
    let mut response = Response::new(Body::from(page));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(json: &str) -> FaultRequest {
        serde_json::from_str(json).expect("a fault request")
    }

    fn status_of(action: Option<Action>) -> Option<u16> {
        match action {
            Some(Action::Answer(response)) => Some(response.status().as_u16()),
            _ => None,
        }
    }

    #[test]
    fn applies_faults_in_order_for_their_count() {
        let faults = Faults::default();
        faults
            .add(&request(r#"{"mode": "status", "status": 500, "count": 2}"#))
            .expect("valid");
        faults
            .add(&request(r#"{"mode": "html405", "count": 1}"#))
            .expect("valid");
        faults
            .add(&request(r#"{"mode": "delay", "delay_ms": 5}"#))
            .expect("valid");
        assert_eq!(status_of(faults.take()), Some(500));
        assert_eq!(status_of(faults.take()), Some(500));
        assert_eq!(status_of(faults.take()), Some(405));
        for _ in 0..3 {
            assert!(
                matches!(faults.take(), Some(Action::Delay(d)) if d == Duration::from_millis(5))
            );
        }
        faults.clear();
        assert!(faults.take().is_none());
    }

    #[test]
    fn clearing_releases_blackholed_requests() {
        let faults = Faults::default();
        faults
            .add(&request(r#"{"mode": "blackhole"}"#))
            .expect("valid");
        let Some(Action::Blackhole(released)) = faults.take() else {
            panic!("a blackhole");
        };
        assert!(!released.has_changed().expect("open"));
        faults.clear();
        assert!(released.has_changed().expect("open"));
    }

    #[test]
    fn refuses_incomplete_requests() {
        let faults = Faults::default();
        for bad in [
            r#"{"mode": "delay"}"#,
            r#"{"mode": "status"}"#,
            r#"{"mode": "status", "status": 99}"#,
            r#"{"mode": "explode"}"#,
            r#"{"mode": "reset", "count": 0}"#,
        ] {
            assert!(faults.add(&request(bad)).is_err(), "{bad}");
        }
    }
}
