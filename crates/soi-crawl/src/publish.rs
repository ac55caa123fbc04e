//! A [`Publisher`] that writes each message as one JSON line: `soi crawl` without a pipeline
//! behind it prints what it found this way.

use std::io::Write;
use std::sync::Mutex;

use async_trait::async_trait;
use soi_bus::{BusError, Publisher};

/// Writes message payloads (versioned envelopes) as JSON Lines.
pub struct JsonLinesPublisher<W: Write + Send> {
    out: Mutex<W>,
}

impl<W: Write + Send> JsonLinesPublisher<W> {
    pub fn new(out: W) -> Self {
        JsonLinesPublisher {
            out: Mutex::new(out),
        }
    }

    pub fn into_inner(self) -> W {
        self.out.into_inner().unwrap_or_else(|p| p.into_inner())
    }
}

#[async_trait]
impl<W: Write + Send> Publisher for JsonLinesPublisher<W> {
    async fn publish(&self, _topic: &str, _key: &str, payload: Vec<u8>) -> Result<(), BusError> {
        let mut out = self.out.lock().unwrap_or_else(|p| p.into_inner());
        out.write_all(&payload)
            .and_then(|_| out.write_all(b"\n"))
            .map_err(|e| BusError::Backend(e.to_string()))
    }

    async fn flush(&self) -> Result<(), BusError> {
        let mut out = self.out.lock().unwrap_or_else(|p| p.into_inner());
        out.flush().map_err(|e| BusError::Backend(e.to_string()))
    }
}
