//! One open outbox per file in a process, shared by every integration the process builds.
//!
//! Opening the SQLite file (WAL set-up, schema check) costs about half a millisecond, which
//! a PHP worker would otherwise pay on every request that has a shop event. The connection
//! is kept for the process (and never carried into a forked child, see
//! [`crate::runtime::ProcessLocal`]); it is reused only while the path still names the same
//! file, so an outbox moved away or replaced by the sysadmin is opened afresh, not written
//! into a file nobody reads.

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use super::db::mysql::MysqlTarget;
use super::error::Result;
use super::store::{Outbox, OutboxSettings};
use crate::runtime::ProcessLocal;

/// The outboxes this process opened.
static OPENED: ProcessLocal<Mutex<Vec<Opened>>> = ProcessLocal::new();

/// A MySQL outbox this process opened: where, with which settings, and the handle.
type OpenedMysql = (MysqlTarget, OutboxSettings, Arc<Outbox>);

/// The MySQL outboxes this process opened: one connection each, kept between requests.
static OPENED_MYSQL: ProcessLocal<Mutex<Vec<OpenedMysql>>> = ProcessLocal::new();

/// The MySQL outbox of `target` with `settings`: the one this process already opened, else
/// a newly opened one (see [`Outbox::open_mysql`]). Its connection is kept for the process
/// (opened again after a fork or a lost connection, see `db/mysql.rs`).
pub fn open_shared_mysql(target: &MysqlTarget, settings: OutboxSettings) -> Result<Arc<Outbox>> {
    let opened =
        OPENED_MYSQL.get_or_try_init(|| Ok::<_, std::convert::Infallible>(Mutex::default()));
    let Ok(opened) = opened;
    let mut opened = opened.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, _, outbox)) = opened
        .iter()
        .find(|(known, tuning, _)| known == target && *tuning == settings)
    {
        return Ok(Arc::clone(outbox));
    }
    let outbox = Arc::new(Outbox::open_mysql(target, settings.clone())?);
    opened.retain(|(known, _, _)| known != target);
    opened.push((target.clone(), settings, Arc::clone(&outbox)));
    Ok(outbox)
}

/// An open outbox and the file it was opened on.
struct Opened {
    path: PathBuf,
    settings: OutboxSettings,
    file: (u64, u64),
    outbox: Arc<Outbox>,
}

/// The file's device and inode number, which stay the same while it is the same file.
fn identity(path: &Path) -> Option<(u64, u64)> {
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

/// The outbox at `path` with `settings`: the one this process already opened when the path
/// still names its file, else a newly opened one (see [`Outbox::open_with`]).
pub fn open_shared(path: &Path, settings: OutboxSettings) -> Result<Arc<Outbox>> {
    let opened = OPENED.get_or_try_init(|| Ok::<_, std::convert::Infallible>(Mutex::default()));
    let Ok(opened) = opened;
    let mut opened = opened.lock().unwrap_or_else(|e| e.into_inner());
    let file = identity(path);
    if let Some(known) = opened
        .iter()
        .find(|o| o.path == path && o.settings == settings && Some(o.file) == file)
    {
        return Ok(Arc::clone(&known.outbox));
    }
    let outbox = Arc::new(Outbox::open_with(path, settings.clone())?);
    opened.retain(|o| o.path != path);
    if let Some(file) = identity(path) {
        opened.push(Opened {
            path: path.to_path_buf(),
            settings,
            file,
            outbox: Arc::clone(&outbox),
        });
    }
    Ok(outbox)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_file_is_opened_once_and_a_replaced_one_again() {
        let dir = std::env::temp_dir().join(format!("modretailcrm-shared-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let path = dir.join("outbox.sqlite");
        let first = open_shared(&path, OutboxSettings::default()).unwrap();
        let again = open_shared(&path, OutboxSettings::default()).unwrap();
        assert!(Arc::ptr_eq(&first, &again), "reused");

        let other_tuning = OutboxSettings {
            backoff_base: std::time::Duration::from_millis(1),
            ..OutboxSettings::default()
        };
        let tuned = open_shared(&path, other_tuning).unwrap();
        assert!(
            !Arc::ptr_eq(&first, &tuned),
            "other settings, own connection"
        );

        // The sysadmin moves the file away: the next open makes a new one at the path.
        std::fs::rename(&path, dir.join("moved.sqlite")).unwrap();
        let fresh = open_shared(&path, OutboxSettings::default()).unwrap();
        assert!(!Arc::ptr_eq(&first, &fresh), "a new file, a new connection");
        assert!(path.exists());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
