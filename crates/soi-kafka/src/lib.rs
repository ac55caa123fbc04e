//! The Kafka implementation of the bus seam, for running `soi` stages as separate processes.
//!
//! Why these choices:
//! - **librdkafka, vendored** (rdkafka's `cmake-build`): older system builds fail the handshake
//!   with some Kafka-protocol brokers (Tansu among them); a pinned vendored build behaves the same
//!   everywhere.
//! - **Idempotent producer, `acks=all`**: a retried send never duplicates a message in a
//!   partition. `publish` only enqueues; `flush` waits for every delivery report, so a stage that
//!   acknowledges its input after `flush` has its output durably in the broker first.
//! - **Offsets stored by hand** (`enable.auto.offset.store=false`): the offset of a message is
//!   stored only when the stage calls `ack`, i.e. after the next stage durably accepted the work
//!   (the Vector pattern); the background auto-commit then commits only acknowledged offsets, and
//!   shutdown and partition revocation commit synchronously. A crash re-delivers what was not
//!   acknowledged (at-least-once); the stores' idempotent upserts absorb the replay.
//! - **Topics created through the admin API**: some brokers (Tansu) do not auto-create topics.
//! - **Streams never end**, so a subscriber ends on a shutdown signal or, for batch runs and
//!   tests, after an idle period with no messages.

mod admin;
mod config;
mod consumer;
mod error;
mod health;
mod producer;

pub use admin::ensure_topics;
pub use config::KafkaOptions;
pub use error::KafkaBusError;

use std::sync::{Arc, Mutex, Weak};

use async_trait::async_trait;
use soi_bus::{Bus, BusError, BusHealth, Publisher, Subscriber};
use tokio::sync::watch;

/// A bus on a Kafka-protocol broker.
pub struct KafkaBus {
    opts: KafkaOptions,
    producer: Arc<producer::KafkaPublisher>,
    shutdown: watch::Sender<bool>,
    /// This process's subscribers, for the health check (dropped ones fall away).
    members: Mutex<Vec<Weak<consumer::Member>>>,
}

impl KafkaBus {
    /// Connects, creating the pipeline topics when missing.
    pub async fn connect(opts: KafkaOptions) -> Result<Self, KafkaBusError> {
        ensure_topics(&opts, &opts.topics()).await?;
        let producer = Arc::new(producer::KafkaPublisher::new(&opts)?);
        let (shutdown, _) = watch::channel(false);
        Ok(KafkaBus {
            opts,
            producer,
            shutdown,
            members: Mutex::new(Vec::new()),
        })
    }

    /// Makes every subscriber of this bus end after its in-flight message: the stages then
    /// finish their batch, acknowledge it and stop (graceful shutdown).
    pub fn shutdown(&self) {
        let _ = self.shutdown.send(true);
    }

    /// The publisher, borrowed.
    pub fn publisher_ref(&self) -> &dyn Publisher {
        self.producer.as_ref()
    }

    pub fn options(&self) -> &KafkaOptions {
        &self.opts
    }
}

#[async_trait]
impl Bus for KafkaBus {
    fn publisher(&self) -> Arc<dyn Publisher> {
        self.producer.clone()
    }

    async fn subscribe(&self, topic: &str, group: &str) -> Result<Box<dyn Subscriber>, BusError> {
        let sub =
            consumer::KafkaSubscriber::new(&self.opts, topic, group, self.shutdown.subscribe())
                .map_err(|e| BusError::Backend(e.to_string()))?;
        let mut members = self.members.lock().unwrap_or_else(|p| p.into_inner());
        members.retain(|m| m.strong_count() > 0);
        members.push(Arc::downgrade(&sub.member()));
        Ok(Box::new(sub))
    }

    async fn close(&self, _topic: &str) -> Result<(), BusError> {
        // A Kafka topic has no end; subscribers stop on shutdown or when idle.
        Ok(())
    }

    async fn health(&self) -> BusHealth {
        let members = self
            .members
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        let producer = self.producer.clone();
        // Broker requests block: off the async threads.
        tokio::task::spawn_blocking(move || health::check(producer.rdkafka(), &members))
            .await
            .unwrap_or_else(|e| BusHealth {
                problems: vec![format!("health check failed: {e}")],
                lag: Vec::new(),
            })
    }
}
