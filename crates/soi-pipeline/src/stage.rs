//! The loop every stage shares: take a batch, hand it to the stage's handler, then acknowledge
//! the whole batch in order. Acknowledging in order matters: an offset stored for a later message
//! would, after a crash, skip earlier ones that were not done yet.

use std::time::Instant;

use async_trait::async_trait;
use soi_bus::{Bus, Delivery, Publisher};

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
    let mut sub = bus.subscribe(topic, group).await?;
    let publisher = bus.publisher();
    let mut report = StageReport::default();
    let mut first: Option<Instant> = None;
    loop {
        let batch = next_batch(sub.as_mut(), opts).await?;
        if batch.is_empty() {
            break;
        }
        let started = *first.get_or_insert_with(Instant::now);
        report.received += batch.len() as u64;
        let outcome = handler.handle(&batch, publisher.as_ref()).await?;
        for d in &batch {
            sub.ack(&d.origin).await?;
        }
        report.processed += outcome.processed;
        report.dead_lettered += outcome.dead_lettered;
        report.changed += outcome.changed;
        report.active_secs = started.elapsed().as_secs_f64();
        progress(&report);
    }
    Ok(report)
}
