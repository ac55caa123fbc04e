//! The two JSON files that make a zip a WACZ 1.1.1 package: `datapackage.json` (a Frictionless
//! data package listing every other file with its sha256 and size) and `datapackage-digest.json`
//! (the sha256 of `datapackage.json`, and soi's Ed25519 signature of its bytes).
//!
//! The signature sits in its own `soiSignature` object, not in WACZ's `signedData`: `signedData`
//! is the authsign service's format (an ECDSA key certified for a domain), which an Ed25519
//! installation key is not; `wacz validate --verify-auth` would send ours to authsign and fail.
//!
//! Every path is one folder deep (`archive/data.warc`, `soi/verdicts.jsonl`): py-wacz's
//! validator matches files by their last two path components.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The WACZ version written, the one `wacz validate` checks against.
pub const WACZ_VERSION: &str = "1.1.1";
pub const DATAPACKAGE: &str = "datapackage.json";
pub const DIGEST: &str = "datapackage-digest.json";
pub const WARC: &str = "archive/data.warc";
pub const PAGES: &str = "pages/pages.jsonl";
pub const VERDICTS: &str = "soi/verdicts.jsonl";
/// Batch files: `soi/batch-ID.manifest.json`, `soi/batch-ID.sig`, `soi/batch-ID.tst`.
pub const BATCH_PREFIX: &str = "soi/batch-";
pub const MANIFEST_SUFFIX: &str = ".manifest.json";

/// `datapackage.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DataPackage {
    pub profile: String,
    pub resources: Vec<Resource>,
    pub created: String,
    pub wacz_version: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub software: Option<String>,
}

/// One listed file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Resource {
    /// Lower-case file name (Frictionless names are unique and lower case).
    pub name: String,
    pub path: String,
    /// `sha256:` and the hex digest.
    pub hash: String,
    pub bytes: u64,
}

impl Resource {
    pub fn of(path: &str, data: &[u8]) -> Resource {
        Resource {
            name: path.rsplit('/').next().unwrap_or(path).to_lowercase(),
            path: path.to_string(),
            hash: sha256_tag(data),
            bytes: data.len() as u64,
        }
    }
}

/// `datapackage-digest.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PackageDigest {
    pub path: String,
    pub hash: String,
    #[serde(rename = "soiSignature")]
    pub signature: Option<PackageSignature>,
}

/// The installation's signature of `datapackage.json`'s bytes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PackageSignature {
    /// Always `Ed25519`.
    pub algorithm: String,
    /// The signer's 32-byte public key, hex.
    #[serde(rename = "publicKey")]
    pub public_key: String,
    /// The 64-byte signature, hex.
    pub signature: String,
}

/// `sha256:` and the hex digest of `data`, as WACZ writes hashes.
pub fn sha256_tag(data: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(data)))
}
