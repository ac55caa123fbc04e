//! The loop every stage shares: take a batch, hand it to the stage's handler, then acknowledge
//! the whole batch in order. Acknowledging in order matters: an offset stored for a later message
//! would, after a crash, skip earlier ones that were not done yet.
//!
//! The loop is also where every stage is measured the same way (messages consumed, produced,
//! acknowledged and dead-lettered, batch sizes and latencies; see `soi_telemetry::names`), and
//! where its log lines get the stage's name (a `stage` span).

use std::sync::Arc;
use std::time::Instant;

use async_trait::async_trait;
use metrics::{counter, histogram};
use soi_bus::{Bus, BusError, Delivery, Publisher};
use soi_telemetry::names;
use tracing::Instrument;

use crate::{next_batch, BatchOptions, PipelineError, StageReport};

/// What a handler did with one batch.
#[derive(Debug, Default, Clone, Copy)]
pub struct BatchOutcome {
    pub processed: u64,
    pub dead_lettered: u64,
    pub changed: u64,
}

/// A stage's work on one batch. It must have passed on (or dead-lettered) every delivery, durably,
/// before it returns: the loop acknowledges the batch right after.
#[async_trait]
pub trait BatchHandler: Send {
    /// The stage's name in metrics, logs and dead-letter records.
    fn stage(&self) -> &'static str;
    async fn handle(
        &mut self,
        batch: &[Delivery],
        publisher: &dyn Publisher,
    ) -> Result<BatchOutcome, PipelineError>;
}

/// Runs `handler` over `topic` until it ends (or the bus shuts down).
pub async fn run_stage(
    bus: &dyn Bus,
    topic: &str,
    group: &str,
    opts: BatchOptions,
    progress: &(dyn Fn(&StageReport) + Send + Sync),
    handler: &mut dyn BatchHandler,
) -> Result<StageReport, PipelineError> {
    let stage = handler.stage();
    let span = tracing::info_span!("stage", stage, topic, group);
    let work = async {
        let mut sub = bus.subscribe(topic, group).await?;
        let publisher = Counting {
            inner: bus.publisher(),
            stage,
        };
        let consumed =
            counter!(names::STAGE_CONSUMED, "stage" => stage, "topic" => topic.to_string());
        let acked = counter!(names::STAGE_ACKED, "stage" => stage, "topic" => topic.to_string());
        let processed = counter!(names::STAGE_PROCESSED, "stage" => stage);
        let dead = counter!(names::STAGE_DEAD, "stage" => stage);
        let sizes = histogram!(names::STAGE_BATCH_SIZE, "stage" => stage);
        let took = histogram!(names::STAGE_BATCH_SECONDS, "stage" => stage);
        let mut report = StageReport::default();
        let mut first: Option<Instant> = None;
        loop {
            let batch = next_batch(sub.as_mut(), opts).await?;
            if batch.is_empty() {
                break;
            }
            let received = Instant::now();
            let started = *first.get_or_insert(received);
            report.received += batch.len() as u64;
            consumed.increment(batch.len() as u64);
            sizes.record(batch.len() as f64);
            let outcome = handler.handle(&batch, &publisher).await?;
            for d in &batch {
                sub.ack(&d.origin).await?;
            }
            acked.increment(batch.len() as u64);
            processed.increment(outcome.processed);
            dead.increment(outcome.dead_lettered);
            took.record(received.elapsed().as_secs_f64());
            report.processed += outcome.processed;
            report.dead_lettered += outcome.dead_lettered;
            report.changed += outcome.changed;
            report.active_secs = started.elapsed().as_secs_f64();
            progress(&report);
        }
        Ok::<_, PipelineError>(report)
    };
    work.instrument(span)
        .await
        .inspect_err(|e| tracing::error!(stage, error = %e, "stage stopped"))
}

/// The bus's publisher, counting what the bus accepted per topic.
struct Counting {
    inner: Arc<dyn Publisher>,
    stage: &'static str,
}

#[async_trait]
impl Publisher for Counting {
    async fn publish(&self, topic: &str, key: &str, payload: Vec<u8>) -> Result<(), BusError> {
        self.inner.publish(topic, key, payload).await?;
        counter!(names::STAGE_PRODUCED, "stage" => self.stage, "topic" => topic.to_string())
            .increment(1);
        Ok(())
    }

    async fn flush(&self) -> Result<(), BusError> {
        self.inner.flush().await
    }
}
