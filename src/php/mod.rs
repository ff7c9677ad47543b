//! The PHP boundary: classes, argument conversion, exceptions and module registration.
//! Nothing outside this module knows PHP exists.

mod args;
mod client;
mod convert;
mod custom;
mod exceptions;
mod icml;
mod info;
mod integration;
mod log;

use ext_php_rs::builders::ModuleBuilder;

use crate::sync::background;

/// Registers every class of the extension (the exception classes at start-up), its
/// `phpinfo()` section, and the module shutdown that stops a background delivery.
pub fn register(module: ModuleBuilder) -> ModuleBuilder {
    module
        .startup_function(exceptions::startup)
        .shutdown_function(shutdown)
        .class::<client::Client>()
        .class::<integration::Integration>()
        .class::<icml::Writer>()
        .info_function(info::module_info)
}

/// Module shutdown: waits for this process's background delivery to stop (cancelling the
/// flush under way) before PHP unloads the extension's code under it.
extern "C" fn shutdown(_type: i32, _module_number: i32) -> i32 {
    match std::panic::catch_unwind(background::stop) {
        Ok(()) => 0,
        Err(_) => -1,
    }
}
