//! The catalogue reader (php-plugin/lib/IcmlCatalog.php) against a real MariaDB server of the
//! test's own (a private `mariadbd` on a temporary data directory and a socket, no network):
//! a generated miniShop2 catalogue of 20,000 products, the export checked, and every query
//! the reader ran checked with `EXPLAIN` at its first and last page (tests/php/icml_mariadb.php).
//! `scripts/setup.sh` installs the server (mariadb-server-core) and pdo_mysql (php-mysql).

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::php;

/// A private MariaDB server on a temporary data directory, stopped and removed when dropped.
struct PrivateMariaDb {
    dir: PathBuf,
    server: Child,
}

impl PrivateMariaDb {
    /// Initialises a data directory and starts `mariadbd` on it, listening only on a socket
    /// (as the `mysql` user, else `nobody`, when the tests run as root); returns once it
    /// answers.
    fn start() -> PrivateMariaDb {
        let dir = std::env::temp_dir().join(format!("modretailcrm-mariadb-{}", std::process::id()));
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
        let mut server = Command::new("mariadbd");
        server
            .args([
                "--no-defaults",
                &data,
                &format!("--socket={}", dir.join("sock").display()),
                &format!("--pid-file={}", dir.join("pid").display()),
                &format!("--log-error={}", dir.join("error.log").display()),
                "--skip-networking",
                "--innodb-buffer-pool-size=64M",
            ])
            .args(&user)
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let server = server
            .spawn()
            .expect("mariadbd runs (scripts/setup.sh installs mariadb-server-core)");
        let mut db = PrivateMariaDb { dir, server };
        db.wait_until_it_answers();
        db
    }

    /// The server's socket.
    fn socket(&self) -> PathBuf {
        self.dir.join("sock")
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
            let stopped = self.server.try_wait().ok().flatten();
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
        let _ = self.server.kill();
        let _ = self.server.wait();
        let _ = fs::remove_dir_all(&self.dir);
    }
}

/// Whether the tests run as root (mariadbd then needs `--user`).
fn as_root() -> bool {
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

#[test]
fn the_catalogue_is_read_from_mariadb_on_the_primary_key_in_few_queries_a_page() {
    let db = PrivateMariaDb::start();
    let out = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("php-icml-mariadb-{}", std::process::id()));
    let _ = fs::remove_dir_all(&out);
    fs::create_dir_all(&out).unwrap_or_else(|e| panic!("create {}: {e}", out.display()));
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/php/icml_mariadb.php");
    let output = php(
        &[
            "-d",
            "extension=pdo",
            "-d",
            "extension=mysqlnd",
            "-d",
            "extension=pdo_mysql",
            script.to_str().unwrap_or_default(),
        ],
        &[
            ("ICML_DIR", out.to_str().unwrap_or_default()),
            (
                "ICML_MYSQL_SOCKET",
                db.socket().to_str().unwrap_or_default(),
            ),
            ("ICML_PRODUCTS", "20000"),
        ],
    );
    common::assert_php_passed(
        "icml_mariadb.php (pdo_mysql: the php-mysql package)",
        &output,
    );
    let _ = fs::remove_dir_all(out);
}
