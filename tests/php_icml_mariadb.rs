//! The catalogue reader (php-plugin/lib/IcmlCatalog.php) against a real MariaDB server of the
//! test's own (a private `mariadbd` on a temporary data directory and a socket, no network,
//! see `core/tests/common/mariadb.rs`):
//! a generated miniShop2 catalogue of 20,000 products, the export checked, the extension's own
//! reader (`Writer::exportDatabase`, what MySQL sites run) writing the same document byte for
//! byte and refusing a bad connection without its password, and every query both readers ran
//! checked with `EXPLAIN` at its first and last page (tests/php/icml_mariadb.php).
//! `scripts/setup.sh` installs the server (mariadb-server-core) and pdo_mysql (php-mysql).

mod common;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

use common::mariadb::PrivateMariaDb;
use common::php;

/// The php CLI's options that load PDO's MySQL driver (the php-mysql package).
const PDO_MYSQL: [&str; 6] = [
    "-d",
    "extension=pdo",
    "-d",
    "extension=mysqlnd",
    "-d",
    "extension=pdo_mysql",
];

#[test]
fn the_catalogue_is_read_from_mariadb_on_the_primary_key_in_few_queries_a_page() {
    let db = PrivateMariaDb::start();
    let out = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("php-icml-mariadb-{}", std::process::id()));
    let _ = fs::remove_dir_all(&out);
    fs::create_dir_all(&out).unwrap_or_else(|e| panic!("create {}: {e}", out.display()));
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/php/icml_mariadb.php");
    let output = php(
        &[&PDO_MYSQL[..], &[script.to_str().unwrap_or_default()]].concat(),
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

/// A PHP worker the system allows no thread of its own (`RLIMIT_NPROC`, as shared hosting
/// limits an account's processes) writes the same catalogue on its one connection: the
/// export runs as `nobody` under `prlimit --nproc=2` (PHP and one thread; the reader wants
/// three), beside the same export without the limit. Before the fallback it failed with "a
/// reading thread cannot be started". Needs root (`setpriv`), as the suite runs.
#[test]
fn a_worker_allowed_too_few_threads_writes_the_same_catalogue_alone() {
    if !common::mariadb::as_root() {
        eprintln!("skipped: needs root to run PHP as nobody with a limit on its threads");
        return;
    }
    let db = PrivateMariaDb::start();
    let socket = db.socket();
    // nobody reaches the server's socket through its folder (the socket itself is 0777).
    let folder = socket.parent().unwrap_or(Path::new("/"));
    fs::set_permissions(folder, fs::Permissions::from_mode(0o711))
        .unwrap_or_else(|e| panic!("open {} to nobody: {e}", folder.display()));
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/php/icml_threads.php");
    let script = script.to_str().unwrap_or_default();
    let socket_env = ("ICML_MYSQL_SOCKET", socket.to_str().unwrap_or_default());
    let filled = common::php(
        &[&PDO_MYSQL[..], &[script, "fill", "1200"]].concat(),
        &[socket_env],
    );
    let filled_out = String::from_utf8_lossy(&filled.stdout);
    assert!(
        filled.status.success() && filled_out.starts_with("{\"products\""),
        "icml_threads.php fill: {filled_out} {}",
        String::from_utf8_lossy(&filled.stderr)
    );

    let out = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("php-icml-threads-{}", std::process::id()));
    let (free, limited) = (out.join("free"), out.join("limited"));
    let _ = fs::remove_dir_all(&out);
    for dir in [&free, &limited] {
        fs::create_dir_all(dir).unwrap_or_else(|e| panic!("create {}: {e}", dir.display()));
    }
    fs::set_permissions(&limited, fs::Permissions::from_mode(0o777)).expect("open to nobody");

    let export = common::php(
        &[&PDO_MYSQL[..], &[script, "export"]].concat(),
        &[socket_env, ("ICML_OUT", free.to_str().unwrap_or_default())],
    );
    let summary = String::from_utf8_lossy(&export.stdout);
    assert!(
        summary.starts_with("{\"categories\""),
        "the export: {summary}"
    );

    let extension = format!("extension={}", common::extension().display());
    let limited_run = Command::new("prlimit")
        .args(["--nproc=2", "setpriv", "--reuid=nobody", "--regid=nogroup"])
        .args([
            "--clear-groups",
            "timeout",
            "120",
            "php",
            "-n",
            "-d",
            &extension,
        ])
        .args(PDO_MYSQL)
        .args([script, "export"])
        .env(socket_env.0, socket_env.1)
        .env("ICML_OUT", &limited)
        .output()
        .expect("prlimit and setpriv run (util-linux)");
    let limited_summary = String::from_utf8_lossy(&limited_run.stdout);
    assert_eq!(
        limited_summary,
        summary.replace(r"\/free\/catalog.xml", r"\/limited\/catalog.xml"),
        "the export with too few threads (stderr: {})",
        String::from_utf8_lossy(&limited_run.stderr)
    );
    let undated = |dir: &Path| {
        let text = fs::read_to_string(dir.join("catalog.xml")).expect("the catalogue");
        let date = text.find(" date=\"").expect("dated");
        format!("{}{}", &text[..date], &text[date + 27..])
    };
    assert!(undated(&free) == undated(&limited), "the same catalogue");
    let _ = fs::remove_dir_all(out);
}
