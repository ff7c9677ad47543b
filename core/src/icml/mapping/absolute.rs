//! The one rule that makes an offer's `url` and `picture` absolute.
//!
//! A shop stores its links as its pages reach them: a product's `uri` relative to the site
//! (`catalog/shirt.html`), a picture from the host's root with the site's base path
//! included (`/assets/images/products/3/shirt.jpg`, as miniShop2 stores it), sometimes a
//! full or protocol-relative address (a CDN). [`Base::resolve`] reads each as a browser reads
//! a link on a page at the site's address (RFC 3986 references, `.` and `..` left in):
//! - with a scheme (`https://cdn.example/x.jpg`, `data:…`): kept;
//! - `//cdn.example/x.jpg`: the site's scheme put before it;
//! - `/assets/x.jpg`: the site's origin (scheme and host, not its path) put before it;
//! - anything else (`assets/x.jpg`, `index.php?id=3`): the site's address put before it.
//!
//! Characters a URL cannot hold (space and other controls, non-ASCII, `"<>\^`{|}`) are
//! percent-encoded as UTF-8 after the host; the host, `%XX` escapes already there, and an
//! address with a scheme but no host (`data:`, `mailto:`) are kept as written. A blank value
//! is kept, so that the writer refuses it as blank.

use std::borrow::Cow;

use bumpalo::Bump;
use bumpalo::collections::String as ArenaString;

/// The site's address that relative links are resolved against.
#[derive(Debug, Clone, PartialEq)]
pub struct Base {
    /// The address with one trailing `/`: `https://shop.example/shop/`.
    directory: String,
    /// The length of its scheme (`https`).
    scheme: usize,
    /// The length of its origin (`https://shop.example`).
    origin: usize,
}

impl Base {
    /// The base for `address`, `None` unless it is an `http://` or `https://` address (in
    /// any case). Trailing `/`s are dropped: the address always names a folder.
    pub fn parse(address: &str) -> Option<Base> {
        let address = address.trim().trim_end_matches('/');
        let scheme = ["http", "https"]
            .into_iter()
            .find(|scheme| starts_with_ignoring_case(address, &format!("{scheme}://")))?
            .len();
        let origin = authority_end(address, scheme + 3);
        Some(Base {
            directory: format!("{address}/"),
            scheme,
            origin,
        })
    }

    /// The absolute address of `link` (see the module documentation), borrowed unchanged
    /// when nothing is to be added or encoded, else made in `arena`.
    pub fn resolve<'u>(&self, link: Cow<'u, str>, arena: &'u Bump) -> Cow<'u, str> {
        let trimmed = link.trim();
        if trimmed.is_empty() {
            return link;
        }
        let (prefix, kept) = if let Some(scheme) = scheme_length(trimmed) {
            let host_end = if trimmed[scheme + 1..].starts_with("//") {
                authority_end(trimmed, scheme + 3)
            } else {
                trimmed.len()
            };
            ("", host_end)
        } else if trimmed.starts_with("//") {
            (&self.directory[..=self.scheme], authority_end(trimmed, 2))
        } else if trimmed.starts_with('/') {
            (&self.directory[..self.origin], 0)
        } else {
            (self.directory.as_str(), 0)
        };
        let (head, tail) = trimmed.split_at(kept);
        let unsafe_bytes = tail.bytes().filter(|byte| must_encode(*byte)).count();
        if prefix.is_empty() && unsafe_bytes == 0 && trimmed.len() == link.len() {
            return link;
        }
        let length = prefix.len() + trimmed.len() + 2 * unsafe_bytes;
        let mut absolute = ArenaString::with_capacity_in(length, arena);
        absolute.push_str(prefix);
        absolute.push_str(head);
        if unsafe_bytes == 0 {
            absolute.push_str(tail);
        } else {
            push_encoded(&mut absolute, tail);
        }
        Cow::Borrowed(absolute.into_bump_str())
    }
}

/// The length of `link`'s scheme when it starts with one (`https` in `https://…`, `data` in
/// `data:…`): a letter, then letters, digits, `+`, `-` or `.`, then `:`.
fn scheme_length(link: &str) -> Option<usize> {
    let end = link
        .bytes()
        .position(|byte| matches!(byte, b':' | b'/' | b'?' | b'#'))?;
    let scheme = &link.as_bytes()[..end];
    let valid = link[end..].starts_with(':')
        && scheme.first().is_some_and(u8::is_ascii_alphabetic)
        && scheme
            .iter()
            .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'+' | b'-' | b'.'));
    valid.then_some(end)
}

/// Where the host (and port) that starts at `start` ends: at the next `/`, `?` or `#`.
fn authority_end(link: &str, start: usize) -> usize {
    link.as_bytes()[start..]
        .iter()
        .position(|byte| matches!(byte, b'/' | b'?' | b'#'))
        .map_or(link.len(), |end| start + end)
}

/// Whether `text` starts with `prefix`, ASCII letters in any case.
fn starts_with_ignoring_case(text: &str, prefix: &str) -> bool {
    text.get(..prefix.len())
        .is_some_and(|start| start.eq_ignore_ascii_case(prefix))
}

/// Whether `byte` cannot stand in a URL as it is (RFC 3986 allows none of these).
fn must_encode(byte: u8) -> bool {
    ENCODED[usize::from(byte)]
}

/// [`must_encode`] for every byte: ASCII controls, space, `"<>\^`{|}`, DEL and every
/// non-ASCII byte (a table: links are scanned byte by byte for every offer).
const ENCODED: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        table[byte] = matches!(
            byte as u8,
            0..=b' ' | b'"' | b'<' | b'>' | b'\\' | b'^' | b'`' | b'{' | b'|' | b'}' | 0x7f..=0xff
        );
        byte += 1;
    }
    table
};

/// Appends `text` with every character that [`must_encode`] as `%XX` (each of its UTF-8
/// bytes).
fn push_encoded(out: &mut ArenaString<'_>, text: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut utf8 = [0; 4];
    let mut start = 0;
    for (at, character) in text.char_indices() {
        if character.is_ascii() && !must_encode(character as u8) {
            continue;
        }
        out.push_str(&text[start..at]);
        for byte in character.encode_utf8(&mut utf8).bytes() {
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0xf)]));
        }
        start = at + character.len_utf8();
    }
    out.push_str(&text[start..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolved(base: &str, link: &str) -> String {
        let base = Base::parse(base).expect("an http(s) base");
        base.resolve(Cow::Borrowed(link), &Bump::new()).into_owned()
    }

    #[test]
    fn every_kind_of_link_resolves_as_a_browser_would_read_it() {
        let site = "https://shop.example/";
        let in_folder = "https://shop.example/shop/";
        let cases = [
            // Already absolute: kept, whatever the scheme's case.
            (
                site,
                "https://cdn.example/x.jpg",
                "https://cdn.example/x.jpg",
            ),
            (site, "HTTP://cdn.example/x.jpg", "HTTP://cdn.example/x.jpg"),
            (
                site,
                "data:image/png;base64,iVBO",
                "data:image/png;base64,iVBO",
            ),
            // Protocol-relative: the site's scheme.
            (site, "//cdn.example/x.jpg", "https://cdn.example/x.jpg"),
            (
                "http://shop.example",
                "//cdn.example/x.jpg",
                "http://cdn.example/x.jpg",
            ),
            // From the host's root (miniShop2's pictures): the origin, not the site's folder.
            (site, "/assets/x.jpg", "https://shop.example/assets/x.jpg"),
            (
                in_folder,
                "/shop/assets/x.jpg",
                "https://shop.example/shop/assets/x.jpg",
            ),
            (
                "https://shop.example:8443/shop",
                "/a.jpg",
                "https://shop.example:8443/a.jpg",
            ),
            // Relative (MODX uris, `assets/…`): below the site's address.
            (site, "assets/x.jpg", "https://shop.example/assets/x.jpg"),
            (
                in_folder,
                "assets/x.jpg",
                "https://shop.example/shop/assets/x.jpg",
            ),
            (
                "https://shop.example/shop//",
                "assets/x.jpg",
                "https://shop.example/shop/assets/x.jpg",
            ),
            (
                in_folder,
                "index.php?id=15",
                "https://shop.example/shop/index.php?id=15",
            ),
            (
                site,
                "go?to=https://x.example/",
                "https://shop.example/go?to=https://x.example/",
            ),
            // Characters a URL cannot hold: encoded after the host; escapes kept.
            (
                site,
                "/assets/my photo.jpg",
                "https://shop.example/assets/my%20photo.jpg",
            ),
            (
                site,
                "фото.jpg",
                "https://shop.example/%D1%84%D0%BE%D1%82%D0%BE.jpg",
            ),
            (
                site,
                "a%20b{1}.jpg",
                "https://shop.example/a%20b%7B1%7D.jpg",
            ),
            (
                site,
                "https://cdn.example/a b.jpg",
                "https://cdn.example/a%20b.jpg",
            ),
            (
                site,
                "https://магазин.рф/ф.jpg",
                "https://магазин.рф/%D1%84.jpg",
            ),
            (site, "//магазин.рф/a b", "https://магазин.рф/a%20b"),
            // Surrounding blanks are not part of the link; a blank one stays blank.
            (
                site,
                " /assets/x.jpg\n",
                "https://shop.example/assets/x.jpg",
            ),
            (site, "  ", "  "),
        ];
        for (base, link, expected) in cases {
            assert_eq!(resolved(base, link), expected, "{link:?} against {base:?}");
        }
    }

    #[test]
    fn a_link_with_nothing_to_change_is_borrowed_as_given() {
        let base = Base::parse("https://shop.example").expect("an http(s) base");
        let link = "https://cdn.example/x.jpg";
        let arena = Bump::new();
        let resolved = base.resolve(Cow::Borrowed(link), &arena);
        assert!(matches!(resolved, Cow::Borrowed(text) if std::ptr::eq(text, link)));
    }

    #[test]
    fn only_http_addresses_are_bases() {
        for address in [
            "shop.example",
            "ftp://shop.example",
            "",
            "/assets",
            "https:/x",
        ] {
            assert_eq!(Base::parse(address), None, "{address:?}");
        }
        assert!(Base::parse("HTTPS://Shop.Example/").is_some());
    }
}
