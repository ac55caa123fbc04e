//! Score and sink stages over the in-process bus and a real SQLite store: every good message
//! lands once, a poison message lands in the dead-letter topic with its error and origin.

use std::sync::Arc;

use common::{listing, CountingScorer};
use soi_bus::{Bus, InProcBus, TOPIC_DLQ, TOPIC_LISTINGS, TOPIC_SELLERS};
use soi_model::{Envelope, Kind, Seller};
use soi_pipeline::{
    run_score_stage, run_scored_sink, run_seller_sink, BatchOptions, DeadLetter, StageReport,
};
use soi_sqlite::SqliteStore;
use soi_store::Store;

mod common;

#[tokio::test]
async fn listings_flow_to_the_store_and_poison_to_the_dlq() {
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&dir.path().join("s.db")).unwrap());
    let bus = Arc::new(InProcBus::new(4));
    let mut dlq = bus.subscribe(TOPIC_DLQ, "test").await.unwrap();
    let opts = BatchOptions::default();
    let quiet = |_: &StageReport| {};

    let (b1, b2, b3) = (bus.clone(), bus.clone(), bus.clone());
    let (st1, st2) = (store.clone(), store.clone());
    let score = tokio::spawn(async move {
        run_score_stage(b1.as_ref(), "g", Arc::new(CountingScorer), opts, &quiet).await
    });
    let sink =
        tokio::spawn(async move { run_scored_sink(b2.as_ref(), "g", st1, opts, &quiet).await });
    let sellers =
        tokio::spawn(async move { run_seller_sink(b3.as_ref(), "g", st2, opts, &quiet).await });

    let p = bus.publisher();
    for i in 0..40 {
        p.publish(TOPIC_LISTINGS, &format!("demo/l{i}"), listing(i))
            .await
            .unwrap();
        if i == 7 {
            p.publish(TOPIC_LISTINGS, "bad", b"{not json".to_vec())
                .await
                .unwrap();
            let no_title = br#"{"v":1,"kind":"listing","key":"demo/x","body":{"id":"x","marketplace":"demo","title":""}}"#;
            p.publish(TOPIC_LISTINGS, "demo/x", no_title.to_vec())
                .await
                .unwrap();
        }
    }
    let mut s = Seller::new("demo", "s0");
    s.country = Some("CN".into());
    p.publish(
        TOPIC_SELLERS,
        "demo/s0",
        Envelope::new(Kind::Seller, s.key(), s).to_bytes(),
    )
    .await
    .unwrap();
    bus.close(TOPIC_LISTINGS).await.unwrap();
    bus.close(TOPIC_SELLERS).await.unwrap();

    let dl1 = dlq.next().await.unwrap().unwrap();
    let dl2 = dlq.next().await.unwrap().unwrap();
    let scored = score.await.unwrap().unwrap();
    let stored = sink.await.unwrap().unwrap();
    sellers.await.unwrap().unwrap();

    assert_eq!(scored.received, 42);
    assert_eq!(scored.processed, 40);
    assert_eq!(scored.dead_lettered, 2);
    assert_eq!(stored.processed, 40);
    let counts = store.counts().await.unwrap();
    assert_eq!(
        (counts.listings, counts.verdicts, counts.sellers),
        (40, 40, 3)
    );

    let d1: DeadLetter = serde_json::from_slice(&dl1.message.payload).unwrap();
    assert_eq!(
        (d1.topic.as_str(), d1.offset, d1.key.as_str()),
        (TOPIC_LISTINGS, 8, "bad")
    );
    assert!(d1.error.contains("invalid JSON"), "{}", d1.error);
    assert_eq!(d1.payload, "{not json");
    let d2: DeadLetter = serde_json::from_slice(&dl2.message.payload).unwrap();
    assert!(d2.error.contains("`title`"), "{}", d2.error);

    // The seller facts from the seller topic and from listings were merged.
    let detail = store.listing(Some("demo"), "l0").await.unwrap().unwrap();
    assert_eq!(detail.seller.unwrap().country.as_deref(), Some("CN"));
    assert_eq!(detail.verdict.unwrap().risk, 1.0);
}
