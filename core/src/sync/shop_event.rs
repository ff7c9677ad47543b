//! A shop event from start to end: mapped to changes ([`super::events`]), adjusted by the
//! site's classes ([`super::customize`]), its references without a CRM code noted in the
//! outbox (for `status`), an order's changes put under the `externalId` the outbox gives the
//! order, and each change sent ([`super::send`]).

use std::time::SystemTime;

use serde_json::{Value, json};

use super::customize::{Customizer, customize};
use super::engine::Engine;
use super::events::{self, EventChanges, Skip};
use super::send::{Queued, SendError, send};
use crate::logging::LineSink;
use crate::mapping::{MappingError, OrderInput, StatusChangeInput};

/// Why an event whose changes carry nothing was not sent.
pub const NOTHING_TO_SEND: &str = "nothing to send: the status has no CRM code";

/// What became of a shop event.
#[derive(Debug, Clone, PartialEq)]
pub enum EventOutcome {
    /// The event is not one the CRM hears of.
    Skipped(Skip),
    /// The event counts but maps to no change ([`NOTHING_TO_SEND`]); the references without
    /// a CRM code that left it empty.
    NothingToSend {
        /// The references without a CRM code.
        unmapped: Vec<String>,
    },
    /// The event's changes were queued.
    Queued {
        /// Each change's record, in order.
        records: Vec<Queued>,
        /// References without a CRM code and other things not carried over.
        unmapped: Vec<String>,
    },
}

impl EventOutcome {
    /// The event's state: `skipped`, or the state of its last record.
    pub fn state(&self) -> &'static str {
        match self {
            EventOutcome::Skipped(_) | EventOutcome::NothingToSend { .. } => "skipped",
            EventOutcome::Queued { records, .. } => records.last().map_or("queued", Queued::state),
        }
    }
}

/// Why an event could not be handled.
#[derive(Debug, thiserror::Error)]
pub enum EventError {
    /// The event's rows cannot be mapped; nothing was queued.
    #[error(transparent)]
    Mapping(#[from] MappingError),
    /// The outbox or the delivery failed.
    #[error(transparent)]
    Send(#[from] SendError),
}

/// A shop's events, handled for its engine.
pub struct ShopEvents<'a> {
    /// The shop's engine (its settings and outbox).
    pub engine: &'a Engine,
    /// Calls the site's own classes.
    pub customizer: &'a dyn Customizer,
    /// Where a failing class is told.
    pub log: &'a dyn LineSink,
}

impl ShopEvents<'_> {
    /// A user was saved (`OnUserSave`, see [`events::user_saved`]); the customers' class
    /// gets `{user, profile}` as its source.
    pub fn user_saved(
        &self,
        user: &Value,
        profile: &Value,
        mode: &str,
        context: &str,
        groups: &[String],
    ) -> Result<EventOutcome, EventError> {
        let settings = self.engine.settings();
        let event = events::user_saved(settings, user, profile, mode, context, groups)?;
        let source = json!({"user": user, "profile": profile});
        Ok(self.queue(self.customized(event, &source))?)
    }

    /// An order was created (`msOnCreateOrder`, see [`events::order_created`]); the orders'
    /// class gets `source`, the event's rows as the plugin passed them.
    pub fn order_created(
        &self,
        input: &OrderInput,
        source: &Value,
    ) -> Result<EventOutcome, EventError> {
        let event = events::order_created(self.engine.settings(), input)?;
        Ok(self.queue(self.customized(event, source))?)
    }

    /// An order was edited in the manager (see [`events::order_updated`]); the orders' class
    /// gets `source`, the event's rows as the plugin passed them.
    pub fn order_updated(
        &self,
        input: &OrderInput,
        source: &Value,
    ) -> Result<EventOutcome, EventError> {
        let event = events::order_updated(self.engine.settings(), input)?;
        Ok(self.queue(self.customized(event, source))?)
    }

    /// An order's status changed (`msOnChangeOrderStatus`, see [`events::status_changed`]).
    pub fn status_changed(&self, input: &StatusChangeInput) -> Result<EventOutcome, EventError> {
        let event = events::status_changed(self.engine.settings(), input)?;
        Ok(self.queue(event)?)
    }

    fn customized(&self, event: EventChanges, source: &Value) -> EventChanges {
        let settings = self.engine.settings();
        customize(settings, event, source, self.customizer, self.log)
    }

    /// Notes the event's unmapped references, then queues its changes, an order's under the
    /// `externalId` the outbox gave the order (its number's, unless another site order with
    /// the same number took it first).
    fn queue(&self, event: EventChanges) -> Result<EventOutcome, SendError> {
        if let Some(skip) = event.skipped {
            return Ok(EventOutcome::Skipped(skip));
        }
        let outbox = self.engine.outbox();
        outbox.note_unmapped(&event.unmapped, SystemTime::now())?;
        if event.changes.is_empty() {
            return Ok(EventOutcome::NothingToSend {
                unmapped: event.unmapped,
            });
        }
        let event = match &event.order {
            Some(order) => {
                let given = outbox.order_external_id(order.id, &order.external_id)?;
                if given == order.external_id {
                    event
                } else {
                    event.with_order_external_id(&given)
                }
            }
            None => event,
        };
        let records = event
            .changes
            .iter()
            .map(|change| send(self.engine, change))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(EventOutcome::Queued {
            records,
            unmapped: event.unmapped,
        })
    }
}
