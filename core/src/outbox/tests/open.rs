//! Opening: creation, durability, permissions, refusals, schema versions, query plans.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use rusqlite::Connection;

use super::super::claim::ELIGIBLE;
use super::super::db::Dialect;
use super::super::once::ANY;
use super::super::{Outbox, OutboxError};
use super::{TempDir, at, claim, ids, open, put, record};

fn mode(path: &Path) -> u32 {
    fs::metadata(path).expect("metadata").permissions().mode() & 0o777
}

fn sidecars_absent(path: &Path) -> bool {
    ["-wal", "-shm", "-journal"].iter().all(|suffix| {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        !Path::new(&name).exists()
    })
}

#[test]
fn enqueued_record_survives_reopening_and_the_file_is_private() {
    let dir = TempDir::new("durable");
    let path = dir.file("cache/modretailcrm/outbox.sqlite");
    let outbox = open(&path);
    let id = put(&outbox, &record("order.create", "order:1", &[]), at(0));
    assert_eq!(mode(&path), 0o600);
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    assert_eq!(mode(Path::new(&wal)), 0o600, "the WAL file is private too");
    assert_eq!(mode(path.parent().expect("parent")), 0o700);

    // Another handle (a separate connection, as another process would have) sees it at once.
    let other = open(&path);
    assert_eq!(ids(&claim(&other, "w", at(1))), vec![id]);
    drop(other);
    drop(outbox);

    let reopened = Outbox::open(&path).expect("reopen");
    let status = reopened.status(at(2)).expect("status");
    assert_eq!(status.pending, 1);
    assert_eq!(status.in_flight, 1);
    assert_eq!(mode(&path), 0o600);
}

#[test]
fn existing_file_keeps_its_mode() {
    let dir = TempDir::new("mode");
    let path = dir.file("outbox.sqlite");
    drop(open(&path));
    fs::set_permissions(&path, fs::Permissions::from_mode(0o660)).expect("chmod");
    drop(open(&path));
    assert_eq!(mode(&path), 0o660, "a sysadmin's choice is left alone");
}

#[test]
fn garbage_file_is_refused_untouched() {
    let dir = TempDir::new("corrupt");
    let path = dir.file("outbox.sqlite");
    let garbage = b"this is not a database, just some text a script left here\n".repeat(100);
    fs::write(&path, &garbage).expect("write garbage");
    let error = Outbox::open(&path).expect_err("garbage must be refused");
    assert!(matches!(error, OutboxError::Corrupt { .. }), "{error:?}");
    let message = error.to_string();
    assert!(message.contains(&path.display().to_string()), "{message}");
    assert!(message.contains("not a SQLite database"), "{message}");
    assert_eq!(fs::read(&path).expect("read"), garbage);
    assert!(sidecars_absent(&path));
}

#[test]
fn database_of_another_application_is_refused_untouched() {
    let dir = TempDir::new("foreign");
    let path = dir.file("shop.sqlite");
    Connection::open(&path)
        .and_then(|conn| conn.execute_batch("CREATE TABLE products (id INTEGER PRIMARY KEY)"))
        .expect("create a foreign database");
    let before = fs::read(&path).expect("read");
    let error = Outbox::open(&path).expect_err("a foreign database must be refused");
    assert!(matches!(error, OutboxError::NotOutbox { .. }), "{error:?}");
    assert!(error.to_string().contains("another application"), "{error}");
    assert_eq!(fs::read(&path).expect("read"), before);
}

#[test]
fn file_from_a_newer_version_is_refused_untouched() {
    let dir = TempDir::new("newer");
    let path = dir.file("outbox.sqlite");
    drop(open(&path));
    Connection::open(&path)
        .and_then(|conn| conn.execute_batch("PRAGMA user_version = 99"))
        .expect("pretend a newer version wrote the file");
    let before = fs::read(&path).expect("read");
    let error = Outbox::open(&path).expect_err("a newer file must be refused");
    match &error {
        OutboxError::Newer {
            found, supported, ..
        } => assert_eq!(
            (*found, *supported),
            (99, super::super::schema::supported_version())
        ),
        other => panic!("expected Newer, got {other:?}"),
    }
    assert!(error.to_string().contains("newer version"), "{error}");
    assert_eq!(fs::read(&path).expect("read"), before);
}

#[test]
fn reopening_keeps_the_schema_version() {
    let dir = TempDir::new("version");
    let path = dir.file("outbox.sqlite");
    drop(open(&path));
    drop(open(&path));
    let version: i64 = Connection::open(&path)
        .and_then(|conn| conn.query_row("PRAGMA user_version", [], |row| row.get(0)))
        .expect("read the version");
    assert_eq!(version, super::super::schema::supported_version());
}

#[test]
fn folder_that_cannot_be_created_is_an_open_error() {
    let dir = TempDir::new("unwritable");
    let blocker = dir.file("a-regular-file");
    fs::write(&blocker, "x").expect("write");
    let path = blocker.join("cache/outbox.sqlite");
    let error = Outbox::open(&path).expect_err("a path through a file must fail");
    assert!(matches!(error, OutboxError::Open { .. }), "{error:?}");
    let message = error.to_string();
    assert!(message.starts_with("cannot open the outbox"), "{message}");
    assert!(message.contains(&path.display().to_string()), "{message}");
}

#[test]
fn empty_kind_or_key_is_refused() {
    let dir = TempDir::new("invalid");
    let outbox = open(&dir.file("outbox.sqlite"));
    for bad in [
        record("", "order:1", &[]),
        record("order.create", "", &[]),
        record("order.create", "order:1", &[""]),
    ] {
        let error = outbox.enqueue(&bad, at(0)).expect_err("refused");
        assert!(matches!(error, OutboxError::Invalid(_)), "{error:?}");
    }
    assert!(matches!(
        outbox.claim("", at(0), std::time::Duration::from_secs(1), 1),
        Err(OutboxError::Invalid(_))
    ));
    assert_eq!(outbox.status(at(0)).expect("status").pending, 0);
}

/// The claim query walks indexes only: the due index for the candidates, index probes for
/// the per-key order and for the dependencies.
#[test]
fn claim_query_uses_indexes() {
    let steps = sqlite_plan(ELIGIBLE, rusqlite::params![0, 0, "s", "s", "u", "k", 10]);
    let plan = steps.join("\n");
    assert!(plan.contains("SEARCH r USING INDEX records_due"), "{plan}");
    assert!(
        plan.contains("SEARCH e USING INDEX records_key_open"),
        "{plan}"
    );
    assert!(plan.contains("SEARCH d USING PRIMARY KEY"), "{plan}");
    assert!(
        !steps.iter().any(|step| step.starts_with("SCAN")),
        "no full scan: {plan}"
    );
    assert!(!plan.contains("TEMP B-TREE"), "no sort: {plan}");
}

/// `enqueue_once` finds a key among the records of every state, delivered ones included,
/// on an index: a form's submission does not read every record the outbox keeps.
#[test]
fn the_once_lookup_uses_the_index_of_every_key() {
    let steps = sqlite_plan(ANY, rusqlite::params!["order:form-a"]);
    assert_eq!(
        steps,
        ["SEARCH records USING COVERING INDEX records_key (entity_key=?)"]
    );
}

/// SQLite's plan of `sql` (tables named in braces) with `params`, on a new outbox file.
fn sqlite_plan(sql: &str, params: &[&dyn rusqlite::ToSql]) -> Vec<String> {
    let dir = TempDir::new("plan");
    let path = dir.file("outbox.sqlite");
    drop(open(&path));
    let conn = Connection::open(&path).expect("open");
    let mut plan = conn
        .prepare(&format!(
            "EXPLAIN QUERY PLAN {}",
            Dialect::Sqlite.translate(sql, "")
        ))
        .expect("explain");
    plan.query_map(params, |row| row.get(3))
        .expect("plan")
        .collect::<Result<_, _>>()
        .expect("plan rows")
}
