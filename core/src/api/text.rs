//! Texts that come from the CRM, made safe to keep before they become exception messages,
//! stored retry/dead-letter errors or log lines: NUL bytes escaped (PHP cannot throw a
//! message holding one) and every text cut to a bound, keeping its head and saying how much
//! was cut (`… [cut 20971520 bytes]`). Invalid UTF-8 never gets this far: bodies are decoded
//! lossily where they are read.

use serde_json::{Map, Value};

/// Most bytes one text from the CRM keeps (an `errorMsg`, one `errors` entry, a quoted body).
pub const TEXT_BOUND: usize = 2048;

/// Most bytes the texts of one error answer keep together (its `errors` entries, or every
/// string of the answer kept for PHP and the dead letter).
pub const ANSWER_TEXTS_BOUND: usize = 8 * 1024;

/// `text` with NUL bytes written as `\0` and cut to at most `bound` bytes (at a character
/// boundary), followed by `… [cut N bytes]` naming how many bytes of `text` were left out.
pub fn bounded(text: &str, bound: usize) -> String {
    let kept = head(text, bound);
    let mut out = kept.replace('\0', "\\0");
    if kept.len() < text.len() {
        out.push_str(&format!("… [cut {} bytes]", text.len() - kept.len()));
    }
    out
}

/// The longest prefix of `text` that is at most `bound` bytes and ends on a character
/// boundary.
fn head(text: &str, bound: usize) -> &str {
    if text.len() <= bound {
        return text;
    }
    let mut end = bound;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// `value` with every string and key passed through [`bounded`] (each at most
/// [`TEXT_BOUND`]), and all strings together kept within `budget` bytes: once it is spent,
/// further strings are cut to nothing and further entries of a list or an object are left
/// out, with one entry saying how many.
pub fn bounded_json(value: &Value, budget: usize) -> Value {
    let mut left = budget;
    bound_value(value, &mut left)
}

fn bound_value(value: &Value, left: &mut usize) -> Value {
    match value {
        Value::String(text) => Value::String(bound_spending(text, left)),
        Value::Array(items) => {
            let mut kept: Vec<Value> = Vec::new();
            for (n, item) in items.iter().enumerate() {
                if *left == 0 {
                    kept.push(Value::String(format!(
                        "… [cut {} entries]",
                        items.len() - n
                    )));
                    break;
                }
                kept.push(bound_value(item, left));
            }
            Value::Array(kept)
        }
        Value::Object(fields) => {
            let mut kept = Map::new();
            for (n, (key, item)) in fields.iter().enumerate() {
                if *left == 0 {
                    kept.insert(
                        "…".into(),
                        Value::String(format!("[cut {} entries]", fields.len() - n)),
                    );
                    break;
                }
                let key = bound_spending(key, left);
                kept.insert(key, bound_value(item, left));
            }
            Value::Object(kept)
        }
        other => other.clone(),
    }
}

fn bound_spending(text: &str, left: &mut usize) -> String {
    let bound = TEXT_BOUND.min(*left);
    *left -= head(text, bound).len();
    bounded(text, bound)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn short_texts_are_kept_and_nuls_escaped() {
        assert_eq!(bounded("plain", 10), "plain");
        assert_eq!(bounded("a\0b", 10), "a\\0b");
    }

    #[test]
    fn long_texts_keep_the_head_and_say_how_much_was_cut() {
        let text = "x".repeat(20 * 1024 * 1024 + 5);
        let cut = bounded(&text, TEXT_BOUND);
        assert_eq!(
            cut,
            format!(
                "{}… [cut {} bytes]",
                "x".repeat(2048),
                20 * 1024 * 1024 + 5 - 2048
            )
        );
    }

    #[test]
    fn cuts_fall_on_character_boundaries() {
        // "я" is two bytes: a bound of 3 keeps one of them, not half of the second.
        assert_eq!(bounded("яя", 3), "я… [cut 2 bytes]");
    }

    #[test]
    fn json_texts_are_bounded_each_and_in_all() {
        let long = "e".repeat(5000);
        let value =
            json!({"a": long, "b": [long, long, long, long, long, long, long, long, long], "n": 5});
        let bounded = bounded_json(&value, 3 * TEXT_BOUND);
        assert_eq!(
            bounded["a"],
            json!(format!("{}… [cut 2952 bytes]", "e".repeat(2048)))
        );
        let list = bounded["b"].as_array().unwrap();
        assert_eq!(list.len(), 3, "{list:?}");
        assert_eq!(list[2], json!("… [cut 7 entries]"));
        assert_eq!(bounded["…"], json!("[cut 1 entries]"));
        assert!(bounded.to_string().len() < 4 * TEXT_BOUND);
    }
}
