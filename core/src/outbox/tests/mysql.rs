//! What only the MySQL outbox meets: table prefixes, credentials, a read-only server, a
//! server gone away, a newer schema, a foreign table, the named locks shared by nodes.

use std::sync::Arc;

use mysql::prelude::Queryable;
use mysql::{Conn, Opts};

use super::mariadb::{PASSWORD, PrivateMariaDb, USER};
use super::{at, claim, ids, mysql_target, put, record, settings};
use crate::outbox::db::mysql::MysqlStore;
use crate::outbox::{DeliveryLock, HistoryLock, MysqlTarget, Outbox, OutboxError};

fn open(target: &MysqlTarget) -> Result<Outbox, OutboxError> {
    Outbox::open_mysql(target, settings())
}

#[test]
fn a_prefix_with_odd_characters_is_refused_before_anything_is_created() {
    let (target, database) = mysql_target("odd-prefix", "modx`; DROP TABLE x; --");
    let error = open(&target).expect_err("refused").to_string();
    assert!(error.contains("only letters, digits and _"), "{error}");
    let tables = PrivateMariaDb::shared().root_sql(&format!(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = '{database}'"
    ));
    assert_eq!(tables.trim(), "0");
}

#[test]
fn wrong_credentials_are_a_clear_error_without_the_password() {
    let (mut target, _) = mysql_target("credentials", "modx_");
    target.password = "not-the-password-17".into();
    let error = open(&target).expect_err("refused");
    let message = error.to_string();
    assert!(matches!(error, OutboxError::Database { .. }), "{error:?}");
    assert!(message.contains("modretailcrm_queue_password"), "{message}");
    assert!(message.contains("Access denied"), "{message}");
    assert!(!message.contains("not-the-password-17"), "{message}");
    assert!(!format!("{error:?}").contains("not-the-password-17"));
}

#[test]
fn two_prefixes_in_one_database_are_two_outboxes() {
    let (shop, database) = mysql_target("prefixes", "shop_");
    let other = MysqlTarget {
        prefix: "other_".into(),
        ..shop.clone()
    };
    let (shop, other) = (open(&shop).expect("open"), open(&other).expect("open"));
    let id = put(&shop, &record("order.create", "order:1", &[]), at(0));
    assert!(claim(&other, "w", at(1)).is_empty());
    assert_eq!(ids(&claim(&shop, "w", at(1))), vec![id]);
    let tables = PrivateMariaDb::shared().root_sql(&format!(
        "SELECT table_name, engine, table_collation FROM information_schema.tables
          WHERE table_schema = '{database}' AND table_name = 'shop_modretailcrm_outbox'"
    ));
    assert_eq!(
        tables.trim(),
        "shop_modretailcrm_outbox\tInnoDB\tutf8mb4_bin"
    );
}

#[test]
fn a_newer_schema_and_a_foreign_table_are_refused_untouched() {
    let (target, database) = mysql_target("newer", "modx_");
    drop(open(&target).expect("create"));
    let server = PrivateMariaDb::shared();
    server.root_sql(&format!(
        "UPDATE `{database}`.modx_modretailcrm_outbox_meta SET value = 99
          WHERE name = 'schema_version'"
    ));
    let error = open(&target).expect_err("newer");
    assert!(
        matches!(error, OutboxError::Newer { found: 99, .. }),
        "{error:?}"
    );

    let (target, database) = mysql_target("foreign", "modx_");
    server.root_sql(&format!(
        "CREATE TABLE `{database}`.modx_modretailcrm_outbox (id INT PRIMARY KEY)"
    ));
    let error = open(&target).expect_err("foreign").to_string();
    assert!(error.contains("is not a modretailcrm outbox"), "{error}");
    let tables = server.root_sql(&format!(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = '{database}'"
    ));
    assert_eq!(tables.trim(), "1", "nothing created beside it");
}

#[test]
fn delivery_and_history_locks_have_one_holder_among_all_nodes() {
    let (target, _) = mysql_target("locks", "modx_");
    let node_a = Arc::new(open(&target).expect("open"));
    let node_b = Arc::new(open(&target).expect("open"));
    let (lock_a, lock_b) = (
        DeliveryLock::of(&node_a).expect("lock"),
        DeliveryLock::of(&node_b).expect("lock"),
    );
    let held = lock_a.try_hold().expect("try").expect("free");
    assert!(lock_a.try_hold().expect("try").is_none(), "same node");
    assert!(lock_b.try_hold().expect("try").is_none(), "another node");
    drop(held);
    let held_b = lock_b.try_hold().expect("try");
    assert!(held_b.is_some(), "given back");

    let history = HistoryLock::try_take_of(&node_a)
        .expect("try")
        .expect("free");
    assert!(HistoryLock::try_take_of(&node_a).expect("try").is_none());
    assert!(HistoryLock::try_take_of(&node_b).expect("try").is_none());
    drop(history);
    assert!(HistoryLock::try_take_of(&node_b).expect("try").is_some());

    // A node that dies holding the lock (its connection ends) releases it.
    drop(held_b);
    let node_c = Arc::new(open(&target).expect("open"));
    let lock_c = DeliveryLock::of(&node_c).expect("lock");
    let dying = lock_c.try_hold().expect("try").expect("free");
    std::mem::forget(dying);
    drop(lock_c);
    drop(node_c);
    // The server gives a dead connection's locks back once it has handled the connection's
    // end, a moment after the client closed it: a GET_LOCK that may wait lets the server
    // say when.
    let name = MysqlStore::open(&target)
        .expect("open")
        .lock_name("delivery");
    let options = target.connection("the test's DSN").expect("the DSN");
    let mut conn = Conn::new(Opts::from(options.options)).expect("connect");
    let taken: Option<Option<i64>> = conn
        .exec_first("SELECT GET_LOCK(?, 30)", (name.as_str(),))
        .expect("GET_LOCK");
    assert_eq!(
        taken.flatten(),
        Some(1),
        "the dead node's lock is given back"
    );
    conn.exec_drop("SELECT RELEASE_LOCK(?)", (name.as_str(),))
        .expect("RELEASE_LOCK");
    assert!(
        lock_a.try_hold().expect("try").is_some(),
        "released with the connection"
    );
}

/// A server of the test's own, for what changes the whole server.
fn own_server(name: &str) -> (PrivateMariaDb, MysqlTarget) {
    let server = PrivateMariaDb::start();
    let database = server.database(name);
    let target = MysqlTarget {
        dsn: server.dsn(&database),
        user: USER.into(),
        password: PASSWORD.into(),
        prefix: "modx_".into(),
    };
    (server, target)
}

#[test]
fn a_read_only_server_a_killed_connection_and_a_server_gone_away() {
    let (server, target) = own_server("faults");
    let outbox = open(&target).expect("open");
    let first = put(&outbox, &record("order.create", "order:1", &[]), at(0));

    // A replica (read-only): enqueue refused clearly, nothing lost, reading still works.
    server.root_sql("SET GLOBAL read_only = 1");
    let error = outbox
        .enqueue(&record("order.edit", "order:1", &[]), at(1))
        .expect_err("read-only")
        .to_string();
    assert!(error.contains("read-only"), "{error}");
    assert_eq!(outbox.status(at(2)).expect("status").pending, 1);
    server.root_sql("SET GLOBAL read_only = 0");

    // The connection killed (a server restart, wait_timeout …): the next operation
    // reconnects and runs, once.
    server.root_sql(&format!("KILL USER '{USER}'"));
    let second = put(&outbox, &record("order.edit", "order:1", &[]), at(3));
    assert!(second > first);
    assert_eq!(outbox.status(at(4)).expect("status").pending, 2);

    // The server gone for good: a clear error.
    drop(server);
    let error = outbox
        .enqueue(&record("order.edit", "order:1", &[]), at(5))
        .expect_err("gone")
        .to_string();
    assert!(error.contains("cannot be reached"), "{error}");
}

#[test]
fn a_write_lock_held_too_long_is_waited_for_again_then_a_clear_error() {
    let (server, target) = own_server("lock-wait");
    server.root_sql("SET GLOBAL innodb_lock_wait_timeout = 1");
    let outbox = open(&target).expect("open");
    put(&outbox, &record("order.create", "order:1", &[]), at(0));
    // Another client (a sysadmin's session, a stuck node) holds the outbox's write lock.
    let database = target.dsn.rsplit("dbname=").next().unwrap_or_default();
    let database = database.split(';').next().unwrap_or_default();
    let mut holder = std::process::Command::new("mariadb")
        .args(["--no-defaults", "-uroot", "--unbuffered", "--batch"])
        .arg(format!("--socket={}", server.socket().display()))
        .arg(database)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("mariadb runs");
    let mut stdin = holder.stdin.take().expect("stdin");
    std::io::Write::write_all(
        &mut stdin,
        b"BEGIN; SELECT name FROM modx_modretailcrm_outbox_meta \
          WHERE name = 'write_lock' FOR UPDATE;\n",
    )
    .expect("lock");
    let mut stdout = std::io::BufReader::new(holder.stdout.take().expect("stdout"));
    let mut line = String::new();
    while !line.contains("write_lock") {
        line.clear();
        let read = std::io::BufRead::read_line(&mut stdout, &mut line).expect("read");
        assert!(read > 0, "the holder ended before taking the lock");
    }
    let error = outbox
        .enqueue(&record("order.edit", "order:1", &[]), at(1))
        .expect_err("the lock stays held")
        .to_string();
    assert!(
        error.contains("lock wait timed out through the retries"),
        "{error}"
    );
    assert!(error.contains("nothing was changed"), "{error}");
    drop(stdin);
    holder.wait().expect("the holder ends");
    // Given back: the next write goes through, and nothing was lost or half-written.
    put(&outbox, &record("order.edit", "order:1", &[]), at(2));
    assert_eq!(outbox.status(at(3)).expect("status").pending, 2);
}
