//! The subscriber: a consumer-group member that stores offsets only on acknowledgement.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use rdkafka::consumer::{
    BaseConsumer, CommitMode, Consumer, ConsumerContext, Rebalance, StreamConsumer,
};
use rdkafka::error::{KafkaError, KafkaResult};
use rdkafka::{ClientContext, Message as _, Offset, TopicPartitionList};
use soi_bus::{BusError, Delivery, Message, Origin, Subscriber};
use tokio::sync::watch;

use crate::{KafkaBusError, KafkaOptions};

/// Logs rebalances and commits acknowledged offsets before partitions are taken away, so the
/// next owner starts right after the last acknowledged message.
pub struct AckContext;

impl ClientContext for AckContext {}

impl ConsumerContext for AckContext {
    fn pre_rebalance(&self, consumer: &BaseConsumer<Self>, rebalance: &Rebalance<'_>) {
        if let Rebalance::Revoke(tpl) = rebalance {
            tracing::info!(
                partitions = tpl.count(),
                "partitions revoked; committing acknowledged offsets"
            );
            if let Err(e) = consumer.commit_consumer_state(CommitMode::Sync) {
                tracing::debug!(error = %e, "nothing to commit on revoke");
            }
        }
    }

    fn post_rebalance(&self, _c: &BaseConsumer<Self>, rebalance: &Rebalance<'_>) {
        if let Rebalance::Assign(tpl) = rebalance {
            tracing::info!(partitions = tpl.count(), "partitions assigned");
        }
    }

    fn commit_callback(&self, result: KafkaResult<()>, _offsets: &TopicPartitionList) {
        if let Err(e) = result {
            tracing::debug!(error = %e, "offset commit");
        }
    }
}

/// How long an idle subscriber waits for the group to assign it partitions before it ends.
const UNASSIGNED_LIMIT: Duration = Duration::from_secs(60);

/// A subscriber's consumer and what it acknowledged, shared with the bus's health check.
pub struct Member {
    pub(crate) consumer: StreamConsumer<AckContext>,
    pub(crate) group: String,
    /// Next offset to read after the last acknowledged message, per (topic, partition).
    pub(crate) acked: Mutex<HashMap<(String, i32), i64>>,
}

impl Drop for Member {
    fn drop(&mut self) {
        if let Err(e) = self.consumer.commit_consumer_state(CommitMode::Sync) {
            tracing::debug!(error = %e, "final offset commit");
        }
    }
}

pub struct KafkaSubscriber {
    member: Arc<Member>,
    idle: Option<Duration>,
    shutdown: watch::Receiver<bool>,
}

impl KafkaSubscriber {
    pub fn new(
        opts: &KafkaOptions,
        topic: &str,
        group: &str,
        shutdown: watch::Receiver<bool>,
    ) -> Result<Self, KafkaBusError> {
        let consumer: StreamConsumer<AckContext> = opts
            .client()
            .set("group.id", group)
            .set("enable.auto.commit", "true")
            .set("auto.commit.interval.ms", "1000")
            .set("enable.auto.offset.store", "false")
            .set("auto.offset.reset", "earliest")
            .set("session.timeout.ms", "10000")
            .set("heartbeat.interval.ms", "1000")
            // A sink may wait out a store outage while holding its batch.
            .set("max.poll.interval.ms", "600000")
            .create_with_context(AckContext)?;
        consumer.subscribe(&[&opts.topic(topic)])?;
        Ok(KafkaSubscriber {
            member: Arc::new(Member {
                consumer,
                group: group.to_string(),
                acked: Mutex::new(HashMap::new()),
            }),
            idle: opts.idle_timeout,
            shutdown,
        })
    }

    /// The shared half, for the bus's health check.
    pub fn member(&self) -> Arc<Member> {
        self.member.clone()
    }
}

#[async_trait]
impl Subscriber for KafkaSubscriber {
    async fn next(&mut self) -> Result<Option<Delivery>, BusError> {
        let started = std::time::Instant::now();
        loop {
            let stopped = *self.shutdown.borrow();
            if stopped {
                return Ok(None);
            }
            let idle = async {
                match self.idle {
                    Some(d) => tokio::time::sleep(d).await,
                    None => std::future::pending().await,
                }
            };
            let mut stop = self.shutdown.clone();
            let stopping = async move {
                // The guard wait_for returns is dropped here, before any other await.
                let _ = stop.wait_for(|s| *s).await.map(|_| ());
            };
            tokio::select! {
                m = self.member.consumer.recv() => {
                    let m = match m {
                        Ok(m) => m,
                        // The broker being away (restart, network) is reported as a consumption
                        // error; librdkafka reconnects by itself, so wait and keep consuming.
                        Err(KafkaError::MessageConsumption(code)) => {
                            tracing::warn!(%code, "kafka unavailable; waiting to reconnect");
                            tokio::time::sleep(Duration::from_millis(500)).await;
                            continue;
                        }
                        Err(e) => return Err(BusError::Backend(format!("consume: {e}"))),
                    };
                    return Ok(Some(Delivery {
                        message: Message {
                            topic: m.topic().to_string(),
                            key: String::from_utf8_lossy(m.key().unwrap_or_default()).into_owned(),
                            payload: m.payload().unwrap_or_default().to_vec(),
                        },
                        origin: Origin {
                            topic: m.topic().to_string(),
                            partition: m.partition(),
                            offset: m.offset(),
                        },
                    }));
                }
                _ = idle => {
                    // Idle only counts once the group gave us partitions: joining a group can
                    // take longer than the idle period. Give up waiting for that after a while.
                    let assigned = self.member.consumer.assignment().map(|a| a.count() > 0).unwrap_or(false);
                    if assigned || started.elapsed() > UNASSIGNED_LIMIT {
                        return Ok(None);
                    }
                }
                _ = stopping => return Ok(None),
            }
        }
    }

    async fn ack(&mut self, origin: &Origin) -> Result<(), BusError> {
        let mut tpl = TopicPartitionList::new();
        tpl.add_partition_offset(
            &origin.topic,
            origin.partition,
            Offset::Offset(origin.offset + 1),
        )
        .map_err(|e| BusError::Backend(e.to_string()))?;
        if let Err(e) = self.member.consumer.store_offsets(&tpl) {
            // After a rebalance took the partition away, its new owner re-reads from the last
            // committed offset: the message is processed again, never lost.
            tracing::warn!(topic = %origin.topic, partition = origin.partition, error = %e,
                "cannot store offset (partition revoked?)");
        }
        self.member
            .acked
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert((origin.topic.clone(), origin.partition), origin.offset + 1);
        Ok(())
    }
}
