//! What comes back from the CRM (issue D, M4): the pieces the webhook and the history sync
//! share. [`statuses`] turns a CRM status code into the site status that holds it;
//! [`site_order`] finds the site order a CRM order is. The webhook ([`webhook`]) screens a
//! call first ([`request`]), then checks the order in the CRM; [`history`] syncs the CRM's
//! status changes from its history exactly once, each page read by [`history_page`].

pub mod history;
pub mod history_page;
pub mod request;
pub mod site_order;
pub mod statuses;
pub mod webhook;

pub use site_order::{SiteOrder, site_order};
pub use statuses::{SiteStatuses, StatusRefusal};
