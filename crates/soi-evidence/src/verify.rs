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
    /// A file of a WACZ package, by its path inside the package.
    File(String),
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
    /// A package's file does not hash to (or is not) what its `datapackage.json` lists.
    Hash,
    /// A package is not a readable WACZ (zip, listing, digest).
    Package,
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
            Subject::File(path) => write!(f, "file {path}"),
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
            Check::Hash => "file hash",
            Check::Package => "package",
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
        let sealed = BatchFiles {
            manifest: &bytes,
            signature: batches.signature(&id).map_err(|e| e.to_string()),
            token: batches.token(&id).map_err(|e| e.to_string()),
        };
        let Some(manifest) = check_batch(&sealed, key, anchors, &mut report, fail) else {
            continue;
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

/// A batch's three files as read (a read error is the failure's detail).
pub(crate) struct BatchFiles<'a> {
    pub manifest: &'a [u8],
    pub signature: Result<Vec<u8>, String>,
    pub token: Result<Option<Vec<u8>>, String>,
}

/// Checks a batch's signature and token and parses its manifest, counting into `report` and
/// recording failures made by `fail`; the manifest when it is readable and canonical.
pub(crate) fn check_batch(
    b: &BatchFiles<'_>,
    key: &VerifyingKey,
    anchors: Option<&TrustAnchors>,
    report: &mut Report,
    fail: impl Fn(Check, String) -> Failure,
) -> Option<Manifest> {
    let signature = b.signature.as_deref().map_err(|e| e.clone());
    if let Err(why) = signature.and_then(|sig| check_signature(b.manifest, sig, key)) {
        report.failures.push(fail(Check::Signature, why));
    }
    match &b.token {
        Ok(Some(t)) => match token::verify(t, b.manifest, anchors) {
            Ok(_) => report.timestamped += 1,
            Err(e) => report.failures.push(fail(Check::Timestamp, e.to_string())),
        },
        Ok(None) => report.not_timestamped += 1,
        Err(e) => report.failures.push(fail(Check::Timestamp, e.clone())),
    }
    match Manifest::from_bytes(b.manifest) {
        Ok(m) => Some(m),
        Err(why) => {
            report.failures.push(fail(Check::Manifest, why));
            None
        }
    }
}

/// Whether `sig` is the Ed25519 signature of `message` by `key`; why not otherwise.
pub(crate) fn check_signature(
    message: &[u8],
    sig: &[u8],
    key: &VerifyingKey,
) -> Result<(), String> {
    let sig = Signature::from_slice(sig)
        .map_err(|_| format!("{} bytes are not an Ed25519 signature", sig.len()))?;
    key.verify_strict(message, &sig)
        .map_err(|_| "the signed bytes do not match the signature with this public key".to_string())
}
