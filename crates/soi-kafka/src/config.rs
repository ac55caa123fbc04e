//! Connection and topic settings.

use std::time::Duration;

use rdkafka::ClientConfig;

use crate::KafkaBusError;

/// How to reach the broker and shape the topics.
#[derive(Debug, Clone)]
pub struct KafkaOptions {
    /// `host:port[,host:port...]`.
    pub brokers: String,
    /// Partitions for topics this bus creates (existing topics are left as they are).
    pub partitions: i32,
    pub replication: i32,
    /// A subscriber ends after this long without a message (`None`: runs until shutdown).
    pub idle_timeout: Option<Duration>,
    /// Prefix for every topic name, to run several pipelines on one cluster.
    pub topic_prefix: String,
    pub client_id: String,
    /// Largest message the publisher sends (key plus payload bytes); bigger ones are refused
    /// with `BusError::TooLarge` before they reach librdkafka or the broker. Keep it at or below
    /// the topics' `max.message.bytes` (1 MB by default).
    pub max_message_bytes: usize,
}

impl KafkaOptions {
    /// Parses `kafka://host:port[,host:port]` (or a bare `host:port`).
    pub fn from_url(url: &str) -> Result<Self, KafkaBusError> {
        let brokers = url
            .strip_prefix("kafka://")
            .unwrap_or(url)
            .trim_end_matches('/');
        let ok = !brokers.is_empty()
            && brokers.split(',').all(|b| {
                b.rsplit_once(':')
                    .is_some_and(|(h, p)| !h.is_empty() && p.parse::<u16>().is_ok())
            });
        if !ok {
            return Err(KafkaBusError::Address(url.to_string()));
        }
        Ok(KafkaOptions {
            brokers: brokers.to_string(),
            partitions: 4,
            replication: 1,
            idle_timeout: None,
            topic_prefix: String::new(),
            client_id: "soi".into(),
            max_message_bytes: soi_bus::DEFAULT_MAX_MESSAGE_BYTES,
        })
    }

    /// The full name of a pipeline topic.
    pub fn topic(&self, name: &str) -> String {
        format!("{}{name}", self.topic_prefix)
    }

    /// Every topic the pipeline uses.
    pub fn topics(&self) -> Vec<String> {
        [
            soi_bus::TOPIC_LISTINGS,
            soi_bus::TOPIC_SELLERS,
            soi_bus::TOPIC_SCORED,
            soi_bus::TOPIC_DLQ,
        ]
        .iter()
        .map(|t| self.topic(t))
        .collect()
    }

    pub(crate) fn client(&self) -> ClientConfig {
        let mut c = ClientConfig::new();
        c.set("bootstrap.servers", &self.brokers)
            .set("client.id", &self.client_id)
            .set("socket.keepalive.enable", "true")
            .set("reconnect.backoff.max.ms", "2000");
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_urls() {
        let o = KafkaOptions::from_url("kafka://127.0.0.1:9092").unwrap();
        assert_eq!(o.brokers, "127.0.0.1:9092");
        assert!(KafkaOptions::from_url("kafka://a:1,b:2").is_ok());
        for bad in [
            "kafka://",
            "kafka://host",
            "kafka://host:port",
            "kafka://:9092",
        ] {
            let e = KafkaOptions::from_url(bad).unwrap_err();
            assert!(e.to_string().contains("kafka://HOST:PORT"), "{bad}: {e}");
        }
    }
}
