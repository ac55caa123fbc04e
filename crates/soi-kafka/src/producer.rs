//! The publisher: an idempotent producer whose `flush` waits for every delivery report.

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
}

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
            .create()?;
        Ok(KafkaPublisher {
            producer,
            prefix: opts.topic_prefix.clone(),
            pending: Mutex::new(Vec::new()),
        })
    }

    fn take_pending(&self) -> Vec<DeliveryFuture> {
        std::mem::take(&mut *self.pending.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

async fn confirm(futures: Vec<DeliveryFuture>) -> Result<(), BusError> {
    for f in futures {
        match f.await {
            Ok(Ok(_)) => {}
            Ok(Err((e, _))) => return Err(BusError::Backend(format!("delivery failed: {e}"))),
            Err(_) => return Err(BusError::Backend("producer dropped a delivery".into())),
        }
    }
    Ok(())
}

#[async_trait]
impl Publisher for KafkaPublisher {
    async fn publish(&self, topic: &str, key: &str, payload: Vec<u8>) -> Result<(), BusError> {
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
                    confirm(inflight).await?;
                }
                Err((e, _)) => return Err(BusError::Backend(format!("send to {topic}: {e}"))),
            }
        }
    }

    async fn flush(&self) -> Result<(), BusError> {
        confirm(self.take_pending()).await
    }
}
