//! The PHP boundary: classes, argument conversion, exceptions and module registration.
//! Nothing outside this module knows PHP exists.

mod args;
mod client;
mod convert;
mod custom;
mod exceptions;
mod form;
mod history;
mod icml;
mod info;
mod integration;
mod log;
mod mapping_check;
mod upload;
mod webhook;

use ext_php_rs::builders::ModuleBuilder;

use modretailcrm_core::sync::background;

/// Registers every class of the extension (the exception classes at start-up), its
/// `phpinfo()` section, and the module shutdown that stops a background delivery.
pub fn register(module: ModuleBuilder) -> ModuleBuilder {
    module
        .startup_function(startup)
        .shutdown_function(shutdown)
        .class::<client::Client>()
        .class::<integration::Integration>()
        .class::<icml::Writer>()
        .class::<upload::Upload>()
        .class::<upload::Reconciliation>()
        .info_function(info::module_info)
}

/// Module start-up: parses the system's TLS roots, so that workers forked later (PHP-FPM)
/// share them instead of each parsing them on its first HTTPS call — data only, no thread
/// or runtime is started (see [`modretailcrm_core::api::tls`]) — then registers the exception classes.
extern "C" fn startup(r#type: i32, module_number: i32) -> i32 {
    let _ = std::panic::catch_unwind(modretailcrm_core::api::tls::preload);
    exceptions::startup(r#type, module_number)
}

/// Module shutdown: waits for this process's background delivery to stop (cancelling the
/// flush under way) before PHP unloads the extension's code under it.
extern "C" fn shutdown(_type: i32, _module_number: i32) -> i32 {
    match std::panic::catch_unwind(background::stop) {
        Ok(()) => 0,
        Err(_) => -1,
    }
}
