//! Telling a damaged outbox file on open, before anything is written into it.
//!
//! A truncated file (a full disk during a copy, a restore cut short, a sysadmin's `>`) still
//! opens: SQLite reads only the pages a statement touches, so an insert near the end of the
//! file succeeded and the record went into a file whose other pages were gone. On open, the
//! file's header is compared with its length: the header counts the pages the file holds
//! (valid when its change counter matches, as in every file written by SQLite 3.7 and
//! later), so a file shorter than that, or not a whole number of pages, was cut. The check
//! reads 100 bytes; it runs under the write lock, so no checkpoint of this extension is
//! growing the file meanwhile. Damage the header cannot show (garbage written over pages in
//! the middle) is found when a statement reads those pages: SQLite then reports corruption,
//! and the handle refuses writes from then on too (see `Outbox::write`).

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

/// The bytes of a SQLite file header this check reads.
const HEADER: usize = 100;

/// What is wrong with the file at `path` when its header and length disagree; `None` for a
/// consistent file, an empty one (a new outbox) and a file that is no SQLite database at all
/// (SQLite itself refuses that one).
pub(super) fn inspect(path: &Path) -> io::Result<Option<String>> {
    let mut file = File::open(path)?;
    let length = file.metadata()?.len();
    let mut header = [0u8; HEADER];
    if length < HEADER as u64 {
        return Ok(None);
    }
    file.read_exact(&mut header)?;
    if &header[..16] != b"SQLite format 3\0" {
        return Ok(None);
    }
    let page_size = match u16::from_be_bytes([header[16], header[17]]) {
        1 => 65_536,
        size => u64::from(size),
    };
    let pages = u64::from(word(&header, 28));
    let counted = pages > 0 && word(&header, 24) == word(&header, 92);
    if page_size < 512 || !page_size.is_power_of_two() {
        return Ok(Some(format!(
            "its header gives an invalid page size {page_size}"
        )));
    }
    if length % page_size != 0 {
        return Ok(Some(format!(
            "it holds {length} bytes, not a whole number of {page_size}-byte pages: it was cut"
        )));
    }
    if counted && length < pages * page_size {
        return Ok(Some(format!(
            "it holds {} pages of the {pages} its header counts: it was cut",
            length / page_size
        )));
    }
    Ok(None)
}

/// The big-endian 32-bit number at `offset` of the header.
fn word(header: &[u8; HEADER], offset: usize) -> u32 {
    u32::from_be_bytes([
        header[offset],
        header[offset + 1],
        header[offset + 2],
        header[offset + 3],
    ])
}
