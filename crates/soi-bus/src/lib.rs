//! The bus seam: how `soi` stages hand work to each other.
//!
//! Why a trait: in one process (`soi run` on embedded defaults) stages talk through bounded
//! in-memory channels; at scale they talk through Kafka. Stages are written once against
//! [`Bus`], [`Publisher`] and [`Subscriber`] and do not know which one they run on.
//!
//! Delivery is at-least-once. A subscriber receives a [`Delivery`] and calls
//! [`Subscriber::ack`] only after the next stage has durably accepted the work; a message
//! that is never acknowledged may be delivered again after a restart, so every write downstream
//! must be idempotent (the stores upsert by `marketplace/id`).
//!
//! The in-process bus is bounded: when a consumer is slow, `publish` waits for room instead of
//! buffering without limit, so the slow stage slows the stages before it (backpressure).

mod error;
mod inproc;

pub use error::BusError;
pub use inproc::{InProcBus, DEFAULT_CAPACITY};

use async_trait::async_trait;
use std::sync::Arc;

/// Topic of raw listings from crawlers.
pub const TOPIC_LISTINGS: &str = "listings.raw";
/// Topic of raw seller facts from crawlers.
pub const TOPIC_SELLERS: &str = "sellers.raw";
/// Topic of scored listings (listing plus verdict) from scorers.
pub const TOPIC_SCORED: &str = "verdicts";
/// Dead-letter topic: messages that could not be parsed or processed, with the error.
pub const TOPIC_DLQ: &str = "dlq";

/// Largest message (key plus payload, in bytes) a bus accepts unless configured otherwise: the
/// default `max.message.bytes` of a Kafka topic, rounded down, so that what passes in process also
/// passes on Kafka.
pub const DEFAULT_MAX_MESSAGE_BYTES: usize = 1_000_000;

/// The size check every bus applies before sending: `Err(BusError::TooLarge)` when key plus
/// payload exceed `max`.
pub fn check_size(topic: &str, key: &str, payload: &[u8], max: usize) -> Result<(), BusError> {
    let bytes = key.len() + payload.len();
    if bytes > max {
        return Err(BusError::TooLarge {
            topic: topic.to_string(),
            key: key.chars().take(200).collect(),
            bytes,
            max,
        });
    }
    Ok(())
}

/// One message as read from the bus.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub topic: String,
    pub key: String,
    pub payload: Vec<u8>,
}

/// Where a message came from, for acknowledgement and for dead-letter records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub topic: String,
    pub partition: i32,
    pub offset: i64,
}

/// A received message and the handle to acknowledge it.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub message: Message,
    pub origin: Origin,
}

/// Sends messages to topics. Cheap to share between tasks.
#[async_trait]
pub trait Publisher: Send + Sync {
    /// Sends one message; waits while the topic is full. A message over the bus's size limit is
    /// refused with [`BusError::TooLarge`] and not sent.
    async fn publish(&self, topic: &str, key: &str, payload: Vec<u8>) -> Result<(), BusError>;
    /// Waits until everything published so far has been accepted by the bus.
    async fn flush(&self) -> Result<(), BusError>;
}

/// Receives the messages of one topic for one consumer group.
#[async_trait]
pub trait Subscriber: Send {
    /// The next message, or `None` once the topic is closed and drained.
    async fn next(&mut self) -> Result<Option<Delivery>, BusError>;
    /// Marks a delivery as durably processed; the bus will not deliver it again to this group.
    async fn ack(&mut self, origin: &Origin) -> Result<(), BusError>;
}

/// How far a consumer group is behind in one partition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartitionLag {
    pub group: String,
    pub topic: String,
    pub partition: i32,
    /// Messages in the partition the group has not acknowledged.
    pub lag: i64,
}

/// How a bus is doing, for readiness probes and lag metrics.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BusHealth {
    /// Why the bus is not ready, a sentence each (the broker does not answer, a subscriber has no
    /// partitions yet); empty when it is ready.
    pub problems: Vec<String>,
    /// The lag of every partition this process's subscribers hold.
    pub lag: Vec<PartitionLag>,
}

impl BusHealth {
    pub fn is_ready(&self) -> bool {
        self.problems.is_empty()
    }
}

/// A bus: makes publishers and subscribers, and closes topics when their producers are done.
#[async_trait]
pub trait Bus: Send + Sync {
    fn publisher(&self) -> Arc<dyn Publisher>;
    async fn subscribe(&self, topic: &str, group: &str) -> Result<Box<dyn Subscriber>, BusError>;
    /// Says that no more messages will be published to `topic`: subscribers see the end once
    /// they have drained it. Streaming buses (Kafka) never end a topic and ignore this.
    async fn close(&self, topic: &str) -> Result<(), BusError>;
    /// Whether the bus answers and this process's subscribers hold partitions, and their lag. The
    /// in-process bus is always ready (it lives in this process) and reports no lag.
    async fn health(&self) -> BusHealth {
        BusHealth::default()
    }
}
