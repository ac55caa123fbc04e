//! Dead letters: a message a stage could not handle, with the error and its origin.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use soi_bus::{Delivery, Publisher, TOPIC_DLQ};

use crate::PipelineError;

/// A record on the dead-letter topic. `payload` is the original message text (lossy UTF-8), so
/// it can be inspected, fixed and replayed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeadLetter {
    pub error: String,
    pub stage: String,
    pub topic: String,
    pub partition: i32,
    pub offset: i64,
    pub key: String,
    pub payload: String,
    pub at: DateTime<Utc>,
}

/// Publishes a dead letter for `d`.
pub async fn dead_letter(
    publisher: &dyn Publisher,
    stage: &str,
    d: &Delivery,
    error: &str,
) -> Result<(), PipelineError> {
    tracing::warn!(
        stage,
        topic = %d.origin.topic,
        partition = d.origin.partition,
        offset = d.origin.offset,
        error,
        "message sent to the dead-letter topic"
    );
    let record = DeadLetter {
        error: error.to_string(),
        stage: stage.to_string(),
        topic: d.origin.topic.clone(),
        partition: d.origin.partition,
        offset: d.origin.offset,
        key: d.message.key.clone(),
        payload: String::from_utf8_lossy(&d.message.payload).into_owned(),
        at: Utc::now(),
    };
    let bytes = serde_json::to_vec(&record).unwrap_or_default();
    publisher.publish(TOPIC_DLQ, &d.message.key, bytes).await?;
    Ok(())
}

/// Parses every delivery of a batch with `parse`; each one that fails goes to the dead-letter
/// topic with its error. Returns what parsed, in order, and how many were dead-lettered.
pub async fn parse_or_dead_letter<T>(
    publisher: &dyn Publisher,
    stage: &str,
    batch: &[Delivery],
    parse: impl Fn(&Delivery) -> Result<T, String>,
) -> Result<(Vec<T>, u64), PipelineError> {
    let mut ok = Vec::with_capacity(batch.len());
    let mut dead = 0;
    for d in batch {
        match parse(d) {
            Ok(v) => ok.push(v),
            Err(e) => {
                dead_letter(publisher, stage, d, &e).await?;
                dead += 1;
            }
        }
    }
    Ok((ok, dead))
}
