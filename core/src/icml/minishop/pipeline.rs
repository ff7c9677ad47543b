//! The export's stages at once: one thread reads pages of products, one thread per part
//! adds that part of what the products need besides their rows ([`Part`]), the calling
//! thread writes the pages in order. Between two stages a page waits in a channel of one
//! place, so the pages held are at most twice the stages whatever the catalogue's size. A
//! stage that fails sends its error on and stops; a stage whose next one has stopped stops
//! too.

use std::io;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::{self, Scope, ScopedJoinHandle};

use super::reader::{Catalogue, Part, Reader};
use super::record::Product;
use super::{Error, ExportError};

/// A page on its way to the writer, or why reading stopped.
type Sent = Result<Vec<Product>, ExportError>;

/// Reads every page with `pages`, which adds the parts `shared` itself, and completes it
/// with each of `completers` in turn (each reader on its own connection and thread), handing
/// the pages to `write` in id order on the calling thread. The first error of any stage is
/// returned; pages after it are neither read nor written.
pub(super) fn run(
    mut pages: Reader,
    shared: &[Part],
    completers: Vec<(Reader, Part)>,
    catalogue: &Catalogue,
    mut write: impl FnMut(&[Product]) -> Result<(), Error>,
) -> Result<(), ExportError> {
    let location = pages.location().to_string();
    let failed = |message: String| ExportError::Database {
        location: location.clone(),
        message,
    };
    thread::scope(|scope| {
        let (read, mut next) = sync_channel(1);
        let mut stages = vec![start(scope, "pages", move || {
            read_pages(&mut pages, catalogue, shared, &read);
        })];
        for (mut reader, part) in completers {
            let (completed, after) = sync_channel(1);
            let received = std::mem::replace(&mut next, after);
            stages.push(start(scope, "rows", move || {
                complete_pages(&mut reader, catalogue, part, received, &completed);
            }));
        }
        // A stage the system refused to start (a limit on processes) breaks the chain there:
        // no page comes past it.
        let written = next
            .iter()
            .try_for_each(|page: Sent| write(&page?).map_err(ExportError::from));
        // The stages stop at their next page once nobody waits for it.
        drop(next);
        let (mut refused, mut finished) = (None, true);
        for stage in stages {
            match stage {
                Ok(running) => finished &= running.join().is_ok(),
                Err(error) => refused = Some(error),
            }
        }
        match (refused, written, finished) {
            (Some(error), ..) => Err(failed(format!(
                "a reading thread cannot be started: {error}"
            ))),
            (None, Err(error), _) => Err(error),
            (None, Ok(()), true) => Ok(()),
            (None, Ok(()), false) => Err(failed("a reading thread stopped unexpectedly".into())),
        }
    })
}

/// Starts `stage` on a thread of `scope` named after `name`.
fn start<'scope>(
    scope: &'scope Scope<'scope, '_>,
    name: &str,
    stage: impl FnOnce() + Send + 'scope,
) -> io::Result<ScopedJoinHandle<'scope, ()>> {
    thread::Builder::new()
        .name(format!("modretailcrm-icml-{name}"))
        .spawn_scoped(scope, stage)
}

/// Sends the pages of products (those with a product of an exported category) in id order,
/// each with the parts `shared` added.
fn read_pages(
    reader: &mut Reader,
    catalogue: &Catalogue,
    shared: &[Part],
    pages: &SyncSender<Sent>,
) {
    let mut after = 0;
    loop {
        let sent = match reader.products(catalogue, after) {
            Ok(None) => return,
            Ok(Some((last, mut products))) => {
                after = last;
                if products.is_empty() {
                    continue;
                }
                shared
                    .iter()
                    .try_for_each(|&part| reader.complete(catalogue, part, &mut products))
                    .map(|()| products)
            }
            Err(error) => Err(error),
        };
        let failed = sent.is_err();
        if pages.send(sent).is_err() || failed {
            return;
        }
    }
}

/// Adds `part` to each page received (see [`Reader::complete`]) and sends it on.
fn complete_pages(
    reader: &mut Reader,
    catalogue: &Catalogue,
    part: Part,
    pages: Receiver<Sent>,
    completed: &SyncSender<Sent>,
) {
    for sent in pages {
        let sent = sent.and_then(|mut products| {
            reader.complete(catalogue, part, &mut products)?;
            Ok(products)
        });
        let failed = sent.is_err();
        if completed.send(sent).is_err() || failed {
            return;
        }
    }
}
