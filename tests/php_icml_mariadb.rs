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
use std::path::Path;

use common::mariadb::PrivateMariaDb;
use common::php;

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
