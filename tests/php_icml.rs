//! `ModRetailCrm\Icml\Writer` through the real `php` CLI with the real extension: a
//! catalogue written from miniShop2-shaped arrays, checked by the PHP script (SimpleXML), by
//! `xmllint` and by quick-xml here; bad input gets exceptions and the process carries on.

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;

use common::php;

#[test]
fn the_php_writer_publishes_a_catalogue_from_minishop2_arrays() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("php-icml-writer-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("create {}: {e}", dir.display()));
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/php/icml_writer.php");
    let output = php(
        &[
            "-d",
            "extension=simplexml",
            script.to_str().unwrap_or_default(),
        ],
        &[("ICML_DIR", dir.to_str().unwrap_or_default())],
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stdout.contains("PASS "),
        "icml_writer.php failed ({}):\n--- stdout\n{stdout}\n--- stderr\n{stderr}",
        output.status
    );

    for name in ["catalog.xml", "custom.xml"] {
        let path = dir.join(name);
        let lint = Command::new("xmllint")
            .arg("--noout")
            .arg(&path)
            .output()
            .unwrap_or_else(|e| panic!("xmllint (libxml2-utils, scripts/setup.sh): {e}"));
        assert!(
            lint.status.success(),
            "xmllint refused {name}: {}",
            String::from_utf8_lossy(&lint.stderr)
        );
    }
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
