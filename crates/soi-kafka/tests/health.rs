//! The bus's health against the real broker (`SOI_TEST_KAFKA`, started by
//! `deploy/engines/start.sh`): a subscriber without partitions is not ready, and lag counts what
//! the group has not acknowledged, received or not, down to zero once everything is acknowledged.

use std::time::Duration;

use soi_bus::{Bus, TOPIC_LISTINGS};
use soi_kafka::{KafkaBus, KafkaOptions};

fn broker() -> Option<String> {
    match std::env::var("SOI_TEST_KAFKA") {
        Ok(url) => Some(url),
        Err(_) => {
            assert!(
                std::env::var("SOI_REQUIRE_ENGINES").as_deref() != Ok("1"),
                "SOI_TEST_KAFKA not set: deploy/engines/start.sh starts the broker"
            );
            eprintln!("skipping: no test broker (deploy/engines/start.sh starts it)");
            None
        }
    }
}

fn total(h: &soi_bus::BusHealth) -> i64 {
    h.lag.iter().map(|l| l.lag).sum()
}

#[tokio::test(flavor = "multi_thread")]
async fn lag_counts_what_is_not_acknowledged_and_readiness_waits_for_partitions() {
    let Some(url) = broker() else { return };
    let mut opts = KafkaOptions::from_url(&url).expect("url");
    opts.topic_prefix = format!("health{}.", std::process::id());
    opts.partitions = 2;
    opts.idle_timeout = Some(Duration::from_secs(5));
    let bus = KafkaBus::connect(opts).await.expect("connect");
    let p = bus.publisher();
    for i in 0..10 {
        p.publish(TOPIC_LISTINGS, &format!("k{i}"), b"x".to_vec())
            .await
            .expect("publish");
    }
    p.flush().await.expect("flush");
    assert!(
        bus.health().await.is_ready(),
        "no subscriber yet: the broker answers, ready"
    );

    let mut sub = bus.subscribe(TOPIC_LISTINGS, "g").await.expect("subscribe");
    let h = bus.health().await;
    assert!(
        h.problems
            .iter()
            .any(|p| p.contains("no partitions assigned yet")),
        "{h:?}"
    );

    // One message received, none acknowledged: all ten are still behind.
    let first = sub.next().await.expect("next").expect("a message");
    let h = bus.health().await;
    assert!(h.is_ready(), "{h:?}");
    assert_eq!(h.lag.len(), 2, "both partitions: {h:?}");
    assert_eq!(total(&h), 10, "{h:?}");

    sub.ack(&first.origin).await.expect("ack");
    let mut acked = 1;
    while acked < 10 {
        let d = sub.next().await.expect("next").expect("a message");
        sub.ack(&d.origin).await.expect("ack");
        acked += 1;
    }
    assert_eq!(total(&bus.health().await), 0, "everything acknowledged");
}
