//! The API log of one delivery, held until the delivery ends, so that an expected recovery
//! is not logged as an error: a create refused for its customer, then the customer created
//! and the order sent; a duplicate read back and edited; an edit of a customer the CRM lacks
//! turned into a create. When the delivery succeeds, its refused exchanges are written as
//! the steps of a success (INFO, which the log writes only when verbose); when it fails —
//! retried later or set aside — they are written as they were (ERROR).

use std::sync::{Arc, Mutex, PoisonError};

use crate::api::transport::{Exchange, ExchangeLog};

/// The exchanges of one delivery, passed on to the API log when it ends.
pub struct DeliveryLog {
    log: Arc<dyn ExchangeLog>,
    held: Mutex<Vec<Exchange>>,
}

impl DeliveryLog {
    /// Holds the exchanges meant for `log`.
    pub fn new(log: Arc<dyn ExchangeLog>) -> Self {
        DeliveryLog {
            log,
            held: Mutex::new(Vec::new()),
        }
    }

    /// Writes the held exchanges to the API log, in order: as steps of a success when the
    /// delivery `succeeded`, else as they were.
    pub fn release(&self, succeeded: bool) {
        let held = std::mem::take(&mut *self.held.lock().unwrap_or_else(PoisonError::into_inner));
        for mut exchange in held {
            exchange.failed &= !succeeded;
            self.log.record(&exchange);
        }
    }
}

impl ExchangeLog for DeliveryLog {
    fn record(&self, exchange: &Exchange) {
        self.held
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(exchange.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::transport::Method;
    use std::time::Duration;

    #[derive(Default)]
    struct Lines(Mutex<Vec<(String, bool)>>);

    impl ExchangeLog for Lines {
        fn record(&self, exchange: &Exchange) {
            self.0
                .lock()
                .unwrap()
                .push((exchange.route.clone(), exchange.failed));
        }
    }

    fn exchange(route: &str, failed: bool) -> Exchange {
        Exchange {
            method: Method::Post,
            route: route.into(),
            status: Some(if failed { 400 } else { 201 }),
            duration: Duration::from_millis(3),
            request_body: String::new(),
            response_body: String::new(),
            failed,
        }
    }

    #[test]
    fn a_recovery_is_written_as_a_success_and_a_failure_as_it_was() {
        for (succeeded, refusal_failed) in [(true, false), (false, true)] {
            let lines = Arc::new(Lines::default());
            let log = DeliveryLog::new(Arc::clone(&lines) as Arc<dyn ExchangeLog>);
            log.record(&exchange("v5/orders/create", true));
            log.record(&exchange("v5/customers/create", false));
            assert!(lines.0.lock().unwrap().is_empty(), "held until the end");
            log.release(succeeded);
            assert_eq!(
                *lines.0.lock().unwrap(),
                [
                    ("v5/orders/create".to_string(), refusal_failed),
                    ("v5/customers/create".to_string(), false)
                ]
            );
            log.release(succeeded);
            assert_eq!(lines.0.lock().unwrap().len(), 2, "written once");
        }
    }
}
