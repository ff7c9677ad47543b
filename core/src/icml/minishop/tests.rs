//! The overlapped reading ([`super::pipeline`]) on the test binary's private MariaDB
//! server (see `core/tests/common/mariadb.rs`): every page reaches the writer once and in
//! id order with every part added; a writer that fails stops the readers and its error is
//! returned; a database error on a later page fails the export and publishes nothing. The
//! document itself is compared byte for byte with the PHP reader's by
//! `tests/php/icml_mariadb.php`.

use std::fs;
use std::path::Path;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use mysql::prelude::Queryable;
use mysql::{Conn, Opts};
use serde_json::Map;

use super::reader::{Catalogue, Part, Reader};
use super::{ExportError, PAGE_SIZE, Request, export, pipeline};
use crate::icml::{Error, Shop};
use crate::outbox::tests::TempDir;
use crate::outbox::tests::mariadb::PrivateMariaDb;
use crate::outbox::tests::mysql_target;
use crate::site_db::MysqlTarget;

/// Products of the test catalogue: six pages and a part of one.
const PRODUCTS: i64 = 6 * PAGE_SIZE as i64 + 123;

/// A database of its own named after `name` holding a catalogue of [`PRODUCTS`] products
/// (ids 2…, in category 1, two options each, every third one in category 1 again), the
/// miniShop2 tables the reader needs, shaped as their schemas give them.
fn catalogue(name: &str) -> (MysqlTarget, Conn) {
    let (target, _) = mysql_target(name, "modx_");
    let options = target
        .connection("the test's DSN")
        .expect("the DSN is read");
    let mut conn = Conn::new(Opts::from(options.options)).expect("the test connects");
    let last = PRODUCTS + 1;
    for sql in [
        "CREATE TABLE modx_site_content (id INT UNSIGNED NOT NULL PRIMARY KEY, \
         parent INT NOT NULL DEFAULT 0, pagetitle VARCHAR(191) NOT NULL DEFAULT '', \
         longtitle VARCHAR(191) NOT NULL DEFAULT '', uri TEXT, \
         published TINYINT UNSIGNED NOT NULL DEFAULT 1, deleted TINYINT UNSIGNED NOT NULL DEFAULT 0, \
         isfolder TINYINT UNSIGNED NOT NULL DEFAULT 0, \
         class_key VARCHAR(100) NOT NULL DEFAULT 'modDocument')"
            .to_string(),
        "CREATE TABLE modx_ms2_products (id INT UNSIGNED NOT NULL PRIMARY KEY, article VARCHAR(50), \
         price DECIMAL(12,2) DEFAULT 0, remains INT DEFAULT 0, image VARCHAR(255), \
         vendor INT UNSIGNED DEFAULT 0)"
            .to_string(),
        "CREATE TABLE modx_ms2_vendors (id INT UNSIGNED NOT NULL PRIMARY KEY, name VARCHAR(100) NOT NULL)"
            .to_string(),
        "CREATE TABLE modx_ms2_product_options (product_id INT UNSIGNED NOT NULL, \
         `key` VARCHAR(191) NOT NULL, value TEXT, KEY product (product_id, `key`))"
            .to_string(),
        "CREATE TABLE modx_ms2_product_categories (product_id INT UNSIGNED NOT NULL, \
         category_id INT UNSIGNED NOT NULL, PRIMARY KEY (product_id, category_id))"
            .to_string(),
        "SET SESSION max_recursive_iterations = 100000".to_string(),
        "INSERT INTO modx_site_content (id, pagetitle, isfolder, class_key, uri) \
         VALUES (1, 'Catalogue', 1, 'msCategory', 'catalogue/')"
            .to_string(),
        format!(
            "INSERT INTO modx_site_content (id, parent, pagetitle, class_key, uri) \
             SELECT i, 1, CONCAT('Product ', i), 'msProduct', CONCAT('product-', i, '.html') \
             FROM (WITH RECURSIVE n (i) AS (SELECT 2 UNION ALL SELECT i + 1 FROM n WHERE i < {last}) \
             SELECT i FROM n) AS ids"
        ),
        "INSERT INTO modx_ms2_products (id, article, price, remains) \
         SELECT id, CONCAT('A-', id), 100 + id, id % 5 FROM modx_site_content WHERE id > 1"
            .to_string(),
        "INSERT INTO modx_ms2_product_options (product_id, `key`, value) \
         SELECT id, 'material', 'cotton' FROM modx_ms2_products \
         UNION ALL SELECT id, 'fit', CONCAT('fit ', id) FROM modx_ms2_products"
            .to_string(),
        "INSERT INTO modx_ms2_product_categories (product_id, category_id) \
         SELECT id, 1 FROM modx_ms2_products WHERE id % 3 = 0"
            .to_string(),
    ] {
        conn.query_drop(&sql)
            .unwrap_or_else(|error| panic!("{sql}: {error}"));
    }
    (target, conn)
}

/// What the export reads of the test catalogue: its one category.
fn exported() -> Catalogue {
    Catalogue {
        categories: [1].into(),
        ..Catalogue::default()
    }
}

/// The reader of pages and the two completing readers on connections of their own.
fn readers(target: &MysqlTarget) -> (Reader, Vec<(Reader, Part)>) {
    let connect = || Reader::connect(target).expect("the reader connects");
    (
        connect(),
        vec![(connect(), Part::Options), (connect(), Part::Others)],
    )
}

#[test]
fn every_page_reaches_the_writer_once_in_id_order_with_every_part_added() {
    let (target, _conn) = catalogue("pipeline_order");
    let (pages, completers) = readers(&target);
    let mut seen = Vec::new();
    pipeline::run(pages, &[], completers, &exported(), |page| {
        assert!(page.len() <= PAGE_SIZE, "a page of {} products", page.len());
        for product in page {
            let id = super::record::int(&product.values[0]);
            let fit = product.options.get("fit").map(Vec::as_slice);
            assert_eq!(
                fit,
                Some(&[format!("fit {id}")][..]),
                "product {id}'s options"
            );
            let categories = product.categories.as_deref();
            let expected: Option<&[i64]> = (id % 3 == 0).then_some(&[1]);
            assert_eq!(categories, expected, "product {id}'s categories");
            seen.push(id);
        }
        Ok(())
    })
    .expect("the catalogue is read");
    let expected: Vec<i64> = (2..PRODUCTS + 2).collect();
    assert_eq!(seen, expected);
}

#[test]
fn a_failing_writer_stops_the_readers_and_its_error_is_returned() {
    let (target, _conn) = catalogue("pipeline_writer");
    let (pages, completers) = readers(&target);
    let (done, finished) = mpsc::channel();
    thread::spawn(move || {
        let mut written = 0;
        let result = pipeline::run(pages, &[], completers, &exported(), |_| {
            written += 1;
            match written {
                2 => Err(Error::State("the disk is full".into())),
                _ => Ok(()),
            }
        });
        let _ = done.send((result, written));
    });
    let (result, written) = finished
        .recv_timeout(Duration::from_secs(60))
        .expect("the export returns: no stage waits for ever to hand on a page");
    match result {
        Err(ExportError::Icml(Error::State(message))) => assert_eq!(message, "the disk is full"),
        other => panic!("the writer's error, not {other:?}"),
    }
    assert_eq!(written, 2, "no page is written after the failure");
}

#[test]
fn a_database_error_on_a_later_page_fails_the_export_and_publishes_nothing() {
    let (target, mut conn) = catalogue("pipeline_database");
    // The options of the products after the third page cannot be read.
    let unreadable = 3 * PAGE_SIZE + 10;
    for sql in [
        "RENAME TABLE modx_ms2_product_options TO modx_option_rows".to_string(),
        "CREATE FUNCTION modx_unreadable() RETURNS TEXT NOT DETERMINISTIC \
         BEGIN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'the options table is damaged'; RETURN ''; END"
            .to_string(),
        format!(
            "CREATE VIEW modx_ms2_product_options AS SELECT product_id, `key`, \
             IF(product_id > {unreadable}, modx_unreadable(), value) AS value FROM modx_option_rows"
        ),
    ] {
        conn.query_drop(&sql)
            .unwrap_or_else(|error| panic!("{sql}: {error}"));
    }
    let folder = TempDir::new("pipeline-database");
    let path = folder.file("catalog.xml");
    fs::write(&path, "the catalogue published before").expect("write the old catalogue");
    match export(&target, &path, &request()) {
        Err(ExportError::Database { location, message }) => {
            assert!(
                message.contains("the options table is damaged"),
                "{message}"
            );
            assert!(location.contains("database t"), "{location}");
        }
        other => panic!("the database's error, not {other:?}"),
    }
    let published = fs::read_to_string(&path).expect("the old catalogue is there");
    assert_eq!(published, "the catalogue published before");
    assert_eq!(
        files_in(path.parent().unwrap_or(Path::new("."))),
        ["catalog.xml"]
    );
}

#[test]
fn a_server_that_cannot_be_reached_is_told_in_plain_words_without_the_password() {
    let folder = TempDir::new("pipeline-unreachable");
    let target = MysqlTarget {
        dsn: format!(
            "mysql:unix_socket={};dbname=shop",
            folder.file("no-server.sock").display()
        ),
        user: "shop".into(),
        password: "s3cret-pass".into(),
        prefix: "modx_".into(),
    };
    let path = folder.file("catalog.xml");
    match export(&target, &path, &request()) {
        Err(error @ ExportError::Database { .. }) => {
            let message = error.to_string();
            assert!(
                message.contains("no-server.sock, database shop"),
                "{message}"
            );
            assert!(message.contains("No such file or directory"), "{message}");
            assert!(
                !message.contains("DriverError") && !message.contains("IoError"),
                "{message}"
            );
            assert!(!message.contains("s3cret-pass"), "{message}");
        }
        other => panic!("the database's error, not {other:?}"),
    }
    assert!(!path.exists(), "nothing is published");
}

/// The export of every category with the defaults.
fn request() -> Request {
    Request {
        shop: Shop {
            name: "Shop".into(),
            company: "Shop".into(),
            date: Some("2026-12-06 12:00:00".into()),
        },
        options: Map::new(),
        parents: vec![0],
        friendly_urls: true,
        modifications: false,
    }
}

#[test]
fn a_user_allowed_fewer_connections_gets_the_same_document_on_those_it_has() {
    let (target, mut conn) = catalogue("pipeline_limited");
    let server = PrivateMariaDb::shared();
    let database: String = conn
        .query_first("SELECT DATABASE()")
        .expect("the database's name")
        .expect("a database is in use");
    let folder = TempDir::new("pipeline-limited");
    let written = |name: &str, target: &MysqlTarget| {
        let path = folder.file(name);
        export(target, &path, &request()).expect("the catalogue is exported");
        fs::read(&path).expect("the catalogue is there")
    };
    let everyone = written("three.xml", &target);
    for allowed in [1, 2] {
        let user = format!("limited{allowed}_{database}");
        server.root_sql(&format!(
            "CREATE USER '{user}'@'localhost' IDENTIFIED BY 'pw' WITH MAX_USER_CONNECTIONS {allowed};
             GRANT SELECT ON `{database}`.* TO '{user}'@'localhost';"
        ));
        let limited = MysqlTarget {
            user: user.clone(),
            password: "pw".into(),
            ..target.clone()
        };
        let document = written(&format!("{user}.xml"), &limited);
        assert!(
            document == everyone,
            "{allowed} connection(s): another document"
        );
    }
}

/// The names of the files in `folder`, sorted.
fn files_in(folder: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(folder)
        .expect("read the folder")
        .filter_map(|entry| Some(entry.ok()?.file_name().to_string_lossy().into_owned()))
        .collect();
    names.sort();
    names
}
