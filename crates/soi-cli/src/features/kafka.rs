//! The distributed bus, Kafka (feature `kafka`).

use std::sync::Arc;
use std::time::Duration;

use soi_bus::Bus;

/// The prefix of every topic name on Kafka (`SOI_KAFKA_TOPIC_PREFIX`, default none).
pub fn topic_prefix() -> String {
    std::env::var("SOI_KAFKA_TOPIC_PREFIX").unwrap_or_default()
}

/// Connects to `kafka://HOST:PORT[,HOST:PORT]`. Subscribers end after `idle` without messages
/// (`None`: only on shutdown); Ctrl-C or SIGTERM shuts the bus down after the current batch.
#[cfg(feature = "kafka")]
pub async fn connect(url: &str, idle: Option<Duration>) -> anyhow::Result<Arc<dyn Bus>> {
    use anyhow::Context;
    let mut opts = soi_kafka::KafkaOptions::from_url(url)?;
    opts.idle_timeout = idle;
    opts.topic_prefix = topic_prefix();
    if let Some(n) = std::env::var("SOI_KAFKA_PARTITIONS")
        .ok()
        .and_then(|n| n.parse().ok())
    {
        opts.partitions = n;
    }
    let bus = soi_kafka::KafkaBus::connect(opts)
        .await
        .with_context(|| format!("connecting to {url}"))?;
    let bus = Arc::new(bus);
    let b = bus.clone();
    tokio::spawn(async move {
        crate::signal::shutdown().await;
        eprintln!("shutting down: finishing the current batch");
        b.shutdown();
    });
    Ok(bus)
}

#[cfg(not(feature = "kafka"))]
pub async fn connect(_url: &str, _idle: Option<Duration>) -> anyhow::Result<Arc<dyn Bus>> {
    Err(super::missing("kafka", "a kafka:// bus"))
}
