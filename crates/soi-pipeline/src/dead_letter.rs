//! Dead letters: a message a stage could not handle, with the error and its origin.
//!
//! A dead letter must itself fit on the bus, or dead-lettering would fail the stage on every
//! redelivery (a crash loop). So the record keeps the original payload whole only when the
//! record stays under [`MAX_RECORD_BYTES`]; otherwise it keeps the first [`CUT_PAYLOAD_BYTES`]
//! and says so. Either way it carries the length and sha256 of the original payload, so the
//! message can be found again and a cut copy is never mistaken for the original.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use soi_bus::{Delivery, Publisher, TOPIC_DLQ};

use crate::PipelineError;

/// Largest dead-letter record kept with its whole payload: below the buses' default message
/// limit ([`soi_bus::DEFAULT_MAX_MESSAGE_BYTES`]) with room for the other fields.
pub const MAX_RECORD_BYTES: usize = 900_000;
/// Bytes of the payload kept when the whole payload would not fit (64 KiB; even fully escaped
/// in JSON that stays under [`MAX_RECORD_BYTES`]).
pub const CUT_PAYLOAD_BYTES: usize = 64 * 1024;
/// Characters kept of the error text and of the key.
const MAX_TEXT_CHARS: usize = 4096;

/// A record on the dead-letter topic. `payload` is the original message text (lossy UTF-8), so
/// it can be inspected, fixed and replayed; when `payload_truncated` is set it holds only the
/// first [`CUT_PAYLOAD_BYTES`] and cannot be replayed as it is.
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
    /// Length of the original payload in bytes.
    #[serde(default)]
    pub payload_bytes: usize,
    /// sha256 of the original payload (hex).
    #[serde(default)]
    pub payload_sha256: String,
    /// `payload` is only the start of the original.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub payload_truncated: bool,
}

impl DeadLetter {
    /// The record for `d` failed by `stage` with `error`, its payload cut when it would not fit.
    pub fn new(stage: &str, d: &Delivery, error: &str) -> DeadLetter {
        let raw = &d.message.payload;
        let mut record = DeadLetter {
            error: soi_model::truncate_chars(error, MAX_TEXT_CHARS).to_string(),
            stage: stage.to_string(),
            topic: d.origin.topic.clone(),
            partition: d.origin.partition,
            offset: d.origin.offset,
            key: soi_model::truncate_chars(&d.message.key, MAX_TEXT_CHARS).to_string(),
            payload: String::from_utf8_lossy(raw).into_owned(),
            at: Utc::now(),
            payload_bytes: raw.len(),
            payload_sha256: hex::encode(Sha256::digest(raw)),
            payload_truncated: false,
        };
        if record.to_bytes().len() > MAX_RECORD_BYTES {
            let cut = &raw[..raw.len().min(CUT_PAYLOAD_BYTES)];
            record.payload = String::from_utf8_lossy(cut).into_owned();
            record.payload_truncated = true;
        }
        record
    }

    /// The record as JSON.
    pub fn to_bytes(&self) -> Vec<u8> {
        // Plain data with string keys: serialising cannot fail.
        serde_json::to_vec(self).unwrap_or_default()
    }
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
        key = %d.message.key,
        topic = %d.origin.topic,
        partition = d.origin.partition,
        offset = d.origin.offset,
        error,
        "message sent to the dead-letter topic"
    );
    let record = DeadLetter::new(stage, d, error);
    publisher
        .publish(TOPIC_DLQ, &record.key, record.to_bytes())
        .await?;
    Ok(())
}

/// Parses every delivery of a batch with `parse`; each one that fails goes to the dead-letter
/// topic with its error. Returns what parsed, in order, and how many were dead-lettered. What
/// `parse` returns may borrow the delivery (the score stage keeps it to dead-letter a result).
pub async fn parse_or_dead_letter<'a, T>(
    publisher: &dyn Publisher,
    stage: &str,
    batch: &'a [Delivery],
    parse: impl Fn(&'a Delivery) -> Result<T, String>,
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

#[cfg(test)]
mod tests {
    use super::*;
    use soi_bus::{Message, Origin};

    fn delivery(payload: Vec<u8>) -> Delivery {
        Delivery {
            message: Message {
                topic: "listings.raw".into(),
                key: "m/1".into(),
                payload,
            },
            origin: Origin {
                topic: "listings.raw".into(),
                partition: 0,
                offset: 7,
            },
        }
    }

    #[test]
    fn a_small_payload_is_kept_whole_with_its_hash() {
        let d = delivery(b"{not json".to_vec());
        let r = DeadLetter::new("score", &d, "invalid JSON");
        assert_eq!(r.payload, "{not json");
        assert!(!r.payload_truncated);
        assert_eq!(r.payload_bytes, 9);
        assert_eq!(r.payload_sha256, hex::encode(Sha256::digest(b"{not json")));
        assert!(!String::from_utf8_lossy(&r.to_bytes()).contains("payload_truncated"));
    }

    /// Control bytes escape to six characters each in JSON: 2 MB of them would be a 12 MB
    /// record. The record keeps the first 64 KiB and the hash of all of it, and fits the bus.
    #[test]
    fn a_payload_that_would_not_fit_is_cut_and_the_record_fits() {
        let raw = vec![1u8; 2_000_000];
        let r = DeadLetter::new("score", &delivery(raw.clone()), &"e".repeat(100_000));
        assert!(r.payload_truncated);
        assert_eq!(r.payload.len(), CUT_PAYLOAD_BYTES);
        assert_eq!(r.payload_bytes, raw.len());
        assert_eq!(r.payload_sha256, hex::encode(Sha256::digest(&raw)));
        assert_eq!(r.error.chars().count(), MAX_TEXT_CHARS);
        assert!(
            r.to_bytes().len() <= MAX_RECORD_BYTES,
            "{}",
            r.to_bytes().len()
        );
        let back: DeadLetter = serde_json::from_slice(&r.to_bytes()).unwrap();
        assert_eq!(back, r);
    }
}
