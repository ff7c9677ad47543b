//! Text as XML 1.0 accepts it: characters the standard forbids removed, markup escaped.
//!
//! XML 1.0 allows tab, line feed, carriage return, U+0020–U+D7FF, U+E000–U+FFFD and
//! U+10000–U+10FFFF; everything else (the other C0 controls, U+FFFE, U+FFFF) is dropped, since
//! no escape can represent it. (Lone surrogates cannot occur in a Rust string.)
//!
//! `&`, `<` and `>` are escaped everywhere, `"` and `'` in attribute values (which the writer
//! quotes with `"`). Whitespace a parser would otherwise normalise is written as a character
//! reference, so what a parser reads back is exactly what was given: CR in element content (a
//! parser turns CR LF into LF) and tab, LF and CR in attribute values (a parser turns them into
//! spaces).
//!
//! Cleaning and escaping append to the writer's buffer: a catalogue is mostly text, and this
//! is the writer's hot path. Most values need neither; they are recognised eight bytes at a
//! time and copied in one piece.

/// What a byte needs in element content or in an attribute value.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Action {
    /// Copied as it is.
    Copy,
    /// Replaced by an entity or character reference.
    Escape(&'static str),
    /// A control character XML 1.0 forbids: dropped.
    Drop,
    /// 0xEF, the first byte of U+E000–U+FFFF: U+FFFE and U+FFFF are dropped.
    CheckNonCharacter,
}

const fn actions(attribute: bool) -> [Action; 256] {
    let mut table = [Action::Copy; 256];
    let mut byte = 0;
    while byte < 0x20 {
        table[byte] = Action::Drop;
        byte += 1;
    }
    table[b'\t' as usize] = if attribute {
        Action::Escape("&#9;")
    } else {
        Action::Copy
    };
    table[b'\n' as usize] = if attribute {
        Action::Escape("&#10;")
    } else {
        Action::Copy
    };
    table[b'\r' as usize] = Action::Escape("&#13;");
    table[b'&' as usize] = Action::Escape("&amp;");
    table[b'<' as usize] = Action::Escape("&lt;");
    table[b'>' as usize] = Action::Escape("&gt;");
    if attribute {
        table[b'"' as usize] = Action::Escape("&quot;");
        table[b'\'' as usize] = Action::Escape("&apos;");
    }
    table[0xEF] = Action::CheckNonCharacter;
    table
}

const CONTENT: [Action; 256] = actions(false);
const ATTRIBUTE: [Action; 256] = actions(true);

/// Appends `text` to `out` as element content.
pub fn push_content(out: &mut Vec<u8>, text: &str) {
    push(out, text, &CONTENT, false);
}

/// Appends `text` to `out` as a double-quoted attribute value.
pub fn push_attribute(out: &mut Vec<u8>, text: &str) {
    push(out, text, &ATTRIBUTE, true);
}

/// Whether `text` is empty once forbidden characters and whitespace are left out.
pub fn is_blank(text: &str) -> bool {
    // Most texts start with a visible ASCII character.
    !text.as_bytes().first().is_some_and(u8::is_ascii_graphic)
        && text.chars().all(|c| c.is_whitespace() || !allowed(c))
}

/// Whether XML 1.0 allows `c` in a document.
fn allowed(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..
    )
}

fn push(out: &mut Vec<u8>, text: &str, table: &[Action; 256], attribute: bool) {
    let bytes = text.as_bytes();
    // Most values need nothing: they are copied in one piece.
    let Some(first) = first_action(bytes, table, attribute) else {
        out.extend_from_slice(bytes);
        return;
    };
    // `copied` is where the bytes not yet appended start; `at` stops only at an ASCII byte
    // or at 0xEF, the first byte of a character, so every piece is whole characters.
    let mut copied = 0;
    let mut at = first;
    while at < bytes.len() {
        let action = table[usize::from(bytes[at])];
        if action == Action::Copy {
            at += 1;
            continue;
        }
        out.extend_from_slice(&bytes[copied..at]);
        let mut width = 1;
        match action {
            Action::Escape(reference) => out.extend_from_slice(reference.as_bytes()),
            Action::CheckNonCharacter => {
                // 0xEF always starts a three-byte character in a str.
                width = 3;
                if let Some(character) = bytes.get(at..at + 3)
                    && !matches!(character, [_, 0xBF, 0xBE | 0xBF])
                {
                    out.extend_from_slice(character);
                }
            }
            Action::Drop | Action::Copy => {}
        }
        at += width;
        copied = at;
    }
    out.extend_from_slice(bytes.get(copied..).unwrap_or_default());
}

/// The index of the first byte that needs an action, eight bytes at a time while none of
/// them can.
fn first_action(bytes: &[u8], table: &[Action; 256], attribute: bool) -> Option<usize> {
    let mut words = bytes.chunks_exact(8);
    let mut at = 0;
    for word in words.by_ref() {
        let mut eight = [0u8; 8];
        eight.copy_from_slice(word);
        if may_need_action(u64::from_le_bytes(eight), attribute) {
            break;
        }
        at += 8;
    }
    let rest = bytes.get(at..).unwrap_or_default();
    rest.iter()
        .position(|&byte| table[usize::from(byte)] != Action::Copy)
        .map(|offset| at + offset)
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH_BITS: u64 = 0x8080_8080_8080_8080;

/// The high bit set in every byte of `word` below `limit` (at most 0x80); a byte above one
/// that is may be marked too, which only costs a closer look.
fn below(word: u64, limit: u8) -> u64 {
    word.wrapping_sub(ONES * u64::from(limit)) & !word
}

/// The high bit set in every byte of `word` that is `byte` (same caveat as [`below`]).
fn equal(word: u64, byte: u8) -> u64 {
    below(word ^ (ONES * u64::from(byte)), 1)
}

/// Whether one of eight bytes may need an action (a control byte, `&`, `<`, `>`, 0xEF, and
/// quotes in attributes); false positives are fine, the bytes are then looked at one by one.
/// Branch-free: `<` and `>` (0x3C, 0x3E) are one test with bit 1 set; in attributes `"`,
/// `&` and `'` (0x22, 0x26, 0x27) are one test with bits 0 and 2 set (`#` gets a closer look).
fn may_need_action(word: u64, attribute: bool) -> bool {
    let quotes_and_ampersand = if attribute {
        equal(word | (ONES * 0x05), 0x27)
    } else {
        equal(word, b'&')
    };
    let found = below(word, 0x20)
        | quotes_and_ampersand
        | equal(word | (ONES * 0x02), 0x3E)
        | equal(word, 0xEF);
    found & HIGH_BITS != 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content(text: &str) -> String {
        let mut out = Vec::new();
        push_content(&mut out, text);
        String::from_utf8(out).unwrap_or_else(|e| panic!("{e}"))
    }

    fn attribute(text: &str) -> String {
        let mut out = b"kept ".to_vec();
        push_attribute(&mut out, text);
        String::from_utf8(out.split_off(5)).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn plain_text_is_copied() {
        for text in [
            "",
            "Футболка «Люкс» 👕",
            "שלום مرحبا",
            "\u{E000}\u{FFFD}\u{10FFFF}",
            "tab\tnl\n",
        ] {
            assert_eq!(content(text), text);
        }
    }

    #[test]
    fn forbidden_characters_are_removed() {
        assert_eq!(content("a\u{0}b\u{1}c\u{8}d\u{B}e\u{C}f\u{1F}g"), "abcdefg");
        assert_eq!(content("x\u{FFFE}y\u{FFFF}z\u{FFFD}"), "xyz\u{FFFD}");
        assert_eq!(attribute("\u{FFFF}\u{7}"), "");
        assert_eq!(
            content("keep\u{7F}\u{85}\u{EFFF}"),
            "keep\u{7F}\u{85}\u{EFFF}"
        );
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

    #[test]
    fn every_position_of_a_long_text_is_handled() {
        let specials = [
            "&", "<", ">", "\"", "'", "\r", "\t", "\n", "\u{1}", "\u{FFFF}", "\u{FFFD}", "я",
        ];
        for special in specials {
            for at in 0..20 {
                let text = format!("{}{special}{}", "a".repeat(at), "b".repeat(20 - at));
                let expected_content = text
                    .replace('&', "&amp;")
                    .replace('<', "&lt;")
                    .replace('>', "&gt;")
                    .replace('\r', "&#13;")
                    .replace(['\u{1}', '\u{FFFF}'], "");
                assert_eq!(content(&text), expected_content, "{text:?}");
                let expected_attribute = expected_content
                    .replace('"', "&quot;")
                    .replace('\'', "&apos;")
                    .replace('\t', "&#9;")
                    .replace('\n', "&#10;");
                assert_eq!(attribute(&text), expected_attribute, "{text:?}");
            }
        }
    }

    #[test]
    fn blank_means_nothing_printable() {
        assert!(is_blank(""));
        assert!(is_blank(" \t\n\u{1}\u{FFFF}"));
        assert!(!is_blank(" x "));
    }
}
