//! `soi evidence verify --all`: every body's hash, every manifest's signature and every timestamp
//! token, each failure named by what failed (a capture or a batch) and which check.
//!
//! A manifest changed after signing fails its signature *and* its timestamp (the token's imprint
//! is the manifest's sha256); a signature changed alone fails only the signature. Captures the log
//! holds but no batch covers yet are counted, not failed: they are the open batch.

use std::fmt;
use std::path::Path;

use ed25519_dalek::{Signature, VerifyingKey};
use soi_crawl::EvidenceStore;

use crate::batches::Batches;
use crate::error::Error;
use crate::manifest::Manifest;
use crate::token::{self, TrustAnchors};

/// What a failure is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    Batch(String),
    Capture {
        batch: String,
        record: usize,
        sha256: String,
        url: String,
    },
}

/// Which check failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// The stored body is missing or does not hash to the manifest's sha256.
    Body,
    /// The evidence log's record differs from the signed manifest's entry.
    Record,
    /// The manifest is unreadable or not canonical.
    Manifest,
    /// The Ed25519 signature does not verify with the public key.
    Signature,
    /// The RFC 3161 token does not verify or timestamps another manifest.
    Timestamp,
}

/// One failed check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub subject: Subject,
    pub check: Check,
    pub detail: String,
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Subject::Batch(id) => write!(f, "batch {id}"),
            Subject::Capture {
                batch,
                record,
                sha256,
                url,
            } => write!(
                f,
                "capture {record} of batch {batch} ({url}, sha256 {sha256})"
            ),
        }
    }
}

impl fmt::Display for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Check::Body => "body hash",
            Check::Record => "evidence record",
            Check::Manifest => "manifest",
            Check::Signature => "signature",
            Check::Timestamp => "timestamp",
        })
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} check failed: {}",
            self.subject, self.check, self.detail
        )
    }
}

/// What a verification found.
#[derive(Debug, Default)]
pub struct Report {
    pub batches: usize,
    pub captures: usize,
    pub timestamped: usize,
    /// Batches without a token (signed only).
    pub not_timestamped: usize,
    /// Logged captures no batch covers yet.
    pub unsealed: usize,
    pub failures: Vec<Failure>,
}

impl Report {
    pub fn ok(&self) -> bool {
        self.failures.is_empty()
    }
}

/// Verifies every batch of the evidence folder `dir` against the public key `key` (and the TSA's
/// CA, when given).
pub fn verify_all(
    dir: &Path,
    key: &VerifyingKey,
    anchors: Option<&TrustAnchors>,
) -> Result<Report, Error> {
    let store = EvidenceStore::open(dir)?;
    let records = store.records()?;
    let batches = Batches::open(dir)?;
    let mut covered = vec![false; records.len()];
    let mut report = Report::default();
    for id in batches.ids()? {
        report.batches += 1;
        let fail = |check, detail: String| Failure {
            subject: Subject::Batch(id.clone()),
            check,
            detail,
        };
        let bytes = match batches.manifest_bytes(&id) {
            Ok(b) => b,
            Err(e) => {
                report.failures.push(fail(Check::Manifest, e.to_string()));
                continue;
            }
        };
        if let Err(why) = check_signature(&batches, &id, &bytes, key) {
            report.failures.push(fail(Check::Signature, why));
        }
        match batches.token(&id) {
            Ok(Some(t)) => match token::verify(&t, &bytes, anchors) {
                Ok(_) => report.timestamped += 1,
                Err(e) => report.failures.push(fail(Check::Timestamp, e.to_string())),
            },
            Ok(None) => report.not_timestamped += 1,
            Err(e) => report.failures.push(fail(Check::Timestamp, e.to_string())),
        }
        let manifest = match Manifest::from_bytes(&bytes) {
            Ok(m) => m,
            Err(why) => {
                report.failures.push(fail(Check::Manifest, why));
                continue;
            }
        };
        for c in &manifest.captures {
            report.captures += 1;
            let fail = |check, detail: String| Failure {
                subject: Subject::Capture {
                    batch: id.clone(),
                    record: c.record,
                    sha256: c.sha256.clone(),
                    url: c.url.clone(),
                },
                check,
                detail,
            };
            if let Err(e) = store.body(&c.sha256) {
                report.failures.push(fail(Check::Body, e.to_string()));
            }
            match records.get(c.record) {
                Some(r) if c.matches(r) => covered[c.record] = true,
                Some(r) => report.failures.push(fail(
                    Check::Record,
                    format!(
                        "the log says {} {} at {} (sha256 {}), the manifest otherwise",
                        r.status,
                        r.url,
                        r.fetched_at.to_rfc3339(),
                        r.sha256
                    ),
                )),
                None => report.failures.push(fail(
                    Check::Record,
                    "the evidence log has no such record".into(),
                )),
            }
        }
    }
    report.unsealed = covered.iter().filter(|c| !**c).count();
    Ok(report)
}

fn check_signature(
    batches: &Batches,
    id: &str,
    manifest: &[u8],
    key: &VerifyingKey,
) -> Result<(), String> {
    let sig = batches.signature(id).map_err(|e| e.to_string())?;
    let sig = Signature::from_slice(&sig)
        .map_err(|_| format!("{} bytes are not an Ed25519 signature", sig.len()))?;
    key.verify_strict(manifest, &sig).map_err(|_| {
        "the manifest's bytes do not match its signature with this public key".to_string()
    })
}
