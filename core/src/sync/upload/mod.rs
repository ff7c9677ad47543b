//! Bulk upload of what a shop already has (M11): its users as `customers/upload` and its
//! orders as `orders/upload`, 50 per call, every call under the rate limit the site's
//! deliveries share.
//!
//! The site reads its database in pages on the primary key and hands the rows over in
//! order ([`Upload::add_customer`], [`Upload::add_order`]); each entity is mapped as a live
//! one is ([`historic`]). The [`Checkpoint`] in the outbox file says where the run stands:
//! before a batch goes out its `externalId`s are written as in flight; once the CRM's answer
//! is recorded the checkpoint moves past the batch. A run interrupted at any point (Ctrl-C,
//! `kill -9`, a CRM outage) resumes after the last batch recorded, first asking the CRM which
//! of the batch in flight it has, so nothing is sent twice; a run over a selection it has
//! finished sends only what came since. The CRM's refusals (HTTP 460 names them, see
//! [`answer`]) are kept with its reason and the run goes on.

pub mod answer;
pub mod checkpoint;
pub mod historic;
pub mod link;
pub mod progress;

use std::collections::HashSet;
use std::time::{Duration, Instant};

use serde_json::{Map, Value, json};

use super::engine::Engine;
use super::events::rekey_order;
use crate::api::client::{Client, Entity, MAX_UPLOAD, Page};
use crate::api::error::{ApiError, ErrorClass};
use crate::mapping::MappingError;
use crate::mapping::OrderInput;
use crate::mapping::read::id;
use crate::outbox::OutboxError;
use crate::runtime;
use answer::Fate;
use checkpoint::{Checkpoint, Failure};
use historic::Site;
use link::Unlinked;
use progress::Progress;

/// How long one call of the upload may wait for a token of the shared rate limit.
const TOKEN_WAIT: Duration = Duration::from_secs(600);

/// The waits before sending a batch again when the CRM did not answer.
const OUTAGE_WAITS: [Duration; 5] = [
    Duration::from_secs(1),
    Duration::from_secs(2),
    Duration::from_secs(5),
    Duration::from_secs(10),
    Duration::from_secs(20),
];

/// What is uploaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// MODX users as CRM customers.
    Customers,
    /// miniShop2 orders as CRM orders.
    Orders,
}

impl Kind {
    /// `customers` or `orders`.
    pub fn parse(name: &str) -> Option<Kind> {
        match name {
            "customers" => Some(Kind::Customers),
            "orders" => Some(Kind::Orders),
            _ => None,
        }
    }

    /// `customers` or `orders`.
    pub fn plural(self) -> &'static str {
        match self {
            Kind::Customers => "customers",
            Kind::Orders => "orders",
        }
    }

    fn entity(self) -> Entity {
        match self {
            Kind::Customers => Entity::Customer,
            Kind::Orders => Entity::Order,
        }
    }
}

/// Which site entities a run takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// All of them (resumable).
    All,
    /// Those created since a date (resumable, apart from runs over other dates).
    Since(String),
    /// Those the operator named by id: no checkpoint; the CRM is asked about every batch
    /// and what it has is skipped.
    Ids,
}

impl Selection {
    fn name(&self) -> String {
        match self {
            Selection::All => "all".into(),
            Selection::Since(date) => format!("since {date}"),
            Selection::Ids => "ids".into(),
        }
    }
}

/// How a run goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadOptions {
    /// Map and validate everything, send nothing (the CRM is only read, for
    /// `link_existing`).
    pub dry_run: bool,
    /// Link CRM customers without an `externalId` to the site users they match instead of
    /// uploading those users (see [`link`]).
    pub link_existing: bool,
    /// What the run takes.
    pub selection: Selection,
}

/// Why a run stopped.
#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    /// The outbox (where the checkpoint lives) failed.
    #[error(transparent)]
    Outbox(#[from] OutboxError),
    /// The async runtime could not be started.
    #[error("cannot start the async runtime: {0}")]
    Runtime(#[from] std::io::Error),
    /// The CRM cannot be used (no answer after the retries, a wrong key or address): the run
    /// stops where the checkpoint says; run it again to resume.
    #[error("the CRM failed, the upload stops (run it again to resume): {0}")]
    Crm(#[from] ApiError),
}

/// One entity ready to go.
struct Entry {
    id: i64,
    external_id: String,
    payload: Value,
}

/// A run of the upload of one kind.
pub struct Upload {
    engine: Engine,
    kind: Kind,
    options: UploadOptions,
    state: Checkpoint,
    batch: Vec<Entry>,
    links: Vec<(i64, Value)>,
    /// `externalId`s the CRM was found to have before they were sent (the batch in flight
    /// of an interrupted run).
    known: HashSet<String>,
    unlinked: Option<Unlinked>,
    /// In a dry run, the links a real run would make (`id`: site user, `crm_id`).
    would_link: Vec<Value>,
    progress: Option<Progress>,
    last_id: i64,
}

impl Upload {
    /// Starts (or resumes) the upload of `kind`: reads the checkpoint, asks the CRM which
    /// entities of an interrupted run's batch in flight it has, and with `link_existing`
    /// reads the CRM's customers without an `externalId`.
    pub fn start(
        engine: &Engine,
        kind: Kind,
        options: UploadOptions,
    ) -> Result<Upload, UploadError> {
        let resumable = options.selection != Selection::Ids && !options.dry_run;
        let state = if resumable {
            Checkpoint::load(engine.outbox(), kind, &options.selection.name())?
        } else {
            Checkpoint {
                selection: options.selection.name(),
                started_at: checkpoint::unix_now(),
                ..Checkpoint::default()
            }
        };
        let mut upload = Upload {
            engine: engine.clone(),
            kind,
            options,
            state,
            batch: Vec::new(),
            links: Vec::new(),
            known: HashSet::new(),
            unlinked: None,
            would_link: Vec::new(),
            progress: None,
            last_id: 0,
        };
        upload.last_id = upload.state.after;
        if resumable && !upload.state.in_flight.is_empty() {
            let in_flight = std::mem::take(&mut upload.state.in_flight);
            upload.known = upload.existing(&in_flight)?;
            upload.state.save(upload.engine.outbox(), kind)?;
        }
        if upload.options.link_existing && kind == Kind::Customers {
            upload.unlinked = Some(upload.unlinked_customers()?);
        }
        Ok(upload)
    }

    /// Every site id up to this one is done: the site reads from the next one.
    pub fn after(&self) -> i64 {
        self.state.after
    }

    /// Shows progress over `total` entities left to do.
    pub fn expect(&mut self, total: u64) {
        let label = format!("upload {}", self.kind.plural());
        self.progress = Some(Progress::new(&label, total));
    }

    /// Adds a site user (`user`: modUser row, `profile`: its modUserProfile row); sends a
    /// batch when one is full.
    pub fn add_customer(
        &mut self,
        user: &Value,
        profile: &Value,
        site: Site<'_>,
    ) -> Result<(), UploadError> {
        let site_id = user.get("id").and_then(id).unwrap_or_default();
        let mapped = historic::customer(self.engine.settings(), user, profile, site);
        let entity = mapped.map(|payload| {
            let external_id = text(payload.get("externalId")).unwrap_or_default();
            (external_id, payload)
        });
        self.add(site_id, entity)
    }

    /// Adds a site order (the rows the plugin gathers for a new order, `source` them as one
    /// array); sends a batch when one is full.
    pub fn add_order(
        &mut self,
        input: &OrderInput,
        source: &Value,
        site: Site<'_>,
    ) -> Result<(), UploadError> {
        let site_id = input.order.get("id").and_then(id).unwrap_or_default();
        let mapped = historic::order(self.engine.settings(), input, source, site);
        self.add(site_id, mapped)
    }

    /// Sends what is left and returns the run's summary; the checkpoint says the run ended.
    pub fn finish(mut self) -> Result<Value, UploadError> {
        self.send()?;
        self.state.finished_at = Some(checkpoint::unix_now());
        self.save()?;
        if let Some(progress) = &self.progress {
            progress.finish();
        }
        Ok(self.summary())
    }

    fn add(
        &mut self,
        site_id: i64,
        entity: Result<(String, Value), MappingError>,
    ) -> Result<(), UploadError> {
        self.last_id = self.last_id.max(site_id);
        let (external_id, payload) = match entity {
            Ok(entity) => entity,
            Err(error) => {
                self.state.fail(Failure {
                    id: site_id,
                    external_id: String::new(),
                    reason: error.to_string(),
                });
                self.advance(1);
                return Ok(());
            }
        };
        if self.known.remove(&external_id) {
            self.state.uploaded += 1;
            self.advance(1);
            return Ok(());
        }
        if let Some(crm_id) = self.unlinked.as_mut().and_then(|u| u.take(&payload)) {
            self.links
                .push((site_id, json!({"id": crm_id, "externalId": external_id})));
            if self.links.len() >= MAX_UPLOAD {
                self.send()?;
            }
            return Ok(());
        }
        self.batch.push(Entry {
            id: site_id,
            external_id,
            payload,
        });
        if self.batch.len() >= MAX_UPLOAD {
            self.send()?;
        }
        Ok(())
    }

    /// Sends the links and the batch waiting, then moves the checkpoint past them.
    fn send(&mut self) -> Result<(), UploadError> {
        self.send_links()?;
        let batch = std::mem::take(&mut self.batch);
        if !batch.is_empty() {
            if self.options.dry_run {
                self.state.uploaded += batch.len() as u64;
                self.advance(batch.len() as u64);
            } else {
                self.upload(batch)?;
            }
        }
        self.state.after = self.last_id;
        self.save()
    }

    /// Links the CRM customers matched so far (in a dry run: only counts them).
    fn send_links(&mut self) -> Result<(), UploadError> {
        if self.links.is_empty() {
            return Ok(());
        }
        let links = std::mem::take(&mut self.links);
        let count = links.len() as u64;
        if self.options.dry_run {
            let room = checkpoint::FAILURES_KEPT.saturating_sub(self.would_link.len());
            self.would_link.extend(
                (links.into_iter().take(room))
                    .map(|(id, pair)| json!({"id": id, "crm_id": pair["id"]})),
            );
        } else {
            let pairs = links.into_iter().map(|(_, pair)| pair).collect();
            runtime::block_on(self.client().fix_external_ids(self.kind.entity(), pairs))??;
        }
        self.state.linked += count;
        self.advance(count);
        Ok(())
    }

    /// Uploads one batch: in flight first, then each entity's fate recorded.
    fn upload(&mut self, mut batch: Vec<Entry>) -> Result<(), UploadError> {
        if self.kind == Kind::Orders {
            self.give_order_ids(&mut batch)?;
        }
        if self.options.selection == Selection::Ids {
            let ids: Vec<String> = batch.iter().map(|e| e.external_id.clone()).collect();
            let there = self.existing(&ids)?;
            let before = batch.len();
            batch.retain(|entry| !there.contains(&entry.external_id));
            let skipped = (before - batch.len()) as u64;
            self.state.skipped += skipped;
            self.advance(skipped);
        }
        if batch.is_empty() {
            return Ok(());
        }
        self.state.in_flight = batch.iter().map(|e| e.external_id.clone()).collect();
        self.save()?;
        let fates = self.send_batch(&batch)?;
        for (entry, fate) in batch.into_iter().zip(fates) {
            match fate {
                Fate::Uploaded => self.state.uploaded += 1,
                Fate::AlreadyThere => self.state.skipped += 1,
                Fate::Refused(reason) => self.state.fail(Failure {
                    id: entry.id,
                    external_id: entry.external_id,
                    reason,
                }),
            }
            self.advance(1);
        }
        self.state.in_flight.clear();
        Ok(())
    }

    /// Gives the batch's orders their `externalId` as live orders get it: the one their
    /// number gives, unless another site order with the same number holds it (miniShop2
    /// numbers concurrent checkouts alike; see `Outbox::order_external_id`); one write for
    /// the batch.
    fn give_order_ids(&self, batch: &mut [Entry]) -> Result<(), UploadError> {
        let proposed: Vec<(i64, &str)> = batch
            .iter()
            .map(|entry| (entry.id, entry.external_id.as_str()))
            .collect();
        let given = self.engine.outbox().order_external_ids(&proposed)?;
        for (entry, given) in batch.iter_mut().zip(given) {
            if given != entry.external_id {
                rekey_order(&mut entry.payload, &entry.external_id, &given);
                entry.external_id = given;
            }
        }
        Ok(())
    }

    /// Sends `batch` until the CRM answers, and says what became of each entity. When the
    /// CRM does not answer, waits ([`OUTAGE_WAITS`]), asks it which entities it has (the
    /// call may have gone through) and sends the rest again.
    fn send_batch(&self, batch: &[Entry]) -> Result<Vec<Fate>, UploadError> {
        let mut fates: Vec<Option<Fate>> = vec![None; batch.len()];
        let mut waits = OUTAGE_WAITS.iter();
        loop {
            let open: Vec<usize> = (0..batch.len()).filter(|i| fates[*i].is_none()).collect();
            if open.is_empty() {
                return Ok(fates.into_iter().flatten().collect());
            }
            let payloads = open.iter().map(|i| batch[*i].payload.clone()).collect();
            let ids: Vec<String> = open.iter().map(|i| batch[*i].external_id.clone()).collect();
            let sent = runtime::block_on(self.client().upload(self.kind.entity(), payloads, None))?;
            let answer = match sent {
                Ok(_) => vec![Fate::Uploaded; open.len()],
                Err(ApiError::Response(response)) if response.status == 460 => {
                    let there = self.existing(&ids)?;
                    answer::partial(&ids, &response.errors, &there, &response.error_msg)
                }
                Err(ApiError::Response(response)) if response.status == 400 => {
                    vec![Fate::Refused(response.error_msg.clone()); open.len()]
                }
                Err(error) if error.class() == ErrorClass::Transient => {
                    let there = self.after_outage(&ids, &mut waits, error)?;
                    for (id, i) in ids.iter().zip(&open) {
                        if there.contains(id) {
                            fates[*i] = Some(Fate::Uploaded);
                        }
                    }
                    continue;
                }
                Err(error) => return Err(error.into()),
            };
            for (fate, i) in answer.into_iter().zip(&open) {
                fates[*i] = Some(fate);
            }
        }
    }

    /// Which of `external_ids` the CRM has once it answers again after `failure`: waits the
    /// next of `waits` before each question; `failure` (or the question's own failure) is
    /// the run's end when the waits are used up.
    fn after_outage(
        &self,
        external_ids: &[String],
        waits: &mut std::slice::Iter<'_, Duration>,
        failure: ApiError,
    ) -> Result<HashSet<String>, UploadError> {
        let mut failure = failure;
        loop {
            let Some(wait) = waits.next() else {
                return Err(failure.into());
            };
            std::thread::sleep(*wait);
            match self.existing(external_ids) {
                Err(UploadError::Crm(error)) if error.class() == ErrorClass::Transient => {
                    failure = error;
                }
                answered => return answered,
            }
        }
    }

    /// Which of `external_ids` the CRM has.
    fn existing(&self, external_ids: &[String]) -> Result<HashSet<String>, UploadError> {
        let mut found = HashSet::new();
        for chunk in external_ids.chunks(MAX_UPLOAD) {
            let mut filter = Map::new();
            filter.insert("externalIds".into(), json!(chunk));
            let page = Page {
                filter,
                page: 1,
                limit: 100,
            };
            let answer = runtime::block_on(self.client().list(self.kind.entity(), &page))??;
            if let Some(Value::Array(items)) = answer.get(self.kind.plural()) {
                found.extend(items.iter().filter_map(|item| text(item.get("externalId"))));
            }
        }
        Ok(found)
    }

    /// The CRM's customers without an `externalId`, read page by page (100 a page).
    fn unlinked_customers(&self) -> Result<Unlinked, UploadError> {
        let mut unlinked = Unlinked::default();
        let mut page = Page {
            filter: Map::new(),
            page: 1,
            limit: 100,
        };
        loop {
            let answer = runtime::block_on(self.client().list(Entity::Customer, &page))??;
            if let Some(Value::Array(customers)) = answer.get("customers") {
                customers.iter().for_each(|c| unlinked.note(c));
            }
            let pages = answer
                .pointer("/pagination/totalPageCount")
                .and_then(Value::as_u64)
                .unwrap_or(0);
            if u64::from(page.page) >= pages {
                return Ok(unlinked);
            }
            page.page += 1;
        }
    }

    /// A client for the next call, under the rate limit the site's deliveries share.
    fn client(&self) -> Client {
        self.engine.reading_client(Instant::now() + TOKEN_WAIT)
    }

    fn advance(&mut self, count: u64) {
        if let Some(progress) = &mut self.progress {
            progress.advance(count);
        }
    }

    /// Saves the checkpoint, unless the run keeps none (a dry run, a run over named ids).
    fn save(&self) -> Result<(), UploadError> {
        if self.options.dry_run || self.options.selection == Selection::Ids {
            return Ok(());
        }
        Ok(self.state.save(self.engine.outbox(), self.kind)?)
    }

    /// `kind`, `dry_run`, `uploaded`, `linked`, `skipped`, `failed`, `failures` (`id`,
    /// `externalId`, `reason`), `after`; in a dry run `links` (`id`, `crm_id`).
    fn summary(&self) -> Value {
        let mut summary = json!({
            "kind": self.kind.plural(),
            "dry_run": self.options.dry_run,
            "uploaded": self.state.uploaded,
            "linked": self.state.linked,
            "skipped": self.state.skipped,
            "failed": self.state.failed,
            "failures": self.state.failures,
            "after": self.state.after,
        });
        if self.options.dry_run {
            summary["links"] = json!(self.would_link);
        }
        summary
    }
}

/// A JSON string or number as text.
fn text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(text) if !text.is_empty() => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}
