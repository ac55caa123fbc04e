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

/// The log's lines: the whole ones (without their newline) and a torn last one.
fn lines(bytes: &[u8]) -> (Vec<&[u8]>, Option<&[u8]>) {
    if bytes.is_empty() {
        return (vec![], None);
    }
    let mut whole: Vec<&[u8]> = bytes.split(|b| *b == b'\n').collect();
    let last = whole.pop().filter(|l| !l.is_empty());
    (whole, last)
}

/// `v`'s own digest: sha256 of its JSON with [`SELF_FIELD`] empty.
fn digest(v: &serde_json::Value) -> Option<String> {
    let mut v = v.clone();
    *v.as_object_mut()?.get_mut(SELF_FIELD)? = serde_json::Value::String(String::new());
    Some(sha256_hex(&serde_json::to_vec(&v).ok()?))
}

/// Checks one whole line, entry number `n`, whose predecessor was `prev_line`.
fn check(n: usize, line: &[u8], prev_line: Option<&[u8]>) -> Result<Entry, ChainBreak> {
    let malformed = |why: String| ChainBreak::Malformed { entry: n, why };
    let v: serde_json::Value =
        serde_json::from_slice(line).map_err(|e| malformed(e.to_string()))?;
    let own = v.get(SELF_FIELD).and_then(|s| s.as_str());
    if own.is_none() || own != digest(&v).as_deref() {
        return Err(ChainBreak::Changed {
            entry: n,
            why: format!("its {SELF_FIELD} does not match its content"),
        });
    }
    let entry: Entry = serde_json::from_value(v).map_err(|e| malformed(e.to_string()))?;
    if entry.seq != n as u64 {
        return Err(ChainBreak::Renumbered {
            entry: n,
            seq: entry.seq,
        });
    }
    let want = prev_line.map_or_else(|| GENESIS.to_string(), sha256_hex);
    if entry.prev != want {
        return Err(match n {
            1 => ChainBreak::Changed {
                entry: 1,
                why: "its prev does not start a chain (entries before it were removed)".into(),
            },
            _ => ChainBreak::Changed {
                entry: n - 1,
                why: format!("entry {n}'s prev is not the sha256 of its line"),
            },
        });
    }
    Ok(entry)
}

/// Reads the log's bytes: every entry that parses, the head, and the first entry that does not
/// hold up (changed, renumbered, malformed or torn). Never panics on any bytes.
pub fn read_chain(bytes: &[u8]) -> Chain {
    let (whole, torn) = lines(bytes);
    let mut chain = Chain {
        head: whole.last().map(|l| sha256_hex(l)),
        ..Chain::default()
    };
    for (i, line) in whole.iter().enumerate() {
        let prev = i.checked_sub(1).map(|p| whole[p]);
        match check(i + 1, line, prev) {
            Ok(e) => chain.entries.push(e),
            Err(b) => {
                if let Ok(e) = serde_json::from_slice::<Entry>(line) {
                    chain.entries.push(e);
                }
                chain.broken.get_or_insert(b);
            }
        }
    }
    if torn.is_some() {
        chain.broken.get_or_insert(ChainBreak::Torn {
            entry: whole.len() + 1,
        });
    }
    chain
}

/// The log's entries when its chain holds from the first to the last; else the first entry that
/// does not hold up.
pub fn verify_chain(bytes: &[u8]) -> Result<Vec<Entry>, ChainBreak> {
    let chain = read_chain(bytes);
    match chain.broken {
        Some(b) => Err(b),
        None => Ok(chain.entries),
    }
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
mod tests {
    use super::*;

    fn who() -> Who {
        Who {
            operator: "alice".into(),
            host: "box".into(),
        }
    }

    fn three(dir: &Path) -> Custody {
        let log = Custody::open(dir);
        let t = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        let mut pack = Record::new(Action::Package);
        pack.listings = vec!["2001".into()];
        pack.sellers = vec!["s09".into()];
        pack.path = Some("/tmp/out.wacz".into());
        pack.sha256 = Some("ab".repeat(32));
        pack.captures = Some(4);
        pack.batches = Some(1);
        log.append(pack, &who(), t("2026-01-01T10:00:00Z")).unwrap();
        let mut export = Record::new(Action::Export);
        export.path = Some("/tmp/all.warc".into());
        export.captures = Some(9);
        log.append(export, &who(), t("2026-01-01T10:05:00Z"))
            .unwrap();
        let mut verify = Record::new(Action::Verify);
        verify.failures = 2;
        log.append(verify, &who(), t("2026-01-01T10:10:00Z"))
            .unwrap();
        log
    }

    fn set_line(log: &Custody, n: usize, change: impl Fn(&str) -> String) {
        let text = std::fs::read_to_string(log.path()).unwrap();
        let lines: Vec<String> = text
            .lines()
            .enumerate()
            .map(|(i, l)| if i + 1 == n { change(l) } else { l.to_string() })
            .collect();
        std::fs::write(log.path(), lines.join("\n") + "\n").unwrap();
    }

    #[test]
    fn three_appended_read_back_with_the_chain_whole() {
        let dir = tempfile::tempdir().unwrap();
        let log = three(dir.path());
        let chain = log.read().unwrap();
        assert_eq!(chain.broken, None);
        let e = &chain.entries;
        assert_eq!(e.len(), 3);
        assert_eq!(
            e.iter().map(|e| e.record.action).collect::<Vec<_>>(),
            [Action::Package, Action::Export, Action::Verify]
        );
        assert_eq!(e.iter().map(|e| e.seq).collect::<Vec<_>>(), [1, 2, 3]);
        assert_eq!(e[0].prev, GENESIS);
        let bytes = std::fs::read(log.path()).unwrap();
        let lines: Vec<&[u8]> = bytes.split(|b| *b == b'\n').collect();
        assert_eq!(e[1].prev, sha256_hex(lines[0]));
        assert_eq!(e[2].prev, sha256_hex(lines[1]));
        assert_eq!(chain.head, Some(sha256_hex(lines[2])));
        assert_eq!(
            (e[0].operator.as_str(), e[0].host.as_str()),
            ("alice", "box")
        );
        assert_eq!(e[0].record.sellers, ["s09"]);
        assert_eq!(e[0].outcome, Outcome::Ok);
        assert_eq!((e[2].outcome, e[2].record.failures), (Outcome::Failed, 2));
        assert_eq!(
            e[0].record.what(),
            "listing 2001 seller s09 -> /tmp/out.wacz (4 captures, 1 batch)"
        );
        assert_eq!(verify_chain(&bytes).unwrap(), chain.entries);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(log.path()).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn an_edited_middle_entry_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let log = three(dir.path());
        set_line(&log, 2, |l| l.replace("/tmp/all.warc", "/tmp/other.warc"));
        let broken = log.read().unwrap().broken.unwrap();
        assert!(
            matches!(broken, ChainBreak::Changed { entry: 2, .. }),
            "{broken:?}"
        );
        assert!(broken
            .to_string()
            .starts_with("custody entry 2 was changed"));

        // Edited with its own digest recomputed: the next entry's prev still names it.
        let dir2 = tempfile::tempdir().unwrap();
        let log = three(dir2.path());
        set_line(&log, 2, |l| {
            let mut v: serde_json::Value =
                serde_json::from_str(&l.replace("alice", "mallory")).unwrap();
            v[SELF_FIELD] = digest(&v).unwrap().into();
            v.to_string()
        });
        let broken = verify_chain(&std::fs::read(log.path()).unwrap()).unwrap_err();
        assert_eq!(
            broken,
            ChainBreak::Changed {
                entry: 2,
                why: "entry 3's prev is not the sha256 of its line".into()
            }
        );
    }

    #[test]
    fn an_edited_last_entry_and_a_removed_entry_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let log = three(dir.path());
        set_line(&log, 3, |l| l.replace("\"failures\":2", "\"failures\":0"));
        assert!(matches!(
            log.read().unwrap().broken,
            Some(ChainBreak::Changed { entry: 3, .. })
        ));

        let dir2 = tempfile::tempdir().unwrap();
        let log = three(dir2.path());
        set_line(&log, 2, |_| "DROP".into());
        let text = std::fs::read_to_string(log.path())
            .unwrap()
            .replace("DROP\n", "");
        std::fs::write(log.path(), text).unwrap();
        let chain = log.read().unwrap();
        assert_eq!(
            chain.broken,
            Some(ChainBreak::Renumbered { entry: 2, seq: 3 })
        );
        assert_eq!(chain.entries.len(), 2);
    }

    #[test]
    fn a_torn_last_line_is_reported_and_appending_refuses() {
        let dir = tempfile::tempdir().unwrap();
        let log = three(dir.path());
        let mut f = OpenOptions::new().append(true).open(log.path()).unwrap();
        f.write_all(b"{\"seq\":4,\"at\":\"2026-01-01T1").unwrap();
        drop(f);
        let chain = log.read().unwrap();
        assert_eq!(chain.broken, Some(ChainBreak::Torn { entry: 4 }));
        assert_eq!(chain.entries.len(), 3);
        let err = log.record(Record::new(Action::Export)).unwrap_err();
        assert!(
            matches!(
                &err,
                CustodyError::Torn {
                    source: ChainBreak::Torn { entry: 4 },
                    ..
                }
            ),
            "{err}"
        );
        assert!(err.to_string().contains("custody entry 4 is torn"), "{err}");
        // Any bytes at all: a report, never a panic.
        for junk in [
            &b"\n\n"[..],
            b"{}",
            b"[1]\n",
            b"\xff\xfe\n",
            b"{\"entry_sha256\":1}\n",
        ] {
            assert!(verify_chain(junk).is_err(), "{junk:?}");
        }
        assert_eq!(verify_chain(b""), Ok(vec![]));
    }

    #[test]
    fn who_comes_from_the_environment_in_order() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        let w = Who::from_sources(env(&[("SOI_OPERATOR", "ana"), ("USER", "root")]), None);
        assert_eq!((w.operator.as_str(), w.host.as_str()), ("ana", "unknown"));
        let w = Who::from_sources(
            env(&[("USER", "root"), ("HOSTNAME", "h2")]),
            Some("box\n".into()),
        );
        assert_eq!((w.operator.as_str(), w.host.as_str()), ("root", "box"));
        let w = Who::from_sources(env(&[("SOI_OPERATOR", " "), ("HOSTNAME", "h2")]), None);
        assert_eq!((w.operator.as_str(), w.host.as_str()), ("unknown", "h2"));
    }
}
