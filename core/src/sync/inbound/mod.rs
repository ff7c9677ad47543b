//! What comes back from the CRM (issue D, M4): the pieces the webhook and the history sync
//! share. [`statuses`] turns a CRM status code into the site status that holds it;
//! [`site_order`] finds the site order a CRM order is. [`history`] syncs the CRM's status
//! changes from its history exactly once, each page read by [`history_page`].

pub mod history;
pub mod history_page;
pub mod site_order;
pub mod statuses;

pub use site_order::{SiteOrder, site_order};
pub use statuses::{SiteStatuses, StatusRefusal};
