//! Sink stages: scored listings and seller facts into the store.
//!
//! Every message is checked ([`crate::sink_check`]) before it is written; one that fails goes to
//! the dead-letter topic. A batch is written in one store call. When the store refuses the batch
//! because of a record's own content ([`StoreError::is_content`]: a time it cannot compute with,
//! a row too large), writing it again can never succeed, so the batch's messages are written one
//! by one: those the store refuses go to the dead-letter topic with its error, the rest are
//! stored, and the batch is acknowledged. Any other store error (connection, disk, timeout) stops
//! the stage with the batch unacknowledged, so it is delivered again.
//!
//! Given a [`LinkStore`], the scored sink also links each stored batch's sellers ([`crate::link`])
//! before it acknowledges the batch, so a crash between the two re-delivers the batch and the
//! links are found then (both writes are idempotent).

use std::marker::PhantomData;
use std::sync::Arc;

use async_trait::async_trait;
use serde::de::DeserializeOwned;
use soi_bus::{Bus, Delivery, Publisher, TOPIC_SCORED, TOPIC_SELLERS};
use soi_model::{Envelope, Kind, Scored, Seller};
use soi_store::{LinkStore, Store, StoreError};

use crate::link::{link_stored, ToLink};
use crate::sink_check::{check_scored, check_seller};
use crate::stage::{run_stage, BatchHandler, BatchOutcome};
use crate::{dead_letter, parse_or_dead_letter, BatchOptions, PipelineError, StageReport};

/// Stores scored listings (listing, verdict and embedded seller in one step) until `verdicts` ends.
pub async fn run_scored_sink(
    bus: &dyn Bus,
    group: &str,
    store: Arc<dyn Store>,
    opts: BatchOptions,
    progress: &(dyn Fn(&StageReport) + Send + Sync),
) -> Result<StageReport, PipelineError> {
    run_scored_sink_linked(bus, group, store, None, opts, progress).await
}

/// [`run_scored_sink`] that also links the sellers of what it stores, in `links`.
pub async fn run_scored_sink_linked(
    bus: &dyn Bus,
    group: &str,
    store: Arc<dyn Store>,
    links: Option<Arc<dyn LinkStore>>,
    opts: BatchOptions,
    progress: &(dyn Fn(&StageReport) + Send + Sync),
) -> Result<StageReport, PipelineError> {
    let mut h = SinkHandler::<Scored>::new("sink-scored", Kind::Scored, store);
    h.links = links;
    run_stage(bus, TOPIC_SCORED, group, opts, progress, &mut h).await
}

/// Stores seller facts until `sellers.raw` ends.
pub async fn run_seller_sink(
    bus: &dyn Bus,
    group: &str,
    store: Arc<dyn Store>,
    opts: BatchOptions,
    progress: &(dyn Fn(&StageReport) + Send + Sync),
) -> Result<StageReport, PipelineError> {
    let mut h = SinkHandler::<Seller>::new("sink-sellers", Kind::Seller, store);
    run_stage(bus, TOPIC_SELLERS, group, opts, progress, &mut h).await
}

/// How a record type is checked and written to the store.
#[async_trait]
trait Sinkable: serde::Serialize + DeserializeOwned + Send + Sync + 'static {
    fn check(self) -> Result<Self, String>;
    async fn write(store: &dyn Store, rows: Vec<Self>) -> Result<usize, StoreError>;
    /// What linking needs of a stored record; nothing by default.
    fn to_link(&self) -> Option<ToLink> {
        None
    }
}

#[async_trait]
impl Sinkable for Scored {
    fn check(self) -> Result<Self, String> {
        check_scored(self)
    }
    async fn write(store: &dyn Store, rows: Vec<Self>) -> Result<usize, StoreError> {
        store.put_scored(rows).await
    }
    fn to_link(&self) -> Option<ToLink> {
        ToLink::of(self)
    }
}

#[async_trait]
impl Sinkable for Seller {
    fn check(self) -> Result<Self, String> {
        check_seller(self)
    }
    async fn write(store: &dyn Store, rows: Vec<Self>) -> Result<usize, StoreError> {
        store.put_sellers(rows).await
    }
}

/// Parses a batch (bad messages to the dead-letter topic) and writes it in one store call.
struct SinkHandler<T> {
    stage: &'static str,
    kind: Kind,
    store: Arc<dyn Store>,
    links: Option<Arc<dyn LinkStore>>,
    _rows: PhantomData<fn() -> T>,
}

impl<T: Sinkable> SinkHandler<T> {
    fn new(stage: &'static str, kind: Kind, store: Arc<dyn Store>) -> Self {
        SinkHandler {
            stage,
            kind,
            store,
            links: None,
            _rows: PhantomData,
        }
    }

    /// The checked record a delivery carries, or why it is refused.
    fn parse(&self, d: &Delivery) -> Result<T, String> {
        let kind = format!("{:?}", self.kind).to_lowercase();
        Envelope::<T>::from_bytes(&d.message.payload, self.kind)
            .map_err(|e| e.to_string())
            .and_then(|env| env.body.check())
            .map_err(|e| format!("{kind} message: {e}"))
    }

    /// Writes the batch's good messages one by one after the store refused them together for a
    /// record's content: each refused one is dead-lettered with the store's error.
    async fn one_by_one(
        &self,
        batch: &[Delivery],
        publisher: &dyn Publisher,
        out: &mut BatchOutcome,
        stored: &mut Vec<ToLink>,
    ) -> Result<(), PipelineError> {
        out.processed = 0;
        for d in batch {
            // Those that do not parse were dead-lettered already.
            let Ok(row) = self.parse(d) else { continue };
            let item = self.links.as_ref().and_then(|_| row.to_link());
            match T::write(self.store.as_ref(), vec![row]).await {
                Ok(n) => {
                    out.processed += 1;
                    out.changed += n as u64;
                    stored.extend(item);
                }
                Err(e) if e.is_content() => {
                    dead_letter(
                        publisher,
                        self.stage,
                        d,
                        &format!("the store refused it: {e}"),
                    )
                    .await?;
                    out.dead_lettered += 1;
                }
                Err(e) => return Err(e.into()),
            }
        }
        publisher.flush().await?;
        Ok(())
    }
}

#[async_trait]
impl<T: Sinkable> BatchHandler for SinkHandler<T> {
    fn stage(&self) -> &'static str {
        self.stage
    }

    async fn handle(
        &mut self,
        batch: &[Delivery],
        publisher: &dyn Publisher,
    ) -> Result<BatchOutcome, PipelineError> {
        let mut out = BatchOutcome::default();
        let (rows, dead_lettered) =
            parse_or_dead_letter(publisher, self.stage, batch, |d| self.parse(d)).await?;
        out.dead_lettered = dead_lettered;
        publisher.flush().await?;
        out.processed = rows.len() as u64;
        let mut stored: Vec<ToLink> = match self.links {
            Some(_) => rows.iter().filter_map(Sinkable::to_link).collect(),
            None => vec![],
        };
        let written = crate::measure::store_write(self.stage, T::write(self.store.as_ref(), rows));
        match written.await {
            Ok(n) => out.changed = n as u64,
            Err(e) if e.is_content() => {
                tracing::warn!(stage = self.stage, error = %e,
                    "the store refused a record of the batch; writing its messages one by one");
                stored.clear();
                self.one_by_one(batch, publisher, &mut out, &mut stored)
                    .await?;
            }
            Err(e) => return Err(e.into()),
        }
        if let Some(links) = &self.links {
            let found = link_stored(links.as_ref(), &stored).await?;
            if found > 0 {
                tracing::info!(stage = self.stage, links = found, "sellers linked");
            }
        }
        Ok(out)
    }
}
