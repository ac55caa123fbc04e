//! Helpers shared by the crawler's integration tests.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::Mutex;

use async_trait::async_trait;
use soi_bus::{BusError, Publisher, TOPIC_LISTINGS, TOPIC_SELLERS};
use soi_model::{Envelope, Kind, Listing, Seller};

/// `pipelines/` of the repository.
pub fn pipelines() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../pipelines")
}

/// The shared data folder: `SOI_SHARED_DATA`, else `../shared/data` next to the repository.
pub fn shared_data() -> PathBuf {
    std::env::var_os("SOI_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"))
}

/// A publisher that keeps every message.
#[derive(Default)]
pub struct Collect {
    pub messages: Mutex<Vec<(String, String, Vec<u8>)>>,
}

impl Collect {
    pub fn listings(&self) -> Vec<Listing> {
        self.of(TOPIC_LISTINGS)
            .iter()
            .map(|b| {
                Envelope::<Listing>::from_bytes(b, Kind::Listing)
                    .unwrap()
                    .body
            })
            .collect()
    }

    pub fn sellers(&self) -> Vec<Seller> {
        self.of(TOPIC_SELLERS)
            .iter()
            .map(|b| {
                Envelope::<Seller>::from_bytes(b, Kind::Seller)
                    .unwrap()
                    .body
            })
            .collect()
    }

    fn of(&self, topic: &str) -> Vec<Vec<u8>> {
        self.messages
            .lock()
            .unwrap()
            .iter()
            .filter(|m| m.0 == topic)
            .map(|m| m.2.clone())
            .collect()
    }
}

#[async_trait]
impl Publisher for Collect {
    async fn publish(&self, topic: &str, key: &str, payload: Vec<u8>) -> Result<(), BusError> {
        self.messages
            .lock()
            .unwrap()
            .push((topic.into(), key.into(), payload));
        Ok(())
    }

    async fn flush(&self) -> Result<(), BusError> {
        Ok(())
    }
}
