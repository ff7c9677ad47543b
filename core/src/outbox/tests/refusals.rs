//! Paths that are no file on disk, and damaged files: refused before anything is written.

use std::fs::{self, OpenOptions};
use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use rusqlite::Connection;
use rusqlite::config::DbConfig;
use serde_json::json;

use super::super::{NewRecord, Outbox, OutboxError};
use super::{TempDir, at, open, put, record};

fn refusal(path: &Path) -> String {
    match Outbox::open(path) {
        Err(error @ OutboxError::NotAFile { .. }) => error.to_string(),
        other => panic!("{} must be refused as no file: {other:?}", path.display()),
    }
}

#[test]
fn names_that_are_no_file_on_disk_are_refused_before_anything_is_created() {
    for name in [":memory:", "php://memory", "php://temp/maxmemory:0", ""] {
        let message = refusal(Path::new(name));
        assert!(message.contains("modretailcrm_queue_path"), "{message}");
        if !name.is_empty() {
            assert!(!Path::new(name).exists(), "{name} was created");
        }
    }
    assert!(
        !Path::new("php:").exists(),
        "no folder php: in the working dir"
    );
}

#[test]
fn folders_fifos_and_devices_are_refused_and_left_alone() {
    let dir = TempDir::new("non-files");
    let folder = dir.file("a-folder");
    fs::create_dir(&folder).expect("mkdir");
    let message = refusal(&folder);
    assert!(message.contains("a folder"), "{message}");
    assert_eq!(fs::read_dir(&folder).expect("list").count(), 0);

    let fifo = dir.file("a-fifo");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success());
    assert!(refusal(&fifo).contains("FIFO"));

    // A device, reached through a link inside the temporary folder.
    let device = dir.file("a-device");
    std::os::unix::fs::symlink("/dev/null", &device).expect("symlink");
    assert!(refusal(&device).contains("device"));

    let names: Vec<PathBuf> = fs::read_dir(dir.file(""))
        .expect("list")
        .map(|entry| entry.expect("entry").path())
        .collect();
    assert_eq!(
        names.len(),
        3,
        "no lock, WAL or other file beside them: {names:?}"
    );
}

/// An outbox with `count` records of a few hundred bytes each, copied into the main file
/// by a checkpoint while the WAL still holds them (as on any busy day), closed.
fn filled_outbox(path: &Path, count: usize) {
    let outbox = open(path);
    for n in 0..count {
        let record = NewRecord {
            payload: json!({"externalId": n, "comment": "x".repeat(300)}),
            ..record("order.create", &format!("order:{n}"), &[])
        };
        put(&outbox, &record, at(0));
    }
    drop(outbox);
    let busy: i64 = Connection::open(path)
        .and_then(|conn| {
            conn.set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true)?;
            conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |row| row.get(0))
        })
        .expect("checkpoint");
    assert_eq!(busy, 0, "checkpointed");
}

fn assert_write_refused(outbox: &Outbox) {
    let refused = outbox
        .enqueue(&record("order.create", "order:new", &[]), at(1))
        .expect_err("a damaged outbox takes no record");
    assert!(
        matches!(refused, OutboxError::Damaged { .. }),
        "{refused:?}"
    );
    assert!(refused.to_string().contains("damaged"), "{refused}");
    let claim = outbox.claim("w", at(1), std::time::Duration::from_secs(30), 10);
    assert!(
        matches!(claim, Err(OutboxError::Damaged { .. })),
        "{claim:?}"
    );
}

#[test]
fn a_cut_file_opens_for_reading_only_and_refuses_every_write() {
    let dir = TempDir::new("cut");
    let path = dir.file("outbox.sqlite");
    filled_outbox(&path, 300);
    let length = fs::metadata(&path).expect("metadata").len();
    let cut = length / 2 / 4096 * 4096;
    OpenOptions::new()
        .write(true)
        .open(&path)
        .and_then(|file| file.set_len(cut))
        .expect("truncate");

    let outbox = Outbox::open(&path).expect("a damaged outbox still opens for reading");
    let damage = outbox
        .damage()
        .expect("the damage is known on open")
        .to_string();
    assert!(damage.contains("cut"), "{damage}");
    assert_write_refused(&outbox);
    // What can be read still is, and says the file is damaged; a read that meets the cut
    // pages says so too.
    match outbox.status(at(1)) {
        Ok(status) => assert_eq!(status.damaged.as_deref(), Some(damage.as_str())),
        Err(error) => assert!(matches!(error, OutboxError::Damaged { .. }), "{error:?}"),
    }
    assert_eq!(
        fs::metadata(&path).expect("metadata").len(),
        cut,
        "left as it was"
    );
}

#[test]
fn garbage_over_pages_is_found_when_read_and_then_every_write_is_refused() {
    let dir = TempDir::new("garbage-pages");
    let path = dir.file("outbox.sqlite");
    filled_outbox(&path, 300);
    let mut file = OpenOptions::new().write(true).open(&path).expect("open");
    file.seek(SeekFrom::Start(4096 * 4)).expect("seek");
    file.write_all(&[0xA5; 4096 * 8]).expect("scribble");
    drop(file);

    let outbox = Outbox::open(&path).expect("the header looks right");
    let read = outbox.status(at(1));
    assert!(
        matches!(read, Err(OutboxError::Damaged { .. })),
        "reading the damaged pages tells: {read:?}"
    );
    assert!(outbox.damage().is_some());
    assert_write_refused(&outbox);
}
