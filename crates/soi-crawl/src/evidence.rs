//! The evidence store: every fetched page kept byte for byte, content-addressed by sha256, with
//! a log of when it was fetched from where, with which status and headers.
//!
//! Layout under the folder: `bodies/ab/abcdef...` (the body, named by its sha256) and
//! `records.jsonl` (one [`EvidenceRecord`] per fetch, appended). A listing's `evidence_sha256`
//! names its body; the log says when and where it was seen.
//!
//! Why it is careful on disk: evidence must stand up later, and a power cut must not leave an
//! empty or half file that counts as "present" forever. Bodies are written to a temporary file,
//! fsynced, renamed into place and the folder fsynced; every read checks the body's length and
//! sha256 against its name, and a body that does not match is reported as
//! [`EvidenceError::Corrupt`] and rewritten by the next capture of the same content. Pages can
//! hold personal data (seller names, phone numbers), so files are created 0600 and folders 0700
//! (at creation, on Unix). A torn last line in the log (a crash mid-append) skips that one record
//! with a warning.
//!
//! A [`CaptureHook`] (set with [`EvidenceStore::with_hook`]) hears of every logged fetch; the
//! `soi-evidence` crate uses it to seal captures into signed batches while a crawl runs.

use std::fs::{self, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::durable::{self, private_dirs, private_file};
use crate::EvidenceError;

/// One fetch of one page. A `304` record stores no body: `sha256` names the body the page
/// still had.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvidenceRecord {
    pub sha256: String,
    pub url: String,
    pub fetched_at: DateTime<Utc>,
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub bytes: u64,
}

/// Told of every fetch once its record is logged. It runs while the log is locked, so it sees
/// the log whole and no other fetch is logged meanwhile: keep it short.
pub trait CaptureHook: Send + Sync {
    fn captured(&self, store: &EvidenceStore, rec: &EvidenceRecord);
}

/// A folder of evidence.
pub struct EvidenceStore {
    dir: PathBuf,
    log: Mutex<()>,
    hook: Option<Arc<dyn CaptureHook>>,
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> EvidenceError + '_ {
    move |source| EvidenceError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// sha256 of `body`, hex.
pub fn sha256_hex(body: &[u8]) -> String {
    hex::encode(Sha256::digest(body))
}

impl EvidenceStore {
    /// Opens (creating) the store in `dir`, usually `<state>/evidence`.
    pub fn open(dir: impl Into<PathBuf>) -> Result<EvidenceStore, EvidenceError> {
        let dir = dir.into();
        let bodies = dir.join("bodies");
        private_dirs(&bodies).map_err(io(&bodies))?;
        Ok(EvidenceStore {
            dir,
            log: Mutex::new(()),
            hook: None,
        })
    }

    /// The same store, telling `hook` of every fetch logged from now on.
    pub fn with_hook(mut self, hook: Arc<dyn CaptureHook>) -> EvidenceStore {
        self.hook = Some(hook);
        self
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn body_path(&self, sha: &str) -> PathBuf {
        let prefix = sha.get(..2).unwrap_or("xx");
        self.dir.join("bodies").join(prefix).join(sha)
    }

    /// Stores a body (once per distinct content) and logs the fetch.
    pub fn put(
        &self,
        url: &str,
        status: u16,
        headers: &[(String, String)],
        body: &[u8],
        fetched_at: DateTime<Utc>,
    ) -> Result<EvidenceRecord, EvidenceError> {
        let sha = sha256_hex(body);
        let path = self.body_path(&sha);
        let stored = fs::metadata(&path).is_ok_and(|m| m.len() == body.len() as u64)
            && self.body(&sha).is_ok();
        if !stored {
            if path.exists() {
                tracing::warn!(path = %path.display(), "evidence body was corrupt; rewriting it");
            }
            durable::write(&path, body).map_err(io(&path))?;
        }
        let rec = EvidenceRecord {
            sha256: sha,
            url: url.to_string(),
            fetched_at,
            status,
            headers: headers.to_vec(),
            bytes: body.len() as u64,
        };
        self.append(&rec)?;
        Ok(rec)
    }

    /// Logs a `304 Not Modified` answer: the page at `url` was still the body `sha` at `at`.
    /// No body is stored; the record points at the earlier one.
    pub fn log_not_modified(
        &self,
        url: &str,
        headers: &[(String, String)],
        sha: &str,
        at: DateTime<Utc>,
    ) -> Result<EvidenceRecord, EvidenceError> {
        let rec = EvidenceRecord {
            sha256: sha.to_string(),
            url: url.to_string(),
            fetched_at: at,
            status: 304,
            headers: headers.to_vec(),
            bytes: 0,
        };
        self.append(&rec)?;
        Ok(rec)
    }

    fn append(&self, rec: &EvidenceRecord) -> Result<(), EvidenceError> {
        let mut line = serde_json::to_vec(rec).unwrap_or_default();
        line.push(b'\n');
        let log = self.dir.join("records.jsonl");
        let _guard = self.log.lock().unwrap_or_else(|p| p.into_inner());
        let mut f = private_file(OpenOptions::new().create(true).append(true))
            .open(&log)
            .map_err(io(&log))?;
        // One write per record, so a crash tears at most the last line.
        f.write_all(&line).map_err(io(&log))?;
        if let Some(hook) = &self.hook {
            hook.captured(self, rec);
        }
        Ok(())
    }

    /// Whether a sound body with this sha256 is stored (present, and its bytes hash to `sha`).
    pub fn has(&self, sha: &str) -> bool {
        !sha.is_empty() && self.body(sha).is_ok()
    }

    /// The stored body with this sha256; [`EvidenceError::Corrupt`] when the file's bytes do not
    /// hash to `sha` (a torn or damaged write).
    pub fn body(&self, sha: &str) -> Result<Vec<u8>, EvidenceError> {
        let path = self.body_path(sha);
        let bytes = fs::read(&path).map_err(io(&path))?;
        let actual = sha256_hex(&bytes);
        if actual != sha {
            return Err(EvidenceError::Corrupt {
                path,
                why: format!("{} bytes whose sha256 is {actual}", bytes.len()),
            });
        }
        Ok(bytes)
    }

    /// Every fetch logged, oldest first.
    pub fn records(&self) -> Result<Vec<EvidenceRecord>, EvidenceError> {
        let log = self.dir.join("records.jsonl");
        let f = match fs::File::open(&log) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(vec![]),
            Err(e) => return Err(io(&log)(e)),
        };
        let mut out = vec![];
        for (i, line) in BufReader::new(f).split(b'\n').enumerate() {
            let line = line.map_err(io(&log))?;
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            match serde_json::from_slice(&line) {
                Ok(rec) => out.push(rec),
                Err(e) => tracing::warn!(
                    log = %log.display(),
                    line = i + 1,
                    error = %e,
                    "evidence record is torn or invalid; skipping it"
                ),
            }
        }
        Ok(out)
    }
}
