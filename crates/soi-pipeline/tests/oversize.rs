//! A scored listing too large for the bus goes to the dead-letter topic (with the original's
//! hash and length) and the score stage goes on: no failed batch, no crash loop.

use std::sync::Arc;

use soi_bus::{Bus, InProcBus, TOPIC_DLQ, TOPIC_LISTINGS, TOPIC_SCORED};
use soi_model::{Envelope, Kind, Listing, Reason, Scored, Verdict};
use soi_pipeline::{run_score_stage, BatchOptions, DeadLetter, StageReport};
use soi_score::Scorer;

/// Quotes the whole description as evidence, as the scorer once did: the verdict doubles the
/// size of a long listing.
struct QuotingScorer;

impl Scorer for QuotingScorer {
    fn model(&self) -> &str {
        "quoting"
    }
    fn score(&self, listings: &[Listing]) -> Vec<Verdict> {
        listings
            .iter()
            .map(|l| Verdict {
                listing_id: l.id.clone(),
                marketplace: l.marketplace.clone(),
                reasons: vec![Reason {
                    field: "description".into(),
                    evidence: l.description.clone().unwrap_or_default(),
                    ..Default::default()
                }],
                model: self.model().into(),
                ..Default::default()
            })
            .collect()
    }
}

fn message(id: &str, description: &str) -> Vec<u8> {
    let l = Listing {
        id: id.into(),
        marketplace: "m".into(),
        title: "Áo".into(),
        description: Some(description.into()),
        ..Default::default()
    };
    Envelope::new(Kind::Listing, l.key(), l).to_bytes()
}

#[tokio::test]
async fn an_over_size_verdict_is_dead_lettered_and_the_stage_goes_on() {
    let max = 5000;
    let bus = Arc::new(InProcBus::with_max_message_bytes(16, max));
    let mut dlq = bus.subscribe(TOPIC_DLQ, "t").await.unwrap();
    let mut scored = bus.subscribe(TOPIC_SCORED, "t").await.unwrap();
    let b = bus.clone();
    let quiet = |_: &StageReport| {};
    let stage = tokio::spawn(async move {
        let opts = BatchOptions::default();
        run_score_stage(b.as_ref(), "g", Arc::new(QuotingScorer), opts, &quiet).await
    });
    let big = message("big", &"ố".repeat(1000)); // ~3 KB in, ~6 KB scored
    assert!(big.len() < max);
    let p = bus.publisher();
    p.publish(TOPIC_LISTINGS, "m/a", message("a", "ngắn"))
        .await
        .unwrap();
    p.publish(TOPIC_LISTINGS, "m/big", big.clone())
        .await
        .unwrap();
    p.publish(TOPIC_LISTINGS, "m/b", message("b", "ngắn"))
        .await
        .unwrap();
    bus.close(TOPIC_LISTINGS).await.unwrap();

    let report = stage.await.unwrap().expect("the stage does not fail");
    assert_eq!(
        (report.received, report.processed, report.dead_lettered),
        (3, 2, 1)
    );
    let mut ids = vec![];
    while let Some(d) = scored.next().await.unwrap() {
        let s = Envelope::<Scored>::from_bytes(&d.message.payload, Kind::Scored).unwrap();
        ids.push(s.body.listing.id);
    }
    assert_eq!(ids, ["a", "b"]);

    let d = dlq.next().await.unwrap().expect("a dead letter");
    let dl: DeadLetter = serde_json::from_slice(&d.message.payload).unwrap();
    assert_eq!(
        (dl.stage.as_str(), dl.offset, dl.key.as_str()),
        ("score", 1, "m/big")
    );
    assert!(
        dl.error.contains("over the bus limit of 5000"),
        "{}",
        dl.error
    );
    assert_eq!(
        dl.payload.as_bytes(),
        big.as_slice(),
        "the listing can be replayed"
    );
    assert_eq!(dl.payload_bytes, big.len());
    assert_eq!(dl.payload_sha256.len(), 64);
    assert!(!dl.payload_truncated);
}
