//! The API call log: one line per HTTP exchange, written to a size-capped, rotated file or
//! buffered for PHP to pass on (to MODX's error log).
//!
//! With verbose logging off only failed exchanges are written, without the request body (it
//! holds customers' names, e-mails, phones and addresses; the outbox keeps what was sent);
//! with it on, all of them, bodies included. Lines never contain the API key: the transport
//! masks it before they get here.

use std::fs::{self, DirBuilder, OpenOptions, Permissions};
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use time::OffsetDateTime;
use time::macros::format_description;

use crate::api::text::bounded;
use crate::api::transport::{Exchange, ExchangeLog, LOGGED_BODY_BOUND};

/// Where log lines go.
pub trait LineSink: Send + Sync {
    /// Writes one line (without a trailing newline).
    fn write_line(&self, line: &str);
}

/// The API log: formats exchanges and sends the ones worth keeping to a sink.
pub struct ApiLog<S> {
    verbose: bool,
    sink: S,
}

impl<S: LineSink> ApiLog<S> {
    /// A log that writes every exchange when `verbose`, otherwise only failures.
    pub fn new(verbose: bool, sink: S) -> Self {
        ApiLog { verbose, sink }
    }

    /// The sink lines go to.
    pub fn sink(&self) -> &S {
        &self.sink
    }

    /// Whether every exchange is written, not only failures.
    pub fn verbose(&self) -> bool {
        self.verbose
    }
}

impl<S: LineSink> ExchangeLog for ApiLog<S> {
    fn record(&self, exchange: &Exchange) {
        if self.verbose || exchange.failed {
            self.sink.write_line(&format_exchange(
                exchange,
                OffsetDateTime::now_utc(),
                self.verbose,
            ));
        }
    }
}

/// One log line for an exchange: time (UTC), level, method, route, status, duration, the
/// response body, and the request body when `with_request` (else only its size); each body
/// cut to [`LOGGED_BODY_BOUND`] bytes, so that a huge body never makes a huge line.
pub fn format_exchange(exchange: &Exchange, at: OffsetDateTime, with_request: bool) -> String {
    let time = at
        .format(format_description!(
            "[year]-[month]-[day] [hour]:[minute]:[second]Z"
        ))
        .unwrap_or_default();
    let level = if exchange.failed { "ERROR" } else { "INFO" };
    let status = exchange
        .status
        .map_or_else(|| "no answer".to_string(), |s| s.to_string());
    let request = if with_request || exchange.request_body.is_empty() {
        one_line(&bounded(&exchange.request_body, LOGGED_BODY_BOUND))
    } else {
        format!("{} bytes", exchange.request_body.len())
    };
    format!(
        "[{time}] modretailcrm {level} {} {} -> {status} in {} ms; request: {request}; response: {}",
        exchange.method,
        exchange.route,
        exchange.duration.as_millis(),
        one_line(&bounded(&exchange.response_body, LOGGED_BODY_BOUND)),
    )
}

fn one_line(text: &str) -> String {
    if text.is_empty() {
        "-".into()
    } else {
        text.replace(['\r', '\n'], " ")
    }
}

/// The mode of log files: they can hold customers' data, so only their owner reads them.
const LOG_FILE_MODE: u32 = 0o600;

/// Where a log is written, and whether its folder is the extension's own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogFile {
    /// The log file.
    pub path: PathBuf,
    /// Whether the folder may be created when missing: true for the extension's own folder
    /// in the site's cache (only that last folder is created, never its parents); false for
    /// a path the user configured, whose folder must exist.
    pub own_folder: bool,
}

impl LogFile {
    /// A path the user configured: its folder must already exist.
    pub fn configured(path: PathBuf) -> Self {
        LogFile {
            path,
            own_folder: false,
        }
    }

    /// A default path in the site's cache: its last folder is created when missing.
    pub fn in_own_folder(path: PathBuf) -> Self {
        LogFile {
            path,
            own_folder: true,
        }
    }
}

/// A log file capped at `max_bytes`: when a line would take it past the cap, the file is
/// renamed to `<name>.1` (older ones shift to `.2` … up to `keep`) and a new one started.
/// Files are readable by their owner only (0600, whatever the umask).
pub struct FileSink {
    path: PathBuf,
    own_folder: bool,
    max_bytes: u64,
    keep: u32,
    lock: Mutex<()>,
}

impl FileSink {
    /// A sink writing to `file`.
    pub fn new(file: LogFile, max_bytes: u64, keep: u32) -> Self {
        FileSink {
            path: file.path,
            own_folder: file.own_folder,
            max_bytes,
            keep,
            lock: Mutex::new(()),
        }
    }

    fn rotated(&self, n: u32) -> PathBuf {
        let mut name = self.path.clone().into_os_string();
        name.push(format!(".{n}"));
        PathBuf::from(name)
    }

    fn rotate(&self) -> std::io::Result<()> {
        for n in (1..self.keep).rev() {
            let from = self.rotated(n);
            if from.exists() {
                fs::rename(&from, self.rotated(n + 1))?;
            }
        }
        if self.keep == 0 {
            fs::remove_file(&self.path)
        } else {
            fs::rename(&self.path, self.rotated(1))
        }
    }

    fn append(&self, line: &str) -> io::Result<()> {
        if self.own_folder {
            self.create_own_folder()?;
        }
        let size = fs::metadata(&self.path).map(|m| m.len()).unwrap_or(0);
        if size > 0 && size + line.len() as u64 + 1 > self.max_bytes {
            self.rotate()?;
        }
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .mode(LOG_FILE_MODE)
            .open(&self.path)?;
        // A file made by an older version, or another program, may be readable by others.
        if file.metadata()?.permissions().mode() & 0o777 != LOG_FILE_MODE {
            file.set_permissions(Permissions::from_mode(LOG_FILE_MODE))?;
        }
        writeln!(file, "{line}")
    }

    /// Creates the log's own folder (owner only) when it is missing; never its parents.
    fn create_own_folder(&self) -> io::Result<()> {
        let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) else {
            return Ok(());
        };
        match DirBuilder::new().mode(0o700).create(dir) {
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists => Ok(()),
            other => other,
        }
    }

    /// The file written to.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl LineSink for FileSink {
    fn write_line(&self, line: &str) {
        let _guard = self
            .lock
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Err(error) = self.append(line) {
            eprintln!(
                "modretailcrm: cannot write the log file {}: {error}",
                self.path.display()
            );
        }
    }
}

/// Keeps lines until [`BufferSink::drain`] hands them to someone else (the PHP callable).
#[derive(Default)]
pub struct BufferSink {
    lines: Mutex<Vec<String>>,
}

/// A sink that lives as long as the process, such as a `static` [`BufferSink`].
impl<S: LineSink> LineSink for &'static S {
    fn write_line(&self, line: &str) {
        (**self).write_line(line);
    }
}

impl BufferSink {
    /// An empty buffer (usable in a `static`).
    pub const fn new() -> Self {
        BufferSink {
            lines: Mutex::new(Vec::new()),
        }
    }

    /// Takes the lines written since the last drain.
    pub fn drain(&self) -> Vec<String> {
        std::mem::take(
            &mut *self
                .lines
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner()),
        )
    }
}

impl LineSink for BufferSink {
    fn write_line(&self, line: &str) {
        self.lines
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push(line.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::transport::Method;
    use std::time::Duration;

    fn exchange(failed: bool) -> Exchange {
        Exchange {
            method: Method::Post,
            route: "v5/orders/create".into(),
            status: Some(if failed { 400 } else { 201 }),
            duration: Duration::from_millis(12),
            request_body: "order=%7B%7D\n".into(),
            response_body: "{\"success\":true}".into(),
            failed,
        }
    }

    #[test]
    fn formats_one_line_with_time_status_and_bodies() {
        let at = OffsetDateTime::from_unix_timestamp(1_764_403_200).unwrap();
        assert_eq!(
            format_exchange(&exchange(false), at, true),
            "[2025-11-29 08:00:00Z] modretailcrm INFO POST v5/orders/create -> 201 in 12 ms; request: order=%7B%7D ; response: {\"success\":true}"
        );
    }

    #[test]
    fn quiet_log_keeps_only_failures() {
        let quiet = ApiLog::new(false, BufferSink::default());
        quiet.record(&exchange(false));
        quiet.record(&exchange(true));
        let lines = quiet.sink().drain();
        assert_eq!(lines.len(), 1);
        assert!(lines[0].contains(" ERROR POST "));
        assert!(
            lines[0].contains("; request: 13 bytes; response: "),
            "a quiet log keeps customer data out: {}",
            lines[0]
        );
        let verbose = ApiLog::new(true, BufferSink::default());
        verbose.record(&exchange(false));
        assert_eq!(verbose.sink().drain().len(), 1);
        assert!(verbose.sink().drain().is_empty());
    }

    #[test]
    fn huge_bodies_make_bounded_lines() {
        let mut huge = exchange(true);
        huge.request_body = "r".repeat(1_000_000);
        huge.response_body = "s".repeat(20 * 1024 * 1024);
        let at = OffsetDateTime::from_unix_timestamp(1_764_403_200).unwrap();
        let line = format_exchange(&huge, at, true);
        assert!(line.len() < 2 * LOGGED_BODY_BOUND + 300, "{}", line.len());
        assert!(line.contains(&format!("… [cut {} bytes]", 1_000_000 - LOGGED_BODY_BOUND)));
        assert!(line.ends_with(&format!(
            "… [cut {} bytes]",
            20 * 1024 * 1024 - LOGGED_BODY_BOUND
        )));
    }

    #[test]
    fn file_sink_rotates_at_the_cap() {
        let dir = std::env::temp_dir().join(format!("modretailcrm-log-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        let sink = FileSink::new(LogFile::in_own_folder(dir.join("logs/api.log")), 30, 2);
        for n in 0..5 {
            sink.write_line(&format!("line number {n}"));
        }
        let read = |p: PathBuf| fs::read_to_string(p).unwrap_or_default();
        assert_eq!(read(sink.path().to_path_buf()), "line number 4\n");
        assert_eq!(read(sink.rotated(1)), "line number 2\nline number 3\n");
        assert_eq!(read(sink.rotated(2)), "line number 0\nline number 1\n");
        assert!(!sink.rotated(3).exists());
        fs::remove_dir_all(&dir).unwrap();
    }

    /// A fresh folder of the test's own.
    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("modretailcrm-log-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn mode(path: &Path) -> u32 {
        fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn log_files_are_private_whatever_the_umask_and_an_older_file_is_made_private() {
        let dir = scratch("mode");
        let sink = FileSink::new(LogFile::configured(dir.join("api.log")), 1 << 20, 2);
        sink.write_line("first");
        assert_eq!(mode(sink.path()), 0o600);
        fs::set_permissions(sink.path(), Permissions::from_mode(0o644)).unwrap();
        sink.write_line("second");
        assert_eq!(mode(sink.path()), 0o600);
        assert_eq!(fs::read_to_string(sink.path()).unwrap(), "first\nsecond\n");
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn only_the_own_folder_is_created_and_never_its_parents() {
        let dir = scratch("folders");
        // A configured path whose folder is missing: nothing is created, nothing written.
        let configured = FileSink::new(LogFile::configured(dir.join("logs/api.log")), 1024, 2);
        configured.write_line("lost");
        assert!(!dir.join("logs").exists());
        // The own folder is created (owner only) when its parent exists …
        let own = FileSink::new(LogFile::in_own_folder(dir.join("own/api.log")), 1024, 2);
        own.write_line("kept");
        assert_eq!(mode(&dir.join("own")), 0o700);
        assert_eq!(fs::read_to_string(own.path()).unwrap(), "kept\n");
        // … but not a chain of missing parents.
        let deep = FileSink::new(LogFile::in_own_folder(dir.join("a/b/api.log")), 1024, 2);
        deep.write_line("lost");
        assert!(!dir.join("a").exists());
        fs::remove_dir_all(&dir).unwrap();
    }
}
