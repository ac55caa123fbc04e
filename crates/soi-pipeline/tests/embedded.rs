//! The in-process run (`soi run`'s wiring) over the in-process bus and a real SQLite file: a feed
//! that ends lets every stage drain; a shutdown that comes first stops the feed, and what it had
//! published is still stored or dead-lettered in the dead-letter file before the run returns.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{listing, CountingScorer};
use soi_bus::{Bus, InProcBus, Publisher, DEFAULT_MAX_MESSAGE_BYTES, TOPIC_LISTINGS};
use soi_pipeline::embedded::Stage;
use soi_pipeline::{run_embedded, DeadLetter, EmbeddedOptions, StageReport};
use soi_sqlite::SqliteStore;
use soi_store::Store;

mod common;

fn bus() -> Arc<dyn Bus> {
    Arc::new(InProcBus::with_max_message_bytes(
        8,
        DEFAULT_MAX_MESSAGE_BYTES,
    ))
}

/// Publishes `n` listings and one line that is not JSON; returns how many it published.
async fn publish(p: &dyn Publisher, n: usize) -> usize {
    for i in 0..n {
        let key = format!("demo/l{i}");
        p.publish(TOPIC_LISTINGS, &key, listing(i)).await.unwrap();
    }
    p.publish(TOPIC_LISTINGS, "bad", b"{not json".to_vec())
        .await
        .unwrap();
    n + 1
}

fn dead_letters(path: &std::path::Path) -> Vec<DeadLetter> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[tokio::test]
async fn a_feed_that_ends_is_drained_into_the_store_and_the_dead_letter_file() {
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&dir.path().join("s.db")).unwrap());
    let file = dir.path().join("var/dead-letters.jsonl");
    let mut opts = EmbeddedOptions::new(Some(file.clone()));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s = seen.clone();
    opts.progress =
        Arc::new(move |stage: Stage, r: &StageReport| s.lock().unwrap().push((stage, r.processed)));
    let bus = bus();
    let publisher = bus.publisher();
    let (fed, report) = run_embedded(
        bus,
        store.clone(),
        Arc::new(CountingScorer),
        opts,
        publish(publisher.as_ref(), 30),
        std::future::pending(),
    )
    .await
    .unwrap();

    assert_eq!(fed, Some(31));
    assert!(!report.shut_down);
    assert_eq!((report.scored.received, report.scored.processed), (31, 30));
    assert_eq!(report.scored.dead_lettered, 1);
    assert_eq!(report.stored.processed, 30);
    assert_eq!(report.dead_letters, Some(1));
    let counts = store.counts().await.unwrap();
    assert_eq!(
        (counts.listings, counts.verdicts, counts.sellers),
        (30, 30, 3)
    );
    let dl = dead_letters(&file);
    assert_eq!(dl.len(), 1);
    assert_eq!((dl[0].stage.as_str(), dl[0].key.as_str()), ("score", "bad"));
    assert_eq!(dl[0].payload, "{not json");
    let seen = seen.lock().unwrap();
    let last = |stage| seen.iter().rev().find(|(s, _)| *s == stage).map(|x| x.1);
    assert_eq!(last(Stage::Score), Some(30));
    assert_eq!(last(Stage::Sink), Some(30));
}

#[tokio::test]
async fn a_shutdown_stops_the_feed_and_finishes_what_it_published() {
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&dir.path().join("s.db")).unwrap());
    let file = dir.path().join("dead-letters.jsonl");
    let bus = bus();
    let publisher = bus.publisher();
    let (published_tx, published_rx) = tokio::sync::oneshot::channel();
    // A feed that never ends on its own, like a crawl of a large marketplace.
    let feed = async {
        let n = publish(publisher.as_ref(), 12).await;
        let _ = published_tx.send(n);
        std::future::pending::<()>().await;
    };
    let shutdown = async {
        let _ = published_rx.await;
    };
    let run = run_embedded(
        bus,
        store.clone(),
        Arc::new(CountingScorer),
        EmbeddedOptions::new(Some(file.clone())),
        feed,
        shutdown,
    );
    let (fed, report) = tokio::time::timeout(Duration::from_secs(30), run)
        .await
        .expect("the run ends after its shutdown")
        .unwrap();

    assert_eq!(fed, None, "the feed was stopped");
    assert!(report.shut_down);
    assert_eq!(report.scored.received, 13, "everything published was read");
    assert_eq!(report.stored.processed, 12);
    assert_eq!(store.counts().await.unwrap().listings, 12);
    assert_eq!(report.dead_letters, Some(1));
    assert_eq!(dead_letters(&file)[0].key, "bad");
}

#[tokio::test]
async fn without_a_file_dead_letters_stay_on_the_bus() {
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&dir.path().join("s.db")).unwrap());
    let bus = bus();
    let mut dlq = bus.subscribe(soi_bus::TOPIC_DLQ, "test").await.unwrap();
    let publisher = bus.publisher();
    let (_, report) = run_embedded(
        bus,
        store,
        Arc::new(CountingScorer),
        EmbeddedOptions::new(None),
        publish(publisher.as_ref(), 2),
        std::future::pending(),
    )
    .await
    .unwrap();
    assert_eq!(report.dead_letters, None);
    let d = dlq
        .next()
        .await
        .unwrap()
        .expect("the dead letter on its topic");
    let record: DeadLetter = serde_json::from_slice(&d.message.payload).unwrap();
    assert_eq!(record.key, "bad");
}
