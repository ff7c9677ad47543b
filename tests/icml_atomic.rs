//! The ICML writer's publication is atomic: a reader polling the published file while a
//! large catalogue replaces it always reads a complete, well-formed document (the old one or
//! the new one), and a writer process killed with SIGKILL mid-way leaves the published file
//! as it was (its temporary file is removed by the next writer).

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use modretailcrm_core::icml::{Category, Decimal, Offer, Shop, Writer};
use quick_xml::Reader;
use quick_xml::events::Event;

/// A fresh directory under Cargo's temporary directory for tests, of this process alone
/// (several `cargo test` runs may share the target directory).
fn scratch_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("icml-atomic-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("create {}: {e}", dir.display()));
    dir
}

fn shop() -> Shop {
    Shop {
        name: "Shop".into(),
        company: "Shop Ltd".into(),
        date: Some("2026-11-29 07:16:52".into()),
    }
}

fn offer(i: u64) -> Offer<'static> {
    Offer {
        id: i.to_string().into(),
        name: format!("Product {i} & more").into(),
        price: Decimal::parse(&format!("{i}.5")).ok(),
        category_ids: vec!["1".into()],
        ..Offer::default()
    }
}

/// A writer for a catalogue at `path` with its one category, ready for offers.
fn started(path: &Path) -> Writer {
    let mut writer = Writer::create(path, &shop()).unwrap_or_else(|e| panic!("{e}"));
    let category = Category {
        id: "1".into(),
        name: "All".into(),
        parent_id: None,
    };
    writer
        .add_category(category)
        .unwrap_or_else(|e| panic!("{e}"));
    writer
}

/// Publishes a catalogue of `offers` offers at `path` through the Rust writer.
fn publish(path: &Path, offers: u64) {
    let mut writer = started(path);
    for i in 0..offers {
        writer
            .add_offer(&offer(i))
            .unwrap_or_else(|e| panic!("{e}"));
    }
    writer.finish().unwrap_or_else(|e| panic!("{e}"));
}

/// Checks that `document` is a complete, well-formed catalogue; returns its offer count.
fn complete_offers(document: &str) -> Result<usize, String> {
    if !document.ends_with("</yml_catalog>\n") {
        return Err(format!(
            "does not end with </yml_catalog> ({} bytes)",
            document.len()
        ));
    }
    let mut reader = Reader::from_str(document);
    let mut offers = 0;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) if e.name().as_ref() == b"offer" => offers += 1,
            Ok(Event::Eof) => return Ok(offers),
            Ok(_) => {}
            Err(e) => {
                return Err(format!(
                    "not well-formed at {}: {e}",
                    reader.buffer_position()
                ));
            }
        }
    }
}

#[test]
fn readers_only_ever_see_a_complete_catalogue() {
    const OLD: u64 = 10;
    const NEW: u64 = 200_000;
    let dir = scratch_dir("readers");
    let path = dir.join("catalog.xml");
    publish(&path, OLD);

    let writing = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicBool::new(false));
    let reads_while_writing = Arc::new(AtomicUsize::new(0));
    let reader = {
        let (path, writing, done, reads) = (
            path.clone(),
            Arc::clone(&writing),
            Arc::clone(&done),
            Arc::clone(&reads_while_writing),
        );
        thread::spawn(move || {
            let mut seen = Vec::new();
            loop {
                let finished = done.load(Ordering::Acquire);
                let during = writing.load(Ordering::Acquire) && !finished;
                let document = fs::read_to_string(&path).map_err(|e| e.to_string());
                let offers = document.and_then(|d| complete_offers(&d));
                if let Err(problem) = &offers {
                    return Err(format!("read {}: {problem}", seen.len() + 1));
                }
                if during {
                    reads.fetch_add(1, Ordering::AcqRel);
                }
                seen.push(offers.unwrap_or_default());
                if finished {
                    return Ok(seen);
                }
            }
        })
    };

    let mut writer = started(&path);
    for i in 0..NEW {
        writer
            .add_offer(&offer(i))
            .unwrap_or_else(|e| panic!("{e}"));
        if i == NEW / 2 {
            // Half the catalogue is on disk in the temporary file: let the reader read the
            // target a few times now (bounded wait, no sleeping).
            writing.store(true, Ordering::Release);
            let deadline = Instant::now() + Duration::from_secs(60);
            while reads_while_writing.load(Ordering::Acquire) < 3 && Instant::now() < deadline {
                thread::yield_now();
            }
        }
    }
    let summary = writer.finish().unwrap_or_else(|e| panic!("{e}"));
    done.store(true, Ordering::Release);

    let seen = reader
        .join()
        .unwrap_or_else(|_| panic!("the reader panicked"))
        .unwrap_or_else(|problem| panic!("{problem}"));
    assert_eq!(summary.offers, NEW);
    assert!(
        reads_while_writing.load(Ordering::Acquire) >= 3,
        "the reader did not read while the writer was writing"
    );
    let counts: Vec<usize> = seen
        .iter()
        .copied()
        .filter(|&n| n != OLD as usize)
        .collect();
    assert!(
        counts.iter().all(|&n| n == NEW as usize),
        "a read saw neither the old nor the new catalogue: {counts:?}"
    );
    assert_eq!(seen.last().copied(), Some(NEW as usize));
    let names: Vec<String> = fs::read_dir(&dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(names, ["catalog.xml"]);
    let _ = fs::remove_dir_all(dir);
}

/// Kills the child (SIGKILL) and reaps it when dropped, so a failing test leaves no process.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn temp_files(dir: &Path) -> Vec<PathBuf> {
    fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "tmp"))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn a_writer_killed_mid_way_leaves_the_published_catalogue_intact() {
    let dir = scratch_dir("killed");
    let path = dir.join("catalog.xml");
    publish(&path, 3);
    let published = fs::read(&path).unwrap_or_else(|e| panic!("{e}"));

    let script = r#"
        $w = new ModRetailCrm\Icml\Writer($argv[1], ['name' => 'Shop', 'company' => 'Ltd']);
        for ($i = 0; ; $i++) {
            $w->addOffer(['id' => $i, 'pagetitle' => "Product $i", 'price' => $i + 0.5, 'parent' => 1,
                'article' => "A-$i", 'color' => ['red', 'blue']]);
        }
    "#;
    let extension = format!("extension={}", common::extension().display());
    let child = Command::new("php")
        .args(["-n", "-d", &extension, "-r", script, "--"])
        .arg(&path)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("php runs (scripts/setup.sh installs php-cli): {e}"));
    let mut child = Killed(child);

    // Wait until the writer has put a few megabytes into its temporary file.
    let deadline = Instant::now() + Duration::from_secs(60);
    let temp = loop {
        let grown = temp_files(&dir)
            .into_iter()
            .find(|t| fs::metadata(t).is_ok_and(|m| m.len() > 4 * 1024 * 1024));
        if let Some(temp) = grown {
            break temp;
        }
        if let Ok(Some(status)) = child.0.try_wait() {
            panic!("the php writer exited early ({status})");
        }
        assert!(Instant::now() < deadline, "the temporary file did not grow");
        thread::yield_now();
    };
    assert_eq!(fs::read(&path).ok().as_ref(), Some(&published));

    child.0.kill().unwrap_or_else(|e| panic!("kill: {e}"));
    let status = child.0.wait().unwrap_or_else(|e| panic!("wait: {e}"));
    assert!(!status.success());

    assert_eq!(
        fs::read(&path).ok().as_ref(),
        Some(&published),
        "the published catalogue changed"
    );
    assert_eq!(temp_files(&dir), [temp], "the killed writer's file is left");

    // The next writer of the same target removes what the dead one left.
    publish(&path, 1);
    assert!(
        temp_files(&dir).is_empty(),
        "stale temporary file not removed"
    );
    let document = fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(complete_offers(&document), Ok(1));
    let _ = fs::remove_dir_all(dir);
}
