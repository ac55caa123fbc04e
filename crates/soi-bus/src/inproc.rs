//! The in-process bus: one bounded channel per topic.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use tokio::sync::mpsc;

use crate::{Bus, BusError, Delivery, Message, Origin, Publisher, Subscriber};

/// Default room per topic: enough to keep a batching scorer busy, small enough to bound memory.
pub const DEFAULT_CAPACITY: usize = 1024;

struct Topic {
    tx: Option<mpsc::Sender<Message>>,
    rx: Option<mpsc::Receiver<Message>>,
    group: Option<String>,
}

struct Inner {
    capacity: usize,
    /// Largest message accepted (key plus payload bytes); `None`: no limit.
    max_message_bytes: Option<usize>,
    topics: Mutex<HashMap<String, Topic>>,
}

impl Inner {
    fn with_topic<R>(&self, name: &str, f: impl FnOnce(&mut Topic) -> R) -> R {
        let mut topics = self.topics.lock().unwrap_or_else(|p| p.into_inner());
        let t = topics.entry(name.to_string()).or_insert_with(|| {
            let (tx, rx) = mpsc::channel(self.capacity);
            Topic {
                tx: Some(tx),
                rx: Some(rx),
                group: None,
            }
        });
        f(t)
    }
}

/// A bounded in-memory bus for running every stage in one process.
///
/// Each topic holds at most `capacity` unconsumed messages; `publish` waits for room. A topic has
/// one consumer group (the in-process pipeline has one consumer per topic).
#[derive(Clone)]
pub struct InProcBus {
    inner: Arc<Inner>,
}

impl InProcBus {
    pub fn new(capacity: usize) -> Self {
        InProcBus {
            inner: Arc::new(Inner {
                capacity: capacity.max(1),
                max_message_bytes: None,
                topics: Mutex::new(HashMap::new()),
            }),
        }
    }

    /// A bus that refuses messages over `max` bytes (key plus payload) with
    /// [`BusError::TooLarge`], as Kafka does; use [`crate::DEFAULT_MAX_MESSAGE_BYTES`] to behave
    /// like the distributed pipeline.
    pub fn with_max_message_bytes(capacity: usize, max: usize) -> Self {
        InProcBus {
            inner: Arc::new(Inner {
                capacity: capacity.max(1),
                max_message_bytes: Some(max),
                topics: Mutex::new(HashMap::new()),
            }),
        }
    }
}

impl Default for InProcBus {
    fn default() -> Self {
        InProcBus::new(DEFAULT_CAPACITY)
    }
}

#[async_trait]
impl Publisher for InProcBus {
    async fn publish(&self, topic: &str, key: &str, payload: Vec<u8>) -> Result<(), BusError> {
        if let Some(max) = self.inner.max_message_bytes {
            crate::check_size(topic, key, &payload, max)?;
        }
        let tx = self.inner.with_topic(topic, |t| t.tx.clone());
        let tx = tx.ok_or_else(|| BusError::Closed(topic.to_string()))?;
        let msg = Message {
            topic: topic.to_string(),
            key: key.to_string(),
            payload,
        };
        tx.send(msg)
            .await
            .map_err(|_| BusError::Closed(topic.to_string()))
    }

    async fn flush(&self) -> Result<(), BusError> {
        // A message is accepted once it is in the channel.
        Ok(())
    }
}

struct InProcSubscriber {
    topic: String,
    rx: mpsc::Receiver<Message>,
    next_offset: i64,
    acked: i64,
}

#[async_trait]
impl Subscriber for InProcSubscriber {
    async fn next(&mut self) -> Result<Option<Delivery>, BusError> {
        Ok(self.rx.recv().await.map(|message| {
            let origin = Origin {
                topic: self.topic.clone(),
                partition: 0,
                offset: self.next_offset,
            };
            self.next_offset += 1;
            Delivery { message, origin }
        }))
    }

    async fn ack(&mut self, origin: &Origin) -> Result<(), BusError> {
        self.acked = self.acked.max(origin.offset + 1);
        Ok(())
    }
}

#[async_trait]
impl Bus for InProcBus {
    fn publisher(&self) -> Arc<dyn Publisher> {
        Arc::new(self.clone())
    }

    async fn subscribe(&self, topic: &str, group: &str) -> Result<Box<dyn Subscriber>, BusError> {
        let rx = self.inner.with_topic(topic, |t| {
            if t.group.is_some() {
                return Err(BusError::AlreadySubscribed {
                    topic: topic.to_string(),
                    group: group.to_string(),
                });
            }
            t.group = Some(group.to_string());
            t.rx.take()
                .ok_or_else(|| BusError::Closed(topic.to_string()))
        })?;
        Ok(Box::new(InProcSubscriber {
            topic: topic.to_string(),
            rx,
            next_offset: 0,
            acked: 0,
        }))
    }

    async fn close(&self, topic: &str) -> Result<(), BusError> {
        self.inner.with_topic(topic, |t| t.tx = None);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    #[tokio::test]
    async fn delivers_in_order_and_ends_after_close() {
        let bus = InProcBus::new(4);
        let mut sub = bus.subscribe("t", "g").await.unwrap();
        let p = bus.publisher();
        for i in 0..3 {
            p.publish("t", &format!("k{i}"), vec![i]).await.unwrap();
        }
        bus.close("t").await.unwrap();
        let mut got = vec![];
        while let Some(d) = sub.next().await.unwrap() {
            sub.ack(&d.origin).await.unwrap();
            got.push((d.message.key, d.origin.offset));
        }
        assert_eq!(
            got,
            vec![("k0".into(), 0), ("k1".into(), 1), ("k2".into(), 2)]
        );
        assert!(matches!(
            p.publish("t", "late", vec![]).await,
            Err(BusError::Closed(_))
        ));
        assert!(bus.subscribe("t", "g2").await.is_err());
    }

    #[tokio::test]
    async fn messages_over_the_limit_are_refused_and_the_topic_goes_on() {
        let bus = InProcBus::with_max_message_bytes(4, 10);
        let mut sub = bus.subscribe("t", "g").await.unwrap();
        let p = bus.publisher();
        let e = p.publish("t", "k", vec![0; 10]).await.unwrap_err();
        assert!(
            matches!(
                &e,
                BusError::TooLarge {
                    bytes: 11,
                    max: 10,
                    ..
                }
            ),
            "{e}"
        );
        assert!(e.to_string().contains("11 bytes"), "{e}");
        p.publish("t", "k", vec![0; 9]).await.unwrap();
        bus.close("t").await.unwrap();
        let d = sub.next().await.unwrap().expect("the small message");
        assert_eq!(d.message.payload.len(), 9);
        assert!(sub.next().await.unwrap().is_none());
    }

    /// A slow consumer holds the producer back: the producer can never get more than
    /// `capacity` messages ahead of the consumer.
    #[tokio::test(start_paused = true)]
    async fn slow_consumer_applies_backpressure() {
        let cap = 8;
        let bus = InProcBus::new(cap);
        let mut sub = bus.subscribe("t", "g").await.unwrap();
        let published = Arc::new(AtomicUsize::new(0));
        let consumed = Arc::new(AtomicUsize::new(0));
        let (p, pub_n, con_n) = (bus.publisher(), published.clone(), consumed.clone());
        let max_ahead = Arc::new(AtomicUsize::new(0));
        let ahead = max_ahead.clone();
        let producer = tokio::spawn(async move {
            for i in 0..200u32 {
                p.publish("t", "k", i.to_le_bytes().to_vec()).await.unwrap();
                let n = pub_n.fetch_add(1, Ordering::SeqCst) + 1;
                let lead = n - con_n.load(Ordering::SeqCst);
                ahead.fetch_max(lead, Ordering::SeqCst);
            }
        });
        let bus2 = bus.clone();
        let consumer = tokio::spawn(async move {
            let mut n = 0;
            while let Some(d) = sub.next().await.unwrap() {
                tokio::time::sleep(Duration::from_millis(10)).await;
                sub.ack(&d.origin).await.unwrap();
                consumed.fetch_add(1, Ordering::SeqCst);
                n += 1;
                if n == 200 {
                    break;
                }
            }
            n
        });
        producer.await.unwrap();
        bus2.close("t").await.unwrap();
        assert_eq!(consumer.await.unwrap(), 200);
        let lead = max_ahead.load(Ordering::SeqCst);
        // capacity in the channel plus the one message the consumer holds.
        assert!(lead <= cap + 1, "producer ran {lead} messages ahead");
        assert!(lead >= cap, "channel never filled: {lead}");
    }
}
