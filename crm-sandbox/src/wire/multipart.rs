//! `multipart/form-data` bodies, as PHP's curl sends them whenever `CURLOPT_POSTFIELDS` is an
//! array (the official PHP client always does). Text fields become parameters like form
//! fields; file parts (those with a `filename`) land in PHP's `$_FILES`, not in the
//! parameters, and are left out here too.

use axum::body::Bytes;
use axum::http::HeaderMap;
use axum::http::header::CONTENT_TYPE;
use serde_json::{Map, Value};
use std::convert::Infallible;

/// The boundary of a body declared `multipart/form-data`, or `None` for another type (a
/// multipart type without a boundary counts as another type).
pub fn boundary(headers: &HeaderMap) -> Option<String> {
    let content_type = headers.get(CONTENT_TYPE)?.to_str().ok()?;
    let is_form_data = content_type
        .trim_start()
        .to_ascii_lowercase()
        .starts_with("multipart/form-data");
    if is_form_data {
        multer::parse_boundary(content_type).ok()
    } else {
        None
    }
}

/// The text fields of a multipart `body` with `boundary`, nested like form parameters
/// (`filter[ids][0]` → `{"filter":{"ids":["…"]}}`); an error names what is malformed.
pub async fn parse(body: Bytes, boundary: &str) -> Result<Map<String, Value>, String> {
    let stream = futures_util::stream::once(async move { Ok::<Bytes, Infallible>(body) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    let mut fields = Vec::new();
    while let Some(field) = multipart.next_field().await.map_err(describe)? {
        let name = field.name().unwrap_or_default().to_string();
        let is_file = field.file_name().is_some();
        let value = field.bytes().await.map_err(describe)?;
        if !is_file && !name.is_empty() {
            fields.push((name, String::from_utf8_lossy(&value).into_owned()));
        }
    }
    Ok(super::params::nest(fields))
}

fn describe(error: multer::Error) -> String {
    format!("The multipart/form-data body is malformed: {error}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;
    use serde_json::json;

    fn body(parts: &[(&str, &str)]) -> Bytes {
        let mut text = String::new();
        for (disposition, value) in parts {
            text.push_str(&format!(
                "--XyZ\r\nContent-Disposition: form-data; {disposition}\r\n\r\n{value}\r\n"
            ));
        }
        text.push_str("--XyZ--\r\n");
        Bytes::from(text)
    }

    #[tokio::test]
    async fn nests_text_fields_and_leaves_files_out() {
        let parts = [
            ("name=\"apiKey\"", "k"),
            ("name=\"filter[ids][0]\"", "7"),
            (
                "name=\"order\"",
                "{\"externalId\":\"1\",\"comment\":\"a\r\n\r\nb\"}",
            ),
            ("name=\"upload\"; filename=\"a.txt\"", "file text"),
        ];
        let fields = parse(body(&parts), "XyZ").await.expect("well-formed");
        assert_eq!(
            Value::Object(fields),
            json!({"apiKey": "k", "filter": {"ids": ["7"]},
                   "order": "{\"externalId\":\"1\",\"comment\":\"a\r\n\r\nb\"}"})
        );
    }

    #[tokio::test]
    async fn reports_a_body_cut_short() {
        let cut =
            Bytes::from_static(b"--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1");
        assert!(
            parse(cut, "XyZ")
                .await
                .is_err_and(|e| e.contains("malformed"))
        );
    }

    #[test]
    fn reads_the_boundary_of_form_data_only() {
        let mut headers = HeaderMap::new();
        assert_eq!(boundary(&headers), None);
        let declare = |headers: &mut HeaderMap, value: &'static str| {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static(value));
        };
        declare(&mut headers, "multipart/form-data; boundary=------abc");
        assert_eq!(boundary(&headers).as_deref(), Some("------abc"));
        declare(&mut headers, "Multipart/Form-Data; boundary=\"q r\"");
        assert_eq!(boundary(&headers).as_deref(), Some("q r"));
        declare(&mut headers, "multipart/mixed; boundary=abc");
        assert_eq!(boundary(&headers), None);
        declare(&mut headers, "application/x-www-form-urlencoded");
        assert_eq!(boundary(&headers), None);
    }
}
