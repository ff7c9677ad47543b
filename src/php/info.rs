//! The `modretailcrm` section of `phpinfo()`.

use ext_php_rs::zend::ModuleEntry;
use ext_php_rs::{info_table_end, info_table_row, info_table_start};

use modretailcrm_core::api::transport::USER_AGENT;

/// Prints the extension's version, the PHP it was built against and its TLS stack.
pub extern "C" fn module_info(_module: *mut ModuleEntry) {
    info_table_start!();
    info_table_row!("modretailcrm support", "enabled");
    info_table_row!("version", env!("CARGO_PKG_VERSION"));
    info_table_row!("built for PHP", env!("MODRETAILCRM_PHP_BUILD"));
    info_table_row!(
        "TLS backend",
        "rustls (certificates always verified, system trust store)"
    );
    info_table_row!("User-Agent", USER_AGENT);
    info_table_end!();
}
