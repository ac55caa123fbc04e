//! The manifest: every file of the report with its size and sha256, so a receiving agency can
//! check that nothing was altered or lost in transit.

use serde::Serialize;
use sha2::{Digest, Sha256};

#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub path: String,
    pub bytes: usize,
    pub sha256: String,
}

pub fn entry(path: &str, content: &[u8]) -> Entry {
    Entry {
        path: path.to_string(),
        bytes: content.len(),
        sha256: hex::encode(Sha256::digest(content)),
    }
}
