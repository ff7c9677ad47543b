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

/// Registers every class of the extension (the exception classes at start-up) and its
/// `phpinfo()` section.
pub fn register(module: ModuleBuilder) -> ModuleBuilder {
    module
        .startup_function(exceptions::startup)
        .class::<client::Client>()
        .class::<integration::Integration>()
        .class::<icml::Writer>()
        .info_function(info::module_info)
}
