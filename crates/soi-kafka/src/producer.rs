//! The publisher: an idempotent producer whose `flush` waits for every delivery report.
//!
//! Messages over the configured size are refused with `BusError::TooLarge` before they are
//! queued (and librdkafka's or the broker's own size errors map to the same variant), so a stage
//! can dead-letter the work instead of failing the batch on every redelivery.

use std::sync::Mutex;
use std::time::Duration;

use async_trait::async_trait;
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::producer::{DeliveryFuture, FutureProducer, FutureRecord};
use soi_bus::{BusError, Publisher};

use crate::{KafkaBusError, KafkaOptions};

pub struct KafkaPublisher {
    producer: FutureProducer,
    prefix: String,
    /// Deliveries not yet confirmed by the broker.
    pending: Mutex<Vec<DeliveryFuture>>,
    max_message_bytes: usize,
}

/// Room librdkafka needs beside key and payload (record headers and framing), so that our own
/// size check is the one that fires.
const FRAMING_BYTES: usize = 1024;

impl KafkaPublisher {
    pub fn new(opts: &KafkaOptions) -> Result<Self, KafkaBusError> {
        let producer: FutureProducer = opts
            .client()
            .set("enable.idempotence", "true")
            .set("acks", "all")
            .set("linger.ms", "5")
            // Keep retrying through a broker restart instead of failing the send.
            .set("message.timeout.ms", "300000")
            .set("queue.buffering.max.messages", "100000")
            .set(
                "message.max.bytes",
                (opts.max_message_bytes + FRAMING_BYTES).to_string(),
            )
            .create()?;
        Ok(KafkaPublisher {
            producer,
            prefix: opts.topic_prefix.clone(),
            pending: Mutex::new(Vec::new()),
            max_message_bytes: opts.max_message_bytes,
        })
    }

    /// The librdkafka producer, for broker requests of the health check.
    pub(crate) fn rdkafka(&self) -> &FutureProducer {
        &self.producer
    }

    fn take_pending(&self) -> Vec<DeliveryFuture> {
        std::mem::take(&mut *self.pending.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

/// The broker or librdkafka found the message too large.
fn too_large(e: &KafkaError) -> bool {
    e.rdkafka_error_code() == Some(RDKafkaErrorCode::MessageSizeTooLarge)
}

async fn confirm(futures: Vec<DeliveryFuture>, max: usize) -> Result<(), BusError> {
    for f in futures {
        match f.await {
            Ok(Ok(_)) => {}
            Ok(Err((e, m))) if too_large(&e) => {
                use rdkafka::Message;
                let key = String::from_utf8_lossy(m.key().unwrap_or_default());
                return Err(BusError::TooLarge {
                    topic: m.topic().to_string(),
                    key: key.chars().take(200).collect(),
                    bytes: m.key().map_or(0, <[u8]>::len) + m.payload().map_or(0, <[u8]>::len),
                    max,
                });
            }
            Ok(Err((e, _))) => return Err(BusError::Backend(format!("delivery failed: {e}"))),
            Err(_) => return Err(BusError::Backend("producer dropped a delivery".into())),
        }
    }
    Ok(())
}

#[async_trait]
impl Publisher for KafkaPublisher {
    async fn publish(&self, topic: &str, key: &str, payload: Vec<u8>) -> Result<(), BusError> {
        soi_bus::check_size(topic, key, &payload, self.max_message_bytes)?;
        let topic = format!("{}{topic}", self.prefix);
        loop {
            let record = FutureRecord::to(&topic).key(key).payload(&payload);
            match self.producer.send_result(record) {
                Ok(f) => {
                    self.pending
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .push(f);
                    return Ok(());
                }
                Err((KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull), _)) => {
                    // Backpressure: wait for what is in flight before queueing more.
                    let inflight = self.take_pending();
                    if inflight.is_empty() {
                        tokio::time::sleep(Duration::from_millis(50)).await;
                    }
                    confirm(inflight, self.max_message_bytes).await?;
                }
                Err((e, _)) if too_large(&e) => {
                    return Err(BusError::TooLarge {
                        topic,
                        key: key.chars().take(200).collect(),
                        bytes: key.len() + payload.len(),
                        max: self.max_message_bytes,
                    })
                }
                Err((e, _)) => return Err(BusError::Backend(format!("send to {topic}: {e}"))),
            }
        }
    }

    async fn flush(&self) -> Result<(), BusError> {
        confirm(self.take_pending(), self.max_message_bytes).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The check runs before librdkafka sees the message, so no broker is needed: the producer
    /// only connects when a message is actually sent.
    #[tokio::test]
    async fn an_over_size_message_is_refused_before_it_is_queued() {
        let mut opts = KafkaOptions::from_url("kafka://127.0.0.1:9").expect("url");
        opts.max_message_bytes = 1000;
        let p = KafkaPublisher::new(&opts).expect("producer");
        let e = p
            .publish("verdicts", "m/1", vec![b'x'; 1000])
            .await
            .unwrap_err();
        match e {
            BusError::TooLarge {
                topic,
                key,
                bytes,
                max,
            } => assert_eq!(
                (topic.as_str(), key.as_str(), bytes, max),
                ("verdicts", "m/1", 1003, 1000)
            ),
            other => panic!("expected TooLarge, got {other}"),
        }
        assert!(p.take_pending().is_empty(), "nothing was queued");
    }
}
