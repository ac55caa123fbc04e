//! The score stage: raw listings in, scored listings (listing + verdict) out.
//!
//! A scored listing that is too large for the bus (`BusError::TooLarge`) cannot succeed on any
//! redelivery, so it is not an error of the stage: its input message goes to the dead-letter
//! topic with the reason (cut if need be, with the original's sha256 and length), it is
//! acknowledged with the batch and the stage goes on.

use std::sync::Arc;

use async_trait::async_trait;
use soi_bus::{Bus, BusError, Delivery, Publisher, TOPIC_LISTINGS, TOPIC_SCORED};
use soi_model::{Envelope, Kind, Listing, Scored};
use soi_score::Scorer;

use crate::stage::{run_stage, BatchHandler, BatchOutcome};
use crate::{dead_letter, parse_or_dead_letter, BatchOptions, PipelineError, StageReport};

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
    let mut handler = ScoreHandler { scorer };
    let report = run_stage(bus, TOPIC_LISTINGS, group, opts, progress, &mut handler).await?;
    bus.close(TOPIC_SCORED).await?;
    Ok(report)
}

struct ScoreHandler {
    scorer: Arc<dyn Scorer>,
}

#[async_trait]
impl BatchHandler for ScoreHandler {
    fn stage(&self) -> &'static str {
        STAGE
    }

    async fn handle(
        &mut self,
        batch: &[Delivery],
        publisher: &dyn Publisher,
    ) -> Result<BatchOutcome, PipelineError> {
        let (parsed, dead_lettered) =
            parse_or_dead_letter(publisher, STAGE, batch, |d| parse(d).map(|l| (l, d))).await?;
        let (listings, sources): (Vec<Listing>, Vec<&Delivery>) = parsed.into_iter().unzip();
        let mut out = BatchOutcome {
            dead_lettered,
            ..Default::default()
        };
        let scorer = self.scorer.clone();
        let (listings, verdicts) = tokio::task::spawn_blocking(move || {
            let v = scorer.score(&listings);
            (listings, v)
        })
        .await
        .map_err(|e| PipelineError::Task(e.to_string()))?;
        crate::measure::verdicts(&verdicts);
        for ((listing, verdict), d) in listings.into_iter().zip(verdicts).zip(sources) {
            let key = listing.key();
            let env = Envelope::new(Kind::Scored, key.clone(), Scored { listing, verdict });
            match publisher.publish(TOPIC_SCORED, &key, env.to_bytes()).await {
                Ok(()) => out.processed += 1,
                Err(e @ BusError::TooLarge { .. }) => {
                    dead_letter(publisher, STAGE, d, &format!("scored listing: {e}")).await?;
                    out.dead_lettered += 1;
                }
                Err(e) => return Err(e.into()),
            }
        }
        // The batch is acknowledged right after: everything must be in the bus first.
        publisher.flush().await?;
        Ok(out)
    }
}

fn parse(d: &Delivery) -> Result<Listing, String> {
    Envelope::<Listing>::from_bytes(&d.message.payload, Kind::Listing)
        .and_then(|e| e.body.prepare())
        .map_err(|e| format!("listing message: {e}"))
}
