//! The ICML catalogue through the real `php` CLI with the real extension:
//! `ModRetailCrm\Icml\Writer` from miniShop2-shaped arrays; the catalogue reader
//! (php-plugin/lib/IcmlCatalog.php) against a miniShop2-shaped SQLite database; the `icml`
//! snippet in the MODX-shaped harness; the cron CLI's `icml` command on a site folder. The
//! PHP scripts check the documents (SimpleXML, byte for byte); `xmllint` checks every file
//! they leave.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::php;

/// An empty folder of this test's own.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("php-icml-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("create {}: {e}", dir.display()));
    dir
}

/// Runs tests/php/`script` with PDO SQLite and SimpleXML, `ICML_DIR` = `dir`, and fails
/// the test with its output unless it passed.
fn run(script: &str, dir: &Path) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/php")
        .join(script);
    let so = common::extension().display().to_string();
    let output = php(
        &[
            "-d",
            "extension=pdo",
            "-d",
            "extension=pdo_sqlite",
            "-d",
            "extension=simplexml",
            path.to_str().unwrap_or_default(),
        ],
        &[
            ("ICML_DIR", dir.to_str().unwrap_or_default()),
            ("MODRETAILCRM_SO", &so),
        ],
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stdout.contains("PASS "),
        "{script} failed ({}):\n--- stdout\n{stdout}\n--- stderr\n{stderr}\n\
         (pdo_sqlite: the php-sqlite3 package)",
        output.status
    );
}

/// `xmllint --noout` on every `.xml` file in `dir`; returns how many there were.
fn xmllint_all(dir: &Path) -> usize {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "xml"))
        .collect();
    files.sort();
    for path in &files {
        let lint = Command::new("xmllint")
            .arg("--noout")
            .arg(path)
            .output()
            .unwrap_or_else(|e| panic!("xmllint (libxml2-utils, scripts/setup.sh): {e}"));
        assert!(
            lint.status.success(),
            "xmllint refused {}: {}",
            path.display(),
            String::from_utf8_lossy(&lint.stderr)
        );
    }
    files.len()
}

#[test]
fn the_php_writer_publishes_a_catalogue_from_minishop2_arrays() {
    let dir = scratch("writer");
    run("icml_writer.php", &dir);
    assert_eq!(xmllint_all(&dir), 3);
    let catalog = fs::read_to_string(dir.join("catalog.xml")).unwrap_or_default();
    for line in [
        "<name>Tom &amp; Jerry &lt;Shop&gt;</name>",
        "<category id=\"2\" parentId=\"1\">Shirts &amp; \"Tees\"</category>",
        "<offer id=\"4\" productId=\"4\" quantity=\"10\">",
        "<price>2967.18</price>",
        "<price>0.3</price>",
        "<param name=\"Материал\" code=\"material\">cotton, lycra</param>",
        "<unit code=\"pcs\" name=\"Штука\" sym=\"шт.\"/>",
    ] {
        assert!(
            catalog.contains(line),
            "catalog.xml lacks {line}:\n{catalog}"
        );
    }
    assert!(
        !catalog.contains(".00"),
        "a price with a doubled .00:\n{catalog}"
    );
    let _ = fs::remove_dir_all(dir);
}

#[test]
fn the_catalogue_is_read_from_a_minishop2_database_in_pages() {
    let dir = scratch("catalog");
    run("icml_catalog.php", &dir);
    // catalog, other, shirts, off, bare, folder, paged
    assert_eq!(xmllint_all(&dir), 7);
    let _ = fs::remove_dir_all(dir);
}

#[test]
fn the_cron_cli_writes_the_catalogue_of_a_modx_site() {
    let dir = scratch("cli");
    run("icml_cli.php", &dir);
    let published =
        ["", "site/assets/modretailcrm", "site/feeds"].map(|folder| xmllint_all(&dir.join(folder)));
    assert_eq!(published, [1, 1, 1]);
    let _ = fs::remove_dir_all(dir);
}

#[test]
fn the_snippet_writes_and_serves_the_catalogue_in_the_modx_harness() {
    let dir = scratch("snippet");
    run("icml_snippet.php", &dir);
    let published = ["feeds", "assets/modretailcrm"].map(|folder| xmllint_all(&dir.join(folder)));
    assert_eq!(published, [1, 1]);
    // The hostile paths wrote nothing: no .xml at the top, only the fake schema in core/config.
    assert_eq!(
        [xmllint_all(&dir), xmllint_all(&dir.join("core/config"))],
        [0, 1]
    );
    let _ = fs::remove_dir_all(dir);
}

#[test]
fn a_full_disk_while_writing_is_a_file_exception_and_leaves_the_published_file() {
    let dir = scratch("full-disk");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/php/icml_full_disk.php");
    // A file size limit of 16 KiB stands in for a full disk: with SIGXFSZ ignored, a write
    // past it fails with EFBIG. Only this child php is limited.
    let output = Command::new("sh")
        .arg("-c")
        .arg("trap '' XFSZ; ulimit -f 32; exec timeout 120 php -n -d \"extension=$SO\" \"$SCRIPT\"")
        .env("SO", common::extension())
        .env("SCRIPT", &script)
        .env("ICML_DIR", &dir)
        .output()
        .expect("sh runs");
    common::assert_php_passed("icml_full_disk.php under a file size limit", &output);
    let _ = fs::remove_dir_all(dir);
}
