//! A batch's manifest: what was captured, where and when, in one canonical byte form that is
//! signed and timestamped.
//!
//! The bytes are compact JSON with the fields in the order declared here, times in RFC 3339 UTC,
//! and one final newline. Verification always checks the stored bytes (never a re-serialisation),
//! and also that they are in this canonical form, so two honest writers of the same batch write the
//! same bytes and nothing can hide in whitespace or duplicate keys.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use soi_crawl::EvidenceRecord;

/// The manifest format this crate writes.
pub const FORMAT: &str = "soi-evidence-manifest/1";

/// One batch of captures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub format: String,
    pub batch: String,
    pub sealed_at: DateTime<Utc>,
    /// The signer's Ed25519 public key, hex.
    pub public_key: String,
    pub captures: Vec<Capture>,
}

/// One logged fetch, as the evidence log has it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Capture {
    /// Its position in the evidence log (`records.jsonl`, counting from 0).
    pub record: usize,
    pub sha256: String,
    pub url: String,
    pub fetched_at: DateTime<Utc>,
    pub status: u16,
    pub bytes: u64,
}

impl Capture {
    pub fn of(record: usize, r: &EvidenceRecord) -> Capture {
        Capture {
            record,
            sha256: r.sha256.clone(),
            url: r.url.clone(),
            fetched_at: r.fetched_at,
            status: r.status,
            bytes: r.bytes,
        }
    }

    /// Whether the log's record says what this capture says.
    pub fn matches(&self, r: &EvidenceRecord) -> bool {
        self.sha256 == r.sha256
            && self.url == r.url
            && self.fetched_at == r.fetched_at
            && self.status == r.status
            && self.bytes == r.bytes
    }
}

impl Manifest {
    /// The canonical bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = serde_json::to_vec(self).unwrap_or_default();
        out.push(b'\n');
        out
    }

    /// Parses manifest bytes and checks they are canonical.
    pub fn from_bytes(bytes: &[u8]) -> Result<Manifest, String> {
        let m: Manifest = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
        if m.format != FORMAT {
            return Err(format!("format {:?}, not {FORMAT:?}", m.format));
        }
        if m.to_bytes() != bytes {
            return Err("not in canonical form".into());
        }
        Ok(m)
    }

    /// The log position after this batch's last capture.
    pub fn next_record(&self) -> usize {
        self.captures.last().map_or(0, |c| c.record + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest() -> Manifest {
        Manifest {
            format: FORMAT.into(),
            batch: "000001".into(),
            sealed_at: "2026-12-01T10:00:00Z".parse().unwrap(),
            public_key: "ab".repeat(32),
            captures: vec![Capture {
                record: 4,
                sha256: "cd".repeat(32),
                url: "http://127.0.0.1/p".into(),
                fetched_at: "2026-12-01T09:59:00.5Z".parse().unwrap(),
                status: 200,
                bytes: 10,
            }],
        }
    }

    #[test]
    fn bytes_round_trip_and_only_canonical_bytes_are_accepted() {
        let m = manifest();
        let b = m.to_bytes();
        assert_eq!(Manifest::from_bytes(&b).unwrap(), m);
        assert_eq!(m.next_record(), 5);
        let mut spaced = b.clone();
        spaced.insert(1, b' ');
        assert!(Manifest::from_bytes(&spaced)
            .unwrap_err()
            .contains("canonical"));
        let other = String::from_utf8(b).unwrap().replace(FORMAT, "x/9");
        assert!(Manifest::from_bytes(other.as_bytes())
            .unwrap_err()
            .contains("format"));
    }
}
