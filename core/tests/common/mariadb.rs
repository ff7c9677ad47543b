//! A private MariaDB server for tests: its own temporary data directory, a unix socket, no
//! network (`--skip-networking`), never the system's service. Shared by the core crate's unit
//! tests (`core/src/outbox/tests/mod.rs` includes this file), its integration tests and the
//! extension's (`core/tests/common/mod.rs`). `scripts/setup.sh` installs the server
//! (mariadb-server-core) and the client (mariadb-client).
//!
//! One server per test binary ([`PrivateMariaDb::shared`]); each test takes a database or a
//! table prefix of its own. The server runs under a small shell that stops it and removes its
//! folder when the test binary ends, however it ends: the shell reads its standard input,
//! which the test binary holds open, until end of file. When the tests run as root, the
//! server runs as the `mysql` user (else `nobody`).

#![allow(dead_code)]

use std::fs;
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The user tests connect as (not root: a read-only server refuses it, as it would a
/// shop's user).
pub const USER: &str = "outbox_tests";

/// That user's password.
pub const PASSWORD: &str = "outbox-tests-password";

/// A private MariaDB server on a temporary data directory.
pub struct PrivateMariaDb {
    dir: PathBuf,
    guard: Child,
    /// Held open for the server's life: at its end of file the shell stops the server.
    stdin: Option<ChildStdin>,
}

impl PrivateMariaDb {
    /// The server of this test binary, started at first use.
    pub fn shared() -> &'static PrivateMariaDb {
        static SERVER: OnceLock<PrivateMariaDb> = OnceLock::new();
        SERVER.get_or_init(PrivateMariaDb::start)
    }

    /// Initialises a data directory and starts `mariadbd` on it, listening only on a socket;
    /// returns once it answers, with the test user created.
    pub fn start() -> PrivateMariaDb {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "modretailcrm-mariadb-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("create {}: {e}", dir.display()));
        let user = as_root().then(|| {
            let (name, uid, gid) = unprivileged_user();
            std::os::unix::fs::chown(&dir, Some(uid), Some(gid)).expect("chown the data folder");
            format!("--user={name}")
        });
        let data = format!("--datadir={}", dir.join("data").display());
        let mut install = Command::new("mariadb-install-db");
        install.args([
            "--no-defaults",
            "--auth-root-authentication-method=normal",
            "--skip-test-db",
            &data,
        ]);
        install.args(&user);
        let installed = install
            .output()
            .expect("mariadb-install-db runs (scripts/setup.sh installs mariadb-server-core)");
        assert!(
            installed.status.success(),
            "mariadb-install-db: {}",
            String::from_utf8_lossy(&installed.stderr)
        );
        // The shell starts the server, waits for its own standard input to end (the test
        // binary holds it), then stops the server and removes the folder.
        let script = r#"mariadbd "$@" & server=$!
cat >/dev/null
kill "$server"; wait "$server"; rm -rf "$MARIADB_DIR""#;
        let mut guard = Command::new("sh");
        guard
            .args(["-c", script, "mariadbd"])
            .args([
                "--no-defaults",
                &data,
                &format!("--socket={}", dir.join("sock").display()),
                &format!("--pid-file={}", dir.join("pid").display()),
                &format!("--log-error={}", dir.join("error.log").display()),
                "--skip-networking",
                "--innodb-buffer-pool-size=64M",
                "--innodb-flush-log-at-trx-commit=1",
            ])
            .args(&user)
            .env("MARIADB_DIR", &dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let mut guard = guard.spawn().expect("sh runs");
        let stdin = guard.stdin.take().expect("the guard's standard input");
        let mut db = PrivateMariaDb {
            dir,
            guard,
            stdin: Some(stdin),
        };
        db.wait_until_it_answers();
        db.root_sql(&format!(
            "CREATE USER '{USER}'@'localhost' IDENTIFIED BY '{PASSWORD}';
             GRANT ALL PRIVILEGES ON *.* TO '{USER}'@'localhost';
             REVOKE SUPER, READ_ONLY ADMIN ON *.* FROM '{USER}'@'localhost';"
        ));
        db
    }

    /// The server's socket.
    pub fn socket(&self) -> PathBuf {
        self.dir.join("sock")
    }

    /// MODX's PDO DSN of database `database` on this server.
    pub fn dsn(&self, database: &str) -> String {
        format!(
            "mysql:unix_socket={};dbname={database};charset=utf8mb4",
            self.socket().display()
        )
    }

    /// A new empty database named after `name`, unique in this server; returns its name.
    pub fn database(&self, name: &str) -> String {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let clean: String = name
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .take(40)
            .collect();
        let database = format!("t{}_{clean}", NEXT.fetch_add(1, Ordering::Relaxed));
        self.root_sql(&format!(
            "CREATE DATABASE `{database}` CHARACTER SET utf8mb4"
        ));
        database
    }

    /// Runs `sql` (statements separated by `;`) as root with the `mariadb` client; panics
    /// with its error output when it fails.
    pub fn root_sql(&self, sql: &str) -> String {
        let out = Command::new("mariadb")
            .args(["--no-defaults", "-uroot", "--batch", "--skip-column-names"])
            .arg(format!("--socket={}", self.socket().display()))
            .arg("-e")
            .arg(sql)
            .output()
            .expect("mariadb runs (scripts/setup.sh installs mariadb-client)");
        assert!(
            out.status.success(),
            "mariadb -e {sql}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Asks the server (`mariadb-admin ping`) until it answers; fails with its log when it
    /// stops or does not answer within a minute.
    fn wait_until_it_answers(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let ping = Command::new("mariadb-admin")
                .args(["--no-defaults", "-uroot", "ping"])
                .arg(format!("--socket={}", self.socket().display()))
                .output()
                .expect("mariadb-admin runs (scripts/setup.sh installs mariadb-client)");
            if ping.status.success() {
                return;
            }
            let stopped = self.guard.try_wait().ok().flatten();
            if stopped.is_some() || Instant::now() > deadline {
                let log = fs::read_to_string(self.dir.join("error.log")).unwrap_or_default();
                panic!("the private mariadbd does not answer ({stopped:?}):\n{log}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for PrivateMariaDb {
    fn drop(&mut self) {
        // The end of the guard's standard input stops the server; wait for it so that the
        // folder is gone when the test ends.
        drop(self.stdin.take());
        let _ = self.guard.wait();
    }
}

/// Whether the tests run as root (mariadbd then needs `--user`).
pub fn as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
}

/// The user the server runs as under root: `mysql` (the MariaDB packages' user), else
/// `nobody`; with its uid and gid.
fn unprivileged_user() -> (&'static str, u32, u32) {
    ["mysql", "nobody"]
        .into_iter()
        .find_map(|name| Some((name, id("-u", name)?, id("-g", name)?)))
        .expect("a mysql or nobody user")
}

/// `id -u user` (uid) or `id -g user` (gid), when the user exists.
fn id(which: &str, user: &str) -> Option<u32> {
    let out = Command::new("id").args([which, user]).output().ok()?;
    String::from_utf8_lossy(&out.stdout).trim().parse().ok()
}
