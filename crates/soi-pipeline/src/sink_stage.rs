//! Sink stages: scored listings and seller facts into the store.

use std::future::Future;
use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde::Serialize;
use soi_bus::{Bus, TOPIC_SCORED, TOPIC_SELLERS};
use soi_model::{Envelope, Kind, Scored, Seller};
use soi_store::{Store, StoreError};

use crate::{dead_letter, next_batch, BatchOptions, PipelineError, StageReport};

/// Stores scored listings (listing, verdict and embedded seller in one step) until `verdicts` ends.
pub async fn run_scored_sink(
    bus: &dyn Bus,
    group: &str,
    store: Arc<dyn Store>,
    opts: BatchOptions,
    progress: &(dyn Fn(&StageReport) + Send + Sync),
) -> Result<StageReport, PipelineError> {
    let spec = SinkSpec {
        stage: "sink-scored",
        topic: TOPIC_SCORED,
        kind: Kind::Scored,
    };
    run_sink(bus, group, spec, opts, progress, |batch: Vec<Scored>| {
        let store = store.clone();
        async move { store.put_scored(batch).await }
    })
    .await
}

/// Stores seller facts until `sellers.raw` ends.
pub async fn run_seller_sink(
    bus: &dyn Bus,
    group: &str,
    store: Arc<dyn Store>,
    opts: BatchOptions,
    progress: &(dyn Fn(&StageReport) + Send + Sync),
) -> Result<StageReport, PipelineError> {
    let spec = SinkSpec {
        stage: "sink-sellers",
        topic: TOPIC_SELLERS,
        kind: Kind::Seller,
    };
    run_sink(bus, group, spec, opts, progress, |batch: Vec<Seller>| {
        let store = store.clone();
        async move { store.put_sellers(batch).await }
    })
    .await
}

struct SinkSpec {
    stage: &'static str,
    topic: &'static str,
    kind: Kind,
}

/// The loop both sinks share: batch, parse (bad messages to the dead-letter topic), write, then
/// acknowledge the batch.
async fn run_sink<T, F, Fut>(
    bus: &dyn Bus,
    group: &str,
    spec: SinkSpec,
    opts: BatchOptions,
    progress: &(dyn Fn(&StageReport) + Send + Sync),
    write: F,
) -> Result<StageReport, PipelineError>
where
    T: Serialize + DeserializeOwned,
    F: Fn(Vec<T>) -> Fut,
    Fut: Future<Output = Result<usize, StoreError>>,
{
    let mut sub = bus.subscribe(spec.topic, group).await?;
    let publisher = bus.publisher();
    let mut report = StageReport::default();
    let mut first: Option<std::time::Instant> = None;
    loop {
        let batch = next_batch(sub.as_mut(), opts).await?;
        if batch.is_empty() {
            break;
        }
        let started = *first.get_or_insert_with(std::time::Instant::now);
        report.received += batch.len() as u64;
        let mut rows = Vec::with_capacity(batch.len());
        for d in &batch {
            match Envelope::<T>::from_bytes(&d.message.payload, spec.kind) {
                Ok(env) => rows.push(env.body),
                Err(e) => {
                    let why = format!("{:?} message: {e}", spec.kind).to_lowercase();
                    dead_letter(publisher.as_ref(), spec.stage, d, &why).await?;
                    report.dead_lettered += 1;
                }
            }
        }
        report.processed += rows.len() as u64;
        report.changed += write(rows).await? as u64;
        for d in &batch {
            sub.ack(&d.origin).await?;
        }
        report.active_secs = started.elapsed().as_secs_f64();
        progress(&report);
    }
    Ok(report)
}
