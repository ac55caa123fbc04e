//! The score stage: raw listings in, scored listings (listing + verdict) out.

use std::sync::Arc;

use soi_bus::{Bus, Delivery, TOPIC_LISTINGS, TOPIC_SCORED};
use soi_model::{Envelope, Kind, Listing, Scored};
use soi_score::Scorer;

use crate::{dead_letter, next_batch, BatchOptions, PipelineError, StageReport};

const STAGE: &str = "score";

/// Consumes `listings.raw` until it ends, scores in batches and publishes to `verdicts`. Each
/// batch is acknowledged after its results were accepted by the bus. Closes `verdicts` at the end.
pub async fn run_score_stage(
    bus: &dyn Bus,
    group: &str,
    scorer: Arc<dyn Scorer>,
    opts: BatchOptions,
    progress: &(dyn Fn(&StageReport) + Send + Sync),
) -> Result<StageReport, PipelineError> {
    let mut sub = bus.subscribe(TOPIC_LISTINGS, group).await?;
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
        let mut good: Vec<(Delivery, Listing)> = Vec::with_capacity(batch.len());
        for d in batch {
            match parse(&d) {
                Ok(l) => good.push((d, l)),
                Err(e) => {
                    dead_letter(publisher.as_ref(), STAGE, &d, &e).await?;
                    report.dead_lettered += 1;
                    sub.ack(&d.origin).await?;
                }
            }
        }
        let listings: Vec<Listing> = good.iter().map(|(_, l)| l.clone()).collect();
        let scorer = scorer.clone();
        let verdicts = tokio::task::spawn_blocking(move || scorer.score(&listings))
            .await
            .map_err(|e| PipelineError::Task(e.to_string()))?;
        let mut done = Vec::with_capacity(good.len());
        for ((d, listing), verdict) in good.into_iter().zip(verdicts) {
            let key = listing.key();
            let env = Envelope::new(Kind::Scored, key.clone(), Scored { listing, verdict });
            publisher
                .publish(TOPIC_SCORED, &key, env.to_bytes())
                .await?;
            done.push(d);
        }
        // Acknowledge only once the bus has accepted every result of the batch.
        publisher.flush().await?;
        for d in &done {
            sub.ack(&d.origin).await?;
        }
        report.processed += done.len() as u64;
        report.active_secs = started.elapsed().as_secs_f64();
        progress(&report);
    }
    bus.close(TOPIC_SCORED).await?;
    Ok(report)
}

fn parse(d: &Delivery) -> Result<Listing, String> {
    Envelope::<Listing>::from_bytes(&d.message.payload, Kind::Listing)
        .and_then(|e| e.body.prepare())
        .map_err(|e| format!("listing message: {e}"))
}
