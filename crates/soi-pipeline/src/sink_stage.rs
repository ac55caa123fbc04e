//! Sink stages: scored listings and seller facts into the store.

use std::marker::PhantomData;
use std::sync::Arc;

use async_trait::async_trait;
use serde::de::DeserializeOwned;
use soi_bus::{Bus, Delivery, Publisher, TOPIC_SCORED, TOPIC_SELLERS};
use soi_model::{Envelope, Kind, Scored, Seller};
use soi_store::{Store, StoreError};

use crate::stage::{run_stage, BatchHandler, BatchOutcome};
use crate::{parse_or_dead_letter, BatchOptions, PipelineError, StageReport};

/// Stores scored listings (listing, verdict and embedded seller in one step) until `verdicts` ends.
pub async fn run_scored_sink(
    bus: &dyn Bus,
    group: &str,
    store: Arc<dyn Store>,
    opts: BatchOptions,
    progress: &(dyn Fn(&StageReport) + Send + Sync),
) -> Result<StageReport, PipelineError> {
    let mut h = SinkHandler::<Scored>::new("sink-scored", Kind::Scored, store);
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

/// How a record type is written to the store.
#[async_trait]
trait Sinkable: serde::Serialize + DeserializeOwned + Send + Sync + 'static {
    async fn write(store: &dyn Store, rows: Vec<Self>) -> Result<usize, StoreError>;
}

#[async_trait]
impl Sinkable for Scored {
    async fn write(store: &dyn Store, rows: Vec<Self>) -> Result<usize, StoreError> {
        store.put_scored(rows).await
    }
}

#[async_trait]
impl Sinkable for Seller {
    async fn write(store: &dyn Store, rows: Vec<Self>) -> Result<usize, StoreError> {
        store.put_sellers(rows).await
    }
}

/// Parses a batch (bad messages to the dead-letter topic) and writes it in one store call.
struct SinkHandler<T> {
    stage: &'static str,
    kind: Kind,
    store: Arc<dyn Store>,
    _rows: PhantomData<fn() -> T>,
}

impl<T> SinkHandler<T> {
    fn new(stage: &'static str, kind: Kind, store: Arc<dyn Store>) -> Self {
        SinkHandler {
            stage,
            kind,
            store,
            _rows: PhantomData,
        }
    }
}

#[async_trait]
impl<T: Sinkable> BatchHandler for SinkHandler<T> {
    async fn handle(
        &mut self,
        batch: &[Delivery],
        publisher: &dyn Publisher,
    ) -> Result<BatchOutcome, PipelineError> {
        let mut out = BatchOutcome::default();
        let kind = self.kind;
        let (rows, dead_lettered) = parse_or_dead_letter(publisher, self.stage, batch, |d| {
            Envelope::<T>::from_bytes(&d.message.payload, kind)
                .map(|env| env.body)
                .map_err(|e| format!("{kind:?} message: {e}").to_lowercase())
        })
        .await?;
        out.dead_lettered = dead_lettered;
        publisher.flush().await?;
        out.processed = rows.len() as u64;
        out.changed = T::write(self.store.as_ref(), rows).await? as u64;
        Ok(out)
    }
}
