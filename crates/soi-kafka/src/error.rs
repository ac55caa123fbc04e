use thiserror::Error;

/// Why talking to the broker failed.
#[derive(Debug, Error)]
pub enum KafkaBusError {
    #[error("kafka: {0}")]
    Kafka(#[from] rdkafka::error::KafkaError),
    #[error("creating topic `{topic}`: {why}")]
    CreateTopic { topic: String, why: String },
    #[error("bad bus address `{0}`: expected kafka://HOST:PORT[,HOST:PORT...]")]
    Address(String),
}
