//! Tests of the event orchestration: what each shop event queues, on real SQLite outbox
//! files in temporary folders, with the site's classes played by a fake [`Customizer`].

mod activation;
mod customize;
mod shop_event;

use std::cell::RefCell;

use serde_json::{Map, Value, json};

use super::customize::{CustomError, Customizer};
use crate::config::{CustomClass, IntegrationSettings};
use crate::outbox::tests::TempDir;

/// The raw settings of a shop whose outbox is in `dir` (send mode `queue`: nothing goes over
/// the network), with `extra` settings over them.
fn raw_settings(dir: &TempDir, extra: Value) -> Map<String, Value> {
    let mut raw = json!({
        "modretailcrm_url": "https://shop.retailcrm.ru", "modretailcrm_apiKey": "test-key",
        "modretailcrm_siteCode": "shop", "modretailcrm_send_mode": "queue",
        "modretailcrm_queue_path": dir.file("outbox.sqlite"),
    })
    .as_object()
    .cloned()
    .expect("an object");
    raw.extend(
        extra
            .as_object()
            .cloned()
            .expect("the extra settings are an object"),
    );
    raw
}

/// The settings [`raw_settings`] gives.
fn settings(dir: &TempDir, extra: Value) -> IntegrationSettings {
    IntegrationSettings::parse(&raw_settings(dir, extra))
        .expect("valid settings")
        .expect("an active integration")
}

/// What a fake class answers for a payload.
type Answer = Box<dyn Fn(&Value) -> Result<Value, CustomError>>;

/// A site's class as a test plays it: answers `answer` and remembers each call's class,
/// payload and source.
struct FakeClass {
    answer: Answer,
    calls: RefCell<Vec<(String, Value, Value)>>,
}

impl FakeClass {
    fn answering(answer: impl Fn(&Value) -> Result<Value, CustomError> + 'static) -> Self {
        FakeClass {
            answer: Box::new(answer),
            calls: RefCell::new(Vec::new()),
        }
    }

    /// The classes called, in order.
    fn called(&self) -> Vec<String> {
        self.calls.borrow().iter().map(|c| c.0.clone()).collect()
    }
}

impl Customizer for FakeClass {
    fn customize(
        &self,
        class: &CustomClass,
        payload: &Value,
        source: &Value,
    ) -> Result<Value, CustomError> {
        self.calls
            .borrow_mut()
            .push((class.class.clone(), payload.clone(), source.clone()));
        (self.answer)(payload)
    }
}
