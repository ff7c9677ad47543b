//! Tests of the outbox on real SQLite files in a temporary folder and on a real MariaDB
//! server of the test binary's own (see `core/tests/common/mariadb.rs`). The rules are
//! tested once, on both backends ([`each_backend`]); what is a file's alone (modes, damage,
//! SQLite's query plan) or a database's alone (credentials, prefixes, a read-only server) is
//! tested on its own. Time is simulated: every call gets its `now` from the test.

#[path = "../../../tests/common/mariadb.rs"]
pub(crate) mod mariadb;

mod breaker;
mod concurrency;
mod destination;
mod failures;
mod fairness;
mod history_entries;
mod inbound_state;
mod mysql;
mod once;
mod open;
mod order;
mod order_ids;
mod privacy;
mod ratelimit;
mod refusals;
mod timing;
mod transfer;
mod unmapped;

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::json;

use super::db::Dialect;
use super::{Claimed, MysqlTarget, NewRecord, Outbox, OutboxSettings};
use mariadb::PrivateMariaDb;

/// A folder removed when the test ends (the sync tests use it too).
pub(crate) struct TempDir(PathBuf);

impl TempDir {
    pub(crate) fn new(name: &str) -> TempDir {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "modretailcrm-outbox-{}-{}-{name}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = fs::remove_dir_all(&path);
        fs::create_dir_all(&path).expect("create the test folder");
        TempDir(path)
    }

    pub(crate) fn file(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// Where a test's outbox lives.
pub(crate) enum Store {
    /// `outbox.sqlite` in a temporary folder.
    Sqlite(TempDir),
    /// Tables in a database of the test's own on the private MariaDB (and its name).
    Mysql(MysqlTarget, String),
}

impl Store {
    /// A SQLite outbox of its own for test `name`.
    pub(crate) fn sqlite(name: &str) -> Store {
        Store::Sqlite(TempDir::new(name))
    }

    /// A MySQL outbox of its own for test `name`: a database of its own on the private
    /// server (started at first use), with the `modx_` prefix.
    pub(crate) fn mysql(name: &str) -> Store {
        let (target, database) = mysql_target(name, "modx_");
        Store::Mysql(target, database)
    }

    /// A new handle on the outbox, as another process would open it.
    pub(crate) fn open(&self) -> Outbox {
        self.open_with(settings())
    }

    /// [`Store::open`] with `tuning`.
    pub(crate) fn open_with(&self, tuning: OutboxSettings) -> Outbox {
        match self {
            Store::Sqlite(dir) => Outbox::open_with(&dir.file("outbox.sqlite"), tuning),
            Store::Mysql(target, _) => Outbox::open_mysql(target, tuning),
        }
        .expect("open")
    }

    /// Which backend.
    pub(crate) fn backend(&self) -> &'static str {
        match self {
            Store::Sqlite(_) => "sqlite",
            Store::Mysql(..) => "mysql",
        }
    }

    /// Where the outbox is, for a child process (see [`Store::open_from_env`]).
    pub(crate) fn env(&self) -> Vec<(&'static str, String)> {
        match self {
            Store::Sqlite(dir) => vec![(ENV_PATH, dir.file("outbox.sqlite").display().to_string())],
            Store::Mysql(target, _) => vec![
                (ENV_DSN, target.dsn.clone()),
                (ENV_USER, target.user.clone()),
                (ENV_PASSWORD, target.password.clone()),
                (ENV_PREFIX, target.prefix.clone()),
            ],
        }
    }

    /// Opens the outbox a parent process described with [`Store::env`].
    pub(crate) fn open_from_env() -> Outbox {
        let var = |name| std::env::var(name).unwrap_or_default();
        match std::env::var(ENV_PATH) {
            Ok(path) => open(Path::new(&path)),
            Err(_) => Outbox::open_mysql(
                &MysqlTarget {
                    dsn: var(ENV_DSN),
                    user: var(ENV_USER),
                    password: var(ENV_PASSWORD),
                    prefix: var(ENV_PREFIX),
                },
                settings(),
            )
            .expect("open"),
        }
    }

    /// The number `sql` (tables named in braces) answers, read behind the outbox's back.
    pub(crate) fn number(&self, sql: &str) -> i64 {
        match self {
            Store::Sqlite(dir) => rusqlite::Connection::open(dir.file("outbox.sqlite"))
                .and_then(|conn| {
                    conn.query_row(&Dialect::Sqlite.translate(sql, ""), [], |row| row.get(0))
                })
                .expect("raw SQL"),
            Store::Mysql(target, database) => {
                let sql = Dialect::Mysql.translate(sql, &target.prefix);
                PrivateMariaDb::shared()
                    .root_sql(&format!("USE `{database}`; {sql}"))
                    .trim()
                    .parse()
                    .expect("a number")
            }
        }
    }

    /// Runs `sql` (tables named in braces, see `db/mod.rs`) behind the outbox's back, as
    /// a sysadmin's tool would: `sqlite3` on the file, the `mariadb` client as root.
    pub(crate) fn raw(&self, sql: &str) {
        match self {
            Store::Sqlite(dir) => rusqlite::Connection::open(dir.file("outbox.sqlite"))
                .and_then(|conn| conn.execute_batch(&Dialect::Sqlite.translate(sql, "")))
                .expect("raw SQL"),
            Store::Mysql(target, database) => {
                let sql = Dialect::Mysql.translate(sql, &target.prefix);
                PrivateMariaDb::shared().root_sql(&format!("USE `{database}`; {sql}"));
            }
        }
    }
}

/// The settings of a database of its own on the private server for test `name`, with
/// table prefix `prefix`; and the database's name.
pub(crate) fn mysql_target(name: &str, prefix: &str) -> (MysqlTarget, String) {
    let server = PrivateMariaDb::shared();
    let database = server.database(name);
    let target = MysqlTarget {
        dsn: server.dsn(&database),
        user: mariadb::USER.into(),
        password: mariadb::PASSWORD.into(),
        prefix: prefix.into(),
    };
    (target, database)
}

/// The environment that tells a child process where the outbox is.
const ENV_PATH: &str = "MODRETAILCRM_OUTBOX_TEST_PATH";
const ENV_DSN: &str = "MODRETAILCRM_OUTBOX_TEST_DSN";
const ENV_USER: &str = "MODRETAILCRM_OUTBOX_TEST_USER";
const ENV_PASSWORD: &str = "MODRETAILCRM_OUTBOX_TEST_PASSWORD";
const ENV_PREFIX: &str = "MODRETAILCRM_OUTBOX_TEST_PREFIX";

/// Runs `test` on an outbox of its own on each backend: SQLite, then MySQL (MariaDB).
pub(crate) fn each_backend(name: &str, test: impl Fn(&Store)) {
    for store in [Store::sqlite(name), Store::mysql(name)] {
        eprintln!("{name} on {}", store.backend());
        test(&store);
    }
}

/// Backoff from 1 s doubling up to 8 s.
pub(super) fn settings() -> OutboxSettings {
    OutboxSettings {
        backoff_base: Duration::from_secs(1),
        backoff_cap: Duration::from_secs(8),
        ..OutboxSettings::default()
    }
}

pub(super) fn open(path: &Path) -> Outbox {
    Outbox::open_with(path, settings()).expect("open the outbox")
}

/// The simulated time `millis` after the start of a test.
pub(super) fn at(millis: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_700_000_000) + Duration::from_millis(millis)
}

pub(super) fn record(kind: &str, key: &str, depends_on: &[&str]) -> NewRecord {
    NewRecord {
        kind: kind.into(),
        entity_key: key.into(),
        payload: json!({"kind": kind, "key": key}),
        depends_on: depends_on.iter().map(|key| key.to_string()).collect(),
        destination: None,
    }
}

/// Enqueues `record` at `now` and returns its id.
pub(super) fn put(outbox: &Outbox, record: &NewRecord, now: SystemTime) -> i64 {
    outbox.enqueue(record, now).expect("enqueue")
}

/// Claims everything due at `now` for `worker` with a 30 s lease.
pub(super) fn claim(outbox: &Outbox, worker: &str, now: SystemTime) -> Vec<Claimed> {
    outbox
        .claim(worker, now, Duration::from_secs(30), 100)
        .expect("claim")
}

pub(super) fn ids(claimed: &[Claimed]) -> Vec<i64> {
    claimed.iter().map(|record| record.id).collect()
}

/// Runs a child process's part of a multi-process test when this test binary was started
/// by one of those tests (see [`concurrency::spawn_child`]); does nothing otherwise.
#[test]
fn child_process() {
    concurrency::run_child();
}
