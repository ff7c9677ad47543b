//! The query strings and form bodies of `modretailcrm_core::api::encode` are the ones PHP
//! itself builds: random documents and the official client's bodies, compared with what
//! `http_build_query`/`json_encode` print in the real `php` CLI (`tests/php/http_build_query_oracle.php`).

use std::io::Write as _;
use std::process::{Command, Stdio};

use modretailcrm_core::api::encode::{build_query, form_body};
use serde_json::{Map, Number, Value, json};

/// `value`'s object.
fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        other => panic!("not an object: {other}"),
    }
}

/// A seeded xorshift64* generator: deterministic test data without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound as u64) as usize
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

/// Pieces random strings are made of: reserved characters, controls, Cyrillic, CJK,
/// emoji, combining marks, line separators, quotes.
const FRAGMENTS: &[&str] = &[
    "a",
    "Z",
    "0",
    "9",
    " ",
    "  ",
    "&",
    "=",
    "+",
    "%",
    "%20",
    "#",
    "[",
    "]",
    "[]",
    "/",
    "?",
    "~",
    "*",
    "-",
    "_",
    ".",
    "'",
    "\"",
    "\\",
    "<",
    ">",
    ";",
    ",",
    ":",
    "@",
    "!",
    "$",
    "(",
    ")",
    "\u{0}",
    "\u{1}",
    "\t",
    "\n",
    "\r",
    "\u{1f}",
    "\u{7f}",
    "\u{a0}",
    "Привет",
    "ё",
    "Ёж",
    "😀",
    "👍🏽",
    "e\u{301}",
    "\u{2028}",
    "\u{2029}",
    "中文",
    "\u{feff}",
    "1",
    "-1",
    "1.5",
    "e",
];

/// Object keys, including ones PHP turns into integer array keys.
const KEYS: &[&str] = &[
    "0",
    "1",
    "2",
    "17",
    "-3",
    "01",
    "1.5",
    "9223372036854775808",
    "id",
    "filter",
    "",
];

/// Floats with a history of formatting surprises.
const FLOATS: &[f64] = &[
    0.1 + 0.2,
    1e20,
    1e-7,
    1.5e-7,
    -0.0,
    0.0,
    100.0,
    0.5,
    1e14,
    1e15,
    -1e14,
    99_999_999_999_999.99,
    123_456_789_012_345.0,
    12_345_678_901_234.5,
    12_345_678_901_233.5,
    5e-324,
    f64::MAX,
    f64::MIN_POSITIVE,
    0.0001,
    0.00001,
    1.0 / 3.0,
    -2.675,
    4049.25,
    1e22,
    9_007_199_254_740_992.0,
];

/// Integers, including the edges of PHP's 64-bit int and beyond it.
const INTEGERS: &[i128] = &[
    0,
    1,
    -1,
    42,
    -42,
    1250,
    i64::MAX as i128,
    i64::MIN as i128,
    u64::MAX as i128,
    1 << 63,
];

fn random_string(rng: &mut Rng) -> String {
    (0..rng.below(7)).map(|_| rng.pick(FRAGMENTS)).collect()
}

fn random_key(rng: &mut Rng) -> String {
    if rng.below(3) == 0 {
        rng.pick(KEYS).to_string()
    } else {
        random_string(rng)
    }
}

fn random_number(rng: &mut Rng) -> Value {
    match rng.below(5) {
        0 => json!(rng.pick(FLOATS)),
        1 => match rng.pick(INTEGERS) {
            small if small <= i128::from(i64::MAX) => json!(small as i64),
            large => json!(large as u64),
        },
        2 => json!(rng.next() as i64 >> rng.below(64)),
        3 => json!((rng.next() % 10_000_000) as f64 / 100.0),
        _ => Number::from_f64(f64::from_bits(rng.next())).map_or(Value::Null, Value::Number),
    }
}

fn random_scalar(rng: &mut Rng) -> Value {
    match rng.below(5) {
        0 => Value::Null,
        1 => Value::Bool(rng.below(2) == 0),
        2 => random_number(rng),
        _ => Value::String(random_string(rng)),
    }
}

fn random_value(rng: &mut Rng, depth: usize) -> Value {
    match (depth, rng.below(4)) {
        (0, _) | (_, 0 | 1) => random_scalar(rng),
        (_, 2) => Value::Array(
            (0..rng.below(5))
                .map(|_| random_value(rng, depth - 1))
                .collect(),
        ),
        _ => Value::Object(random_object(rng, depth - 1)),
    }
}

fn random_object(rng: &mut Rng, depth: usize) -> Map<String, Value> {
    (0..rng.below(5))
        .map(|_| (random_key(rng), random_value(rng, depth)))
        .collect()
}

/// Runs `tests/php/http_build_query_oracle.php` once over `documents`, in `mode` (`query`
/// or `form`), and asserts that `encode` gives PHP's answer for every one of them.
fn assert_same_as_php(
    mode: &str,
    documents: &[Map<String, Value>],
    encode: fn(&Map<String, Value>) -> String,
) {
    let lines: Vec<String> = documents
        .iter()
        .map(|document| Value::Object(document.clone()).to_string())
        .collect();
    let expected = run_php_oracle(mode, &(lines.join("\n") + "\n"));
    assert_eq!(
        expected.len(),
        documents.len(),
        "php printed one line per document"
    );
    let mismatches: Vec<String> = documents
        .iter()
        .zip(&expected)
        .zip(&lines)
        .filter(|((document, php), _)| encode(document) != **php)
        .map(|((document, php), json)| {
            format!("{json}\n  php:  {php}\n  rust: {}", encode(document))
        })
        .collect();
    assert!(
        mismatches.is_empty(),
        "{} of {} differ from PHP:\n{}",
        mismatches.len(),
        documents.len(),
        mismatches.join("\n")
    );
}

/// Why a test fails when PHP cannot be run.
const PHP_MISSING: &str =
    "this test compares with the real PHP: the `php` CLI (8.2) must be on PATH";

/// The oracle's output lines for `input` (JSON objects, one a line), run by `php -n` once.
fn run_php_oracle(mode: &str, input: &str) -> Vec<String> {
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/php/http_build_query_oracle.php"
    );
    let path = std::env::temp_dir().join(format!(
        "modretailcrm-http-build-query-{mode}-{}.jsonl",
        std::process::id()
    ));
    std::fs::File::create(&path)
        .and_then(|mut file| file.write_all(input.as_bytes()))
        .unwrap_or_else(|err| panic!("cannot write {}: {err}", path.display()));
    let stdin = std::fs::File::open(&path)
        .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()));
    let output = Command::new("php")
        .args(["-n", script, mode])
        .stdin(Stdio::from(stdin))
        .output()
        .unwrap_or_else(|err| panic!("{PHP_MISSING}: {err}"));
    std::fs::remove_file(&path).ok();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "php failed: {}\n{stdout}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout.lines().map(str::to_string).collect()
}

#[test]
fn build_query_matches_php_http_build_query() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let documents: Vec<_> = (0..600)
        .map(|round| random_object(&mut rng, round % 6 + 1))
        .collect();
    assert_same_as_php("query", &documents, build_query);
}

/// Bodies the official PHP client builds with `json_encode(…, JSON_UNESCAPED_UNICODE |
/// JSON_UNESCAPED_SLASHES)`, for entities without the JSON spellings that differ (see
/// [`form_body`]).
#[test]
fn form_body_matches_the_php_client() {
    let bodies = [
        json!({
            "order": {
                "externalId": "2311-12", "number": "2311/12", "customer": {"externalId": "17"},
                "firstName": "Иван", "email": "ivan+shop@example.com",
                "customerComment":
                    "call 1h before & \"ring\" <twice> 😀 50% off? #1\ttab\nline \\ e\u{301}",
                "weight": 1250, "customFields": {"gift": true, "note": null},
                "items": [
                    {"offer": {"externalId": "5"}, "initialPrice": 1500, "quantity": 2,
                     "properties": [{"code": "size", "name": "Размер", "value": "XL/XXL"}]},
                    {"offer": {"externalId": "mod-6"}, "initialPrice": 499.5, "quantity": 1.5},
                ],
                "delivery": {
                    "code": "courier", "cost": 300,
                    "address": {"text": "Москва, ул. Тверская, д. 1/2"},
                },
                "payments": [{"type": "cash", "amount": 4049.25, "externalId": "2311-12-1"}],
            },
            "site": "shop",
        }),
        json!({
            "customer": {
                "externalId": "17", "phones": [{"number": "+7 (900) 123-45-67"}], "vip": false,
            },
            "site": "my shop",
            "by": "externalId",
        }),
        json!({
            "orders": [
                {"externalId": "1", "status": "new"},
                {"externalId": "2", "managerComment": "\u{1}\u{7f}"},
            ],
            "site": "shop", "none": null, "page": 2, "flag": true,
        }),
        json!({"customers": [{"id": 77, "externalId": "17"}], "ratio": 0.25}),
    ];
    let documents: Vec<_> = bodies.into_iter().map(object).collect();
    assert_same_as_php("form", &documents, form_body);
}
