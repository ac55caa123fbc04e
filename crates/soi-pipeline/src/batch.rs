//! Collecting deliveries into batches.

use std::time::Duration;

use soi_bus::{Delivery, Subscriber};

use crate::PipelineError;

/// How a stage batches its input.
#[derive(Debug, Clone, Copy)]
pub struct BatchOptions {
    /// Most messages in one batch.
    pub max: usize,
    /// A batch closes early when no message arrives for this long.
    pub linger: Duration,
}

impl Default for BatchOptions {
    fn default() -> Self {
        BatchOptions {
            max: 256,
            linger: Duration::from_millis(50),
        }
    }
}

/// Waits for the next message, then takes what else arrives within the linger time, up to
/// `max`. An empty batch means the topic ended.
pub async fn next_batch(
    sub: &mut dyn Subscriber,
    opts: BatchOptions,
) -> Result<Vec<Delivery>, PipelineError> {
    let mut batch = Vec::new();
    match sub.next().await? {
        Some(d) => batch.push(d),
        None => return Ok(batch),
    }
    while batch.len() < opts.max.max(1) {
        match tokio::time::timeout(opts.linger, sub.next()).await {
            Ok(Ok(Some(d))) => batch.push(d),
            Ok(Ok(None)) | Err(_) => break,
            Ok(Err(e)) => return Err(e.into()),
        }
    }
    Ok(batch)
}
