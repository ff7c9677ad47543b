//! Saying once that the integration is inactive.
//!
//! A site whose settings are empty or wrong must keep working and must not write the same
//! complaint into its log on every request (the baseline did). The reason last reported is
//! remembered in the process and in a small note file in the site's private folder (see
//! [`super::folder`]; beside the outbox when there is none), shared by every PHP worker of
//! the site: a reason is reported when it differs from the noted one, and the
//! note is removed once the integration is active again, so that a later problem is
//! reported afresh.

use std::fs::{self, DirBuilder};
use std::io::Write;
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde_json::{Map, Value};

use super::folder::{DATA_PATH_SETTING, private_folder, raw_text};

/// The note's file name, in the site's private folder.
const NOTE_FILE: &str = "inactive.txt";

/// The reason this process last reported, or `None` when it last saw the integration active.
static LAST_REASON: Mutex<Option<String>> = Mutex::new(None);

/// Where a site's inactivity note is kept: the site's private folder, else the folder of
/// the outbox. It does not move with the settings it reports on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InactiveNote {
    file: Option<PathBuf>,
}

impl InactiveNote {
    /// The note for a site with these raw `modretailcrm_*` settings (and `core_path`).
    pub fn for_settings(settings: &Map<String, Value>) -> Self {
        let folder = private_folder(raw_text(settings, DATA_PATH_SETTING), settings)
            .ok()
            .flatten()
            .or_else(|| {
                raw_text(settings, "modretailcrm_queue_path")
                    .and_then(|queue| Path::new(queue).parent().map(Path::to_path_buf))
            });
        InactiveNote {
            file: folder.map(|folder| folder.join(NOTE_FILE)),
        }
    }

    /// Whether `reason` is news: not what this process or the note last reported. When it is,
    /// it becomes the noted reason (best effort: a note that cannot be written only means
    /// other processes report it once more).
    pub fn is_news(&self, reason: &str) -> bool {
        let mut last = LAST_REASON.lock().unwrap_or_else(|e| e.into_inner());
        if last.as_deref() == Some(reason) {
            return false;
        }
        *last = Some(reason.to_string());
        let Some(file) = &self.file else {
            return true;
        };
        if fs::read_to_string(file).is_ok_and(|noted| noted == reason) {
            return false;
        }
        let _ = write_atomically(file, reason);
        true
    }

    /// The integration is active: forgets the reported reason, so a later one is news.
    pub fn clear(&self) {
        *LAST_REASON.lock().unwrap_or_else(|e| e.into_inner()) = None;
        if let Some(file) = &self.file {
            // Absent in the usual case: one failed unlink costs what a stat would.
            let _ = fs::remove_file(file);
        }
    }
}

/// Replaces `file` with `text` so that a reader sees the old or the new text, never a part.
fn write_atomically(file: &Path, text: &str) -> std::io::Result<()> {
    if let Some(folder) = file.parent() {
        // The private folder, its owner's only, as the outbox makes it.
        DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(folder)?;
    }
    let temporary = file.with_extension(format!("{}.tmp", std::process::id()));
    let mut out = fs::File::create(&temporary)?;
    out.write_all(text.as_bytes())?;
    drop(out);
    fs::rename(&temporary, file)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn note(settings: Value) -> InactiveNote {
        InactiveNote::for_settings(settings.as_object().expect("an object"))
    }

    #[test]
    fn the_note_lives_in_the_private_folder_or_beside_the_outbox() {
        assert_eq!(
            note(json!({"modretailcrm_queue_path": "/srv/q/outbox.sqlite", "core_path": "/var/www/core/"})).file,
            Some(PathBuf::from("/var/www/core/cache/modretailcrm/inactive.txt"))
        );
        assert_eq!(
            note(json!({"modretailcrm_queue_path": "/srv/q/outbox.sqlite", "core_path": " "})).file,
            Some(PathBuf::from("/srv/q/inactive.txt"))
        );
        assert_eq!(
            note(json!({"modretailcrm_data_path": "{core_path}cache/modretailcrm-5e1f/", "core_path": "/var/www/core/"})).file,
            Some(PathBuf::from("/var/www/core/cache/modretailcrm-5e1f/inactive.txt"))
        );
        assert_eq!(note(json!({})).file, None);
    }

    // One test owns the process-wide memory, so that tests running in parallel do not race.
    #[test]
    fn a_reason_is_news_once_across_processes_until_the_integration_is_active() {
        let dir =
            std::env::temp_dir().join(format!("modretailcrm-inactive-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let site = note(json!({"core_path": dir.to_str()}));
        assert!(site.is_news("not configured"));
        assert!(!site.is_news("not configured"), "same process, same reason");
        let file = dir.join("cache/modretailcrm/inactive.txt");
        assert_eq!(
            fs::read_to_string(&file).ok().as_deref(),
            Some("not configured")
        );

        // Another worker process: its memory is empty, the note says it all.
        *LAST_REASON.lock().unwrap() = None;
        assert!(
            !site.is_news("not configured"),
            "another process, noted reason"
        );
        assert!(
            site.is_news("modretailcrm_apiKey must be set"),
            "a new reason"
        );

        site.clear();
        assert!(!file.exists(), "active again: the note is gone");
        assert!(
            site.is_news("modretailcrm_apiKey must be set"),
            "reported afresh"
        );

        // No folder for the note: only the process remembers.
        let nowhere = note(json!({}));
        assert!(nowhere.is_news("no core path"));
        assert!(!nowhere.is_news("no core path"));
        let _ = fs::remove_dir_all(&dir);
    }
}
