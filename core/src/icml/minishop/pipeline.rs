//! The export's stages at once: one thread reads pages of products, one thread per part
//! adds that part of what the products need besides their rows ([`Part`]), the calling
//! thread writes the pages in order. Between two stages a page waits in a channel of one
//! place, so the pages held are at most twice the stages whatever the catalogue's size. A
//! stage that fails sends its error on and stops; a stage whose next one has stopped stops
//! too. Every stage's thread is started before any work is handed out: when the system
//! refuses one (a limit on processes, as shared hosting sets), the calling thread does all
//! the work alone on the pages' connection.

use std::io;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::{self, Scope, ScopedJoinHandle};

use super::reader::{Catalogue, Part, Reader};
use super::record::Product;
use super::{Error, ExportError};

/// A page on its way to the writer, or why reading stopped.
type Sent = Result<Vec<Product>, ExportError>;

/// The work handed to a stage's thread once every thread runs.
type Job<'env> = Box<dyn FnOnce() + Send + 'env>;

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
    let stopped = ExportError::Database {
        location: pages.location().to_string(),
        message: "a reading thread stopped unexpectedly".into(),
    };
    thread::scope(|scope| {
        let mut idle = Vec::new();
        for _ in 0..=completers.len() {
            match waiting(scope) {
                Ok(stage) => idle.push(stage),
                Err(_) => {
                    // The threads started end when their work never comes.
                    drop(idle);
                    let parts: Vec<Part> = shared
                        .iter()
                        .copied()
                        .chain(completers.iter().map(|(_, part)| *part))
                        .collect();
                    return alone(&mut pages, &parts, catalogue, write);
                }
            }
        }
        let (read, mut next) = sync_channel(1);
        let mut jobs: Vec<Job<'_>> = vec![Box::new(move || {
            read_pages(&mut pages, catalogue, shared, |sent| {
                read.send(sent).is_ok()
            });
        })];
        for (mut reader, part) in completers {
            let (completed, after) = sync_channel(1);
            let received = std::mem::replace(&mut next, after);
            jobs.push(Box::new(move || {
                complete_pages(&mut reader, catalogue, part, received, |sent| {
                    completed.send(sent).is_ok()
                });
            }));
        }
        let running: Vec<_> = idle
            .into_iter()
            .zip(jobs)
            .map(|((give, running), job)| give.send(job).ok().map(|()| running))
            .collect();
        let written = next
            .iter()
            .try_for_each(|page: Sent| write(&page?).map_err(ExportError::from));
        // The stages stop at their next page once nobody waits for it.
        drop(next);
        let finished = running
            .into_iter()
            .map(|stage| stage.is_some_and(|stage| stage.join().is_ok()))
            .fold(true, |all, one| all & one);
        match (written, finished) {
            (Err(error), _) => Err(error),
            (Ok(()), true) => Ok(()),
            (Ok(()), false) => Err(stopped),
        }
    })
}

/// A thread of `scope` waiting for its job (run once it comes), and where to give it.
fn waiting<'scope, 'env>(
    scope: &'scope Scope<'scope, 'env>,
) -> io::Result<(SyncSender<Job<'env>>, ScopedJoinHandle<'scope, ()>)> {
    let (give, take) = sync_channel::<Job<'env>>(1);
    let running = thread::Builder::new()
        .name("modretailcrm-icml".into())
        .spawn_scoped(scope, move || {
            if let Ok(job) = take.recv() {
                job();
            }
        })?;
    Ok((give, running))
}

/// Every page read, completed with `parts` and written on the calling thread.
fn alone(
    reader: &mut Reader,
    parts: &[Part],
    catalogue: &Catalogue,
    mut write: impl FnMut(&[Product]) -> Result<(), Error>,
) -> Result<(), ExportError> {
    let mut outcome = Ok(());
    read_pages(reader, catalogue, parts, |sent| {
        outcome = sent.and_then(|page| write(&page).map_err(ExportError::from));
        outcome.is_ok()
    });
    outcome
}

/// Hands the pages of products (those with a product of an exported category) to `deliver`
/// in id order, each with the parts `shared` added, until it returns false or a page fails.
fn read_pages(
    reader: &mut Reader,
    catalogue: &Catalogue,
    shared: &[Part],
    mut deliver: impl FnMut(Sent) -> bool,
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
        if !deliver(sent) || failed {
            return;
        }
    }
}

/// Adds `part` to each page received (see [`Reader::complete`]) and hands it to `deliver`,
/// until it returns false or a page fails.
fn complete_pages(
    reader: &mut Reader,
    catalogue: &Catalogue,
    part: Part,
    pages: Receiver<Sent>,
    mut deliver: impl FnMut(Sent) -> bool,
) {
    for sent in pages {
        let sent = sent.and_then(|mut products| {
            reader.complete(catalogue, part, &mut products)?;
            Ok(products)
        });
        let failed = sent.is_err();
        if !deliver(sent) || failed {
            return;
        }
    }
}
