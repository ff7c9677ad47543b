//! Text as XML 1.0 accepts it: characters the standard forbids removed, markup escaped.
//!
//! XML 1.0 allows tab, line feed, carriage return, U+0020–U+D7FF, U+E000–U+FFFD and
//! U+10000–U+10FFFF; everything else (the other C0 controls, U+FFFE, U+FFFF) is dropped, since
//! no escape can represent it. (Lone surrogates cannot occur in a Rust string.)
//!
//! Escaping goes through quick-xml. On top of it, whitespace a parser would otherwise
//! normalise is written as a character reference, so what is read back is exactly what was
//! written: CR in element content (a parser turns CR LF into LF), and tab, LF and CR in
//! attribute values (a parser turns them into spaces).

use std::borrow::Cow;
use std::fmt::Write as _;

use quick_xml::escape::{escape, partial_escape};

/// Whether XML 1.0 allows `c` in a document.
fn allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// `text` without the characters XML 1.0 does not allow; borrowed when there were none.
pub fn clean(text: &str) -> Cow<'_, str> {
    // Fast path on bytes: a forbidden character is a C0 control byte or starts with 0xEF
    // (U+FFFE and U+FFFF are EF BF BE / EF BF BF in UTF-8).
    let suspicious = |b: &u8| (*b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || *b == 0xEF;
    if !text.as_bytes().iter().any(suspicious) || text.chars().all(allowed) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(text.chars().filter(|&c| allowed(c)).collect())
}

/// Element content: cleaned, `&`, `<` and `>` escaped, CR written as `&#13;`.
pub fn content(text: &str) -> Cow<'_, str> {
    with_char_refs(partial_escape(clean(text)), &['\r'])
}

/// A double-quoted attribute value: cleaned, `&`, `<`, `>`, `"` and `'` escaped, tab, LF and
/// CR written as character references.
pub fn attribute(text: &str) -> Cow<'_, str> {
    with_char_refs(escape(clean(text)), &['\t', '\n', '\r'])
}

/// `text` with each of `chars` replaced by its numeric character reference.
fn with_char_refs<'a>(text: Cow<'a, str>, chars: &[char]) -> Cow<'a, str> {
    if !text.contains(chars) {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if chars.contains(&c) {
            // Writing into a String cannot fail.
            let _ = write!(out, "&#{};", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_text_is_borrowed() {
        assert!(matches!(clean("Футболка «Люкс» 👕"), Cow::Borrowed(_)));
        assert!(matches!(clean("tab\tnl\ncr\r"), Cow::Borrowed(_)));
        assert!(matches!(clean("\u{FFFD} ok"), Cow::Borrowed(_)));
    }

    #[test]
    fn forbidden_characters_are_removed() {
        assert_eq!(clean("a\u{0}b\u{1}c\u{8}d\u{B}e\u{C}f\u{1F}g"), "abcdefg");
        assert_eq!(clean("x\u{FFFE}y\u{FFFF}z"), "xyz");
        assert_eq!(clean("keep\t\n\r\u{7F}\u{85}"), "keep\t\n\r\u{7F}\u{85}");
    }

    #[test]
    fn content_escapes_markup_and_keeps_quotes() {
        assert_eq!(
            content("Tom & Jerry <b>\"x\"</b> 'y'"),
            "Tom &amp; Jerry &lt;b&gt;\"x\"&lt;/b&gt; 'y'"
        );
        assert_eq!(content("a\r\nb\tc"), "a&#13;\nb\tc");
    }

    #[test]
    fn attributes_escape_quotes_and_whitespace() {
        assert_eq!(
            attribute("Tom & Jerry <b>\"x\"</b> 'y'"),
            "Tom &amp; Jerry &lt;b&gt;&quot;x&quot;&lt;/b&gt; &apos;y&apos;"
        );
        assert_eq!(attribute("a\tb\nc\rd\u{1}"), "a&#9;b&#10;c&#13;d");
    }
}
