//! How far an upload is, for the person who started it: a bar with done/total, rate and ETA
//! on a terminal ([`indicatif`]), one plain line per [`LINE_EVERY`] entities otherwise (cron
//! mail, a log file), both on standard error so that standard output keeps the summary.

use std::io::{IsTerminal, Write};
use std::time::Instant;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Entities between two plain progress lines.
pub const LINE_EVERY: u64 = 1000;

/// Progress of one run.
pub struct Progress {
    label: String,
    total: u64,
    done: u64,
    started: Instant,
    bar: Option<ProgressBar>,
}

impl Progress {
    /// Progress of `label` (`upload orders`) over `total` entities: a bar when standard error
    /// is a terminal, plain lines otherwise.
    pub fn new(label: &str, total: u64) -> Progress {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
            let style =
                ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} {per_sec} ETA {eta}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> ");
            bar.set_style(style);
            bar.set_message(label.to_string());
            bar
        });
        Progress {
            label: label.to_string(),
            total,
            done: 0,
            started: Instant::now(),
            bar,
        }
    }

    /// Counts `count` more entities done.
    pub fn advance(&mut self, count: u64) {
        let before = self.done;
        self.done += count;
        match &self.bar {
            Some(bar) => bar.set_position(self.done),
            None if before / LINE_EVERY != self.done / LINE_EVERY => {
                eprintln!("{}", self.line());
                let _ = std::io::stderr().flush();
            }
            None => {}
        }
    }

    /// Ends the bar (or writes the last line).
    pub fn finish(&self) {
        match &self.bar {
            Some(bar) => bar.finish(),
            None => eprintln!("{}", self.line()),
        }
    }

    /// `upload orders: 3000/20000 (498/s, ETA 34 s)`.
    fn line(&self) -> String {
        let seconds = self.started.elapsed().as_secs_f64();
        let rate = if seconds > 0.0 {
            self.done as f64 / seconds
        } else {
            0.0
        };
        let left = self.total.saturating_sub(self.done) as f64;
        let eta = if rate > 0.0 {
            format!("{:.0} s", left / rate)
        } else {
            "?".into()
        };
        format!(
            "{}: {}/{} ({rate:.0}/s, ETA {eta})",
            self.label, self.done, self.total
        )
    }
}
