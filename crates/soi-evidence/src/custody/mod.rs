//! The chain of custody: who exported, packaged or verified which evidence, from where, when,
//! with which hashes and what came of it.
//!
//! `evidence/custody.jsonl` is append-only JSON Lines, one [`Entry`] per action. Each entry
//! carries `prev`, the sha256 of the previous line's bytes (without its newline; [`GENESIS`] for
//! the first), and `entry_sha256`, the sha256 of its own JSON with that field empty (keys in
//! [`serde_json::Value`]'s order). So an entry edited in place no longer matches its own digest,
//! an entry edited with its digest recomputed no longer matches the next entry's `prev`, and an
//! entry removed or inserted leaves the numbering (`seq`, the line number) out of step:
//! [`verify_chain`] names the first entry that does not hold up ([`ChainBreak`]). Removing the
//! newest entries leaves a shorter chain that still holds, which is why `soi evidence log` prints
//! the head (the last line's sha256): an operator who notes it elsewhere can tell.
//!
//! Appends are one write of a whole line under an exclusive lock on the file, fsynced (and the
//! folder fsynced when the file is new), to a file created 0600 in a folder 0700
//! (`soi_crawl::durable`). A crash mid-append leaves a last line without its newline: reading
//! reports it as [`ChainBreak::Torn`], and appending refuses ([`CustodyError::Torn`]) rather than
//! chain onto half a record.

use std::fs::OpenOptions;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use soi_crawl::durable::{private_dirs, private_file};
use soi_crawl::evidence::sha256_hex;

use crate::error::{ChainBreak, CustodyError};

mod chain;

use chain::{digest, lines};
pub use chain::{read_chain, verify_chain};

/// The log's file name inside the evidence folder.
pub const FILE: &str = "custody.jsonl";

/// The `prev` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

const SELF_FIELD: &str = "entry_sha256";

/// What was done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// `soi evidence export --warc`.
    Export,
    /// `soi evidence package`.
    Package,
    /// `soi evidence verify --all` or `verify FILE.wacz`.
    Verify,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Export => "export",
            Action::Package => "package",
            Action::Verify => "verify",
        }
    }
}

/// `ok`, or `failed` with [`Record::failures`] failures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Ok,
    Failed,
}

/// Who acted: the operator (`SOI_OPERATOR`, else `USER`, else `unknown`) on which host
/// (`/etc/hostname`, else `HOSTNAME`, else `unknown`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Who {
    pub operator: String,
    pub host: String,
}

impl Who {
    /// This process's operator and host.
    pub fn current() -> Who {
        Who::from_sources(
            |k| std::env::var(k).ok(),
            std::fs::read_to_string("/etc/hostname").ok(),
        )
    }

    /// From environment lookups and the contents of `/etc/hostname`, if read.
    pub fn from_sources(
        env: impl Fn(&str) -> Option<String>,
        hostname_file: Option<String>,
    ) -> Who {
        let given = |v: Option<String>| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        let operator = given(env("SOI_OPERATOR"))
            .or_else(|| given(env("USER")))
            .unwrap_or_else(|| "unknown".into());
        let host = given(hostname_file)
            .or_else(|| given(env("HOSTNAME")))
            .unwrap_or_else(|| "unknown".into());
        Who { operator, host }
    }
}

/// What the caller did, as it knows it; the log adds who, when, the outcome and the chain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub action: Action,
    /// Listing ids asked for.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub listings: Vec<String>,
    /// Seller ids asked for.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sellers: Vec<String>,
    /// Console case ids asked for.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cases: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub marketplace: Option<String>,
    /// The file written (export, package), the package verified, or the folder verified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// sha256 of the file written or of the package verified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// Its size.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bytes: Option<u64>,
    /// Captures involved (WARC records exported, pages packaged, captures verified).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub captures: Option<u64>,
    /// Signed batches involved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batches: Option<u64>,
    /// Failures found (verification); 0 is `ok`.
    #[serde(default)]
    pub failures: u64,
}

impl Record {
    pub fn new(action: Action) -> Record {
        Record {
            action,
            listings: vec![],
            sellers: vec![],
            cases: vec![],
            marketplace: None,
            path: None,
            sha256: None,
            bytes: None,
            captures: None,
            batches: None,
            failures: 0,
        }
    }

    /// The same record for the file at `path`, with that file's sha256 and size.
    pub fn with_file(mut self, path: &Path) -> Result<Record, CustodyError> {
        let bytes = std::fs::read(path).map_err(|source| CustodyError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        self.path = Some(path.display().to_string());
        self.sha256 = Some(sha256_hex(&bytes));
        self.bytes = Some(bytes.len() as u64);
        Ok(self)
    }

    /// One line on what was asked and involved: `listing 2001 seller s09 -> out.wacz (3
    /// captures, 1 batch)`.
    pub fn what(&self) -> String {
        let mut parts = vec![];
        if let Some(m) = &self.marketplace {
            parts.push(format!("marketplace {m}"));
        }
        if !self.listings.is_empty() {
            parts.push(format!("listing {}", self.listings.join(",")));
        }
        if !self.sellers.is_empty() {
            parts.push(format!("seller {}", self.sellers.join(",")));
        }
        if !self.cases.is_empty() {
            parts.push(format!("case {}", self.cases.join(",")));
        }
        if let Some(p) = &self.path {
            let arrow = if self.action == Action::Verify {
                ""
            } else {
                "-> "
            };
            parts.push(format!("{arrow}{p}"));
        }
        let mut counts = vec![];
        let plural = |n: u64, one: &str| format!("{n} {one}{}", if n == 1 { "" } else { "es" });
        if let Some(n) = self.captures {
            counts.push(format!("{n} capture{}", if n == 1 { "" } else { "s" }));
        }
        if let Some(n) = self.batches {
            counts.push(plural(n, "batch"));
        }
        if !counts.is_empty() {
            parts.push(format!("({})", counts.join(", ")));
        }
        parts.join(" ")
    }
}

/// One line of the log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// Its line number, from 1.
    pub seq: u64,
    pub at: DateTime<Utc>,
    pub operator: String,
    pub host: String,
    #[serde(flatten)]
    pub record: Record,
    pub outcome: Outcome,
    /// sha256 of the previous line's bytes ([`GENESIS`] for the first).
    pub prev: String,
    /// sha256 of this entry's JSON with this field empty.
    #[serde(default)]
    pub entry_sha256: String,
}

/// What a read of the log found: the entries that parse, the head and the first break.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Chain {
    pub entries: Vec<Entry>,
    /// sha256 of the last whole line: what the next entry's `prev` will be.
    pub head: Option<String>,
    /// The first entry that does not hold up, if one does not.
    pub broken: Option<ChainBreak>,
}

/// The custody log of one evidence folder.
pub struct Custody {
    path: PathBuf,
}

impl Custody {
    /// The log of the evidence folder `evidence_dir` (nothing is touched until used).
    pub fn open(evidence_dir: &Path) -> Custody {
        Custody {
            path: evidence_dir.join(FILE),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn io(&self) -> impl FnOnce(std::io::Error) -> CustodyError + '_ {
        move |source| CustodyError::Io {
            path: self.path.clone(),
            source,
        }
    }

    /// Appends `rec` as done now by this process's operator on this host.
    pub fn record(&self, rec: Record) -> Result<Entry, CustodyError> {
        self.append(rec, &Who::current(), Utc::now())
    }

    /// Appends `rec` as done by `who` at `at`, chained to the last line.
    pub fn append(&self, rec: Record, who: &Who, at: DateTime<Utc>) -> Result<Entry, CustodyError> {
        let dir = match self.path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        private_dirs(dir).map_err(self.io())?;
        let created = !self.path.exists();
        let mut f = private_file(OpenOptions::new().read(true).append(true).create(true))
            .open(&self.path)
            .map_err(self.io())?;
        f.lock().map_err(self.io())?;
        let mut bytes = vec![];
        f.read_to_end(&mut bytes).map_err(self.io())?;
        let (whole, torn) = lines(&bytes);
        if torn.is_some() {
            return Err(CustodyError::Torn {
                path: self.path.clone(),
                source: ChainBreak::Torn {
                    entry: whole.len() + 1,
                },
            });
        }
        let entry = Entry {
            seq: whole.len() as u64 + 1,
            at,
            operator: who.operator.clone(),
            host: who.host.clone(),
            outcome: if rec.failures == 0 {
                Outcome::Ok
            } else {
                Outcome::Failed
            },
            record: rec,
            prev: whole
                .last()
                .map_or_else(|| GENESIS.to_string(), |l| sha256_hex(l)),
            entry_sha256: String::new(),
        };
        let mut v = serde_json::to_value(&entry).map_err(|e| self.io()(e.into()))?;
        let own = digest(&v).unwrap_or_default();
        v[SELF_FIELD] = serde_json::Value::String(own.clone());
        let mut line = serde_json::to_vec(&v).map_err(|e| self.io()(e.into()))?;
        line.push(b'\n');
        // One write per entry, so a crash tears at most the last line.
        f.write_all(&line).map_err(self.io())?;
        f.sync_all().map_err(self.io())?;
        #[cfg(unix)]
        if created {
            std::fs::File::open(dir)
                .and_then(|d| d.sync_all())
                .map_err(self.io())?;
        }
        #[cfg(not(unix))]
        let _ = created;
        Ok(Entry {
            entry_sha256: own,
            ..entry
        })
    }

    /// The log as it is on disk (empty when there is none yet).
    pub fn read(&self) -> Result<Chain, CustodyError> {
        match std::fs::read(&self.path) {
            Ok(bytes) => Ok(read_chain(&bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Chain::default()),
            Err(e) => Err(self.io()(e)),
        }
    }
}

#[cfg(test)]
mod tests;
