//! Where the API log of a PHP object goes: a rotated file written from Rust, or lines
//! handed to a PHP callable (`error_log` by default) after each call.
//!
//! A delivery on a background thread (see [`modretailcrm_core::sync::background`]) may not call PHP. A
//! file log it writes itself; lines meant for `error_log` wait in this process until the
//! next PHP call that passes lines to `error_log` (the next flush, sync send or
//! `deliverAfterResponse` of any object in the process).

use std::path::PathBuf;
use std::sync::Arc;

use ext_php_rs::prelude::*;
use ext_php_rs::types::{ZendCallable, Zval};

use crate::php::exceptions::internal;
use modretailcrm_core::api::transport::ExchangeLog;
use modretailcrm_core::config::LOG_FILES_KEPT;
use modretailcrm_core::logging::{ApiLog, BufferSink, FileSink, LogFile};

/// Lines a background delivery logged for PHP's `error_log`, waiting for a PHP call.
static LATE_LINES: BufferSink = BufferSink::new();

/// The log of one PHP object.
pub struct PhpLog {
    /// What the transport writes to.
    sink: Arc<dyn ExchangeLog>,
    /// Lines waiting for a PHP callable, when the log does not go to a file.
    buffer: Option<(Arc<ApiLog<BufferSink>>, Option<Zval>)>,
}

impl PhpLog {
    /// A log writing every exchange when `verbose` (else failures only) to `file`, or else
    /// to `callable`, or else to `MODX_CORE_PATH/cache/logs/modretailcrm.log` inside MODX,
    /// or else to PHP's `error_log`.
    pub fn new(
        verbose: bool,
        file: Option<LogFile>,
        max_bytes: u64,
        callable: Option<Zval>,
    ) -> Self {
        let file = file.or_else(|| callable.is_none().then(modx_log_file).flatten());
        match file {
            Some(file) => PhpLog {
                sink: Arc::new(ApiLog::new(
                    verbose,
                    FileSink::new(file, max_bytes, LOG_FILES_KEPT),
                )),
                buffer: None,
            },
            None => {
                let buffer = Arc::new(ApiLog::new(verbose, BufferSink::default()));
                PhpLog {
                    sink: buffer.clone(),
                    buffer: Some((buffer, callable)),
                }
            }
        }
    }

    /// The sink to give the transport.
    pub fn sink(&self) -> Arc<dyn ExchangeLog> {
        Arc::clone(&self.sink)
    }

    /// The sink to give a transport on a background thread, which must not call PHP and
    /// may outlive this object: the same file, or else the process's buffer of lines for
    /// `error_log`, passed on by the next [`PhpLog::pass_lines`] that writes to `error_log`.
    pub fn background_sink(&self) -> Arc<dyn ExchangeLog> {
        match &self.buffer {
            None => self.sink(),
            Some((buffer, _)) => Arc::new(ApiLog::new(buffer.verbose(), &LATE_LINES)),
        }
    }

    /// Hands the lines written since the last call to the PHP callable, after the lines a
    /// background delivery left for `error_log` when that is where this log goes. An
    /// exception the callable throws reaches the PHP caller unchanged.
    pub fn pass_lines(&self) -> PhpResult<()> {
        let Some((buffer, callable)) = &self.buffer else {
            return Ok(());
        };
        let mut lines = match callable {
            Some(_) => Vec::new(),
            None => LATE_LINES.drain(),
        };
        lines.append(&mut buffer.sink().drain());
        for line in lines {
            let target = match callable {
                Some(callable) => ZendCallable::new(callable),
                None => ZendCallable::try_from_name("error_log"),
            };
            target
                .and_then(|target| target.try_call(vec![&line]))
                .map_err(|e| internal(format!("the log callback failed: {e}")))?;
        }
        Ok(())
    }
}

const MODX_CORE_PATH: &str = "MODX_CORE_PATH";

/// `MODX_CORE_PATH/cache/logs/modretailcrm.log` when running inside MODX (the constant is
/// defined), so the log lands next to MODX's own.
fn modx_log_file() -> Option<LogFile> {
    let defined = ZendCallable::try_from_name("defined")
        .ok()?
        .try_call(vec![&MODX_CORE_PATH])
        .ok()?;
    if defined.bool() != Some(true) {
        return None;
    }
    let core = ZendCallable::try_from_name("constant")
        .ok()?
        .try_call(vec![&MODX_CORE_PATH])
        .ok()?;
    core.str()
        .map(|core| LogFile::in_own_folder(PathBuf::from(core).join("cache/logs/modretailcrm.log")))
}
