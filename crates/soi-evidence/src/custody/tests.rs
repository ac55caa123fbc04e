//! The custody log's tests: append and read back, edits, removals and torn lines named.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::Path;

use chrono::{DateTime, Utc};
use soi_crawl::evidence::sha256_hex;

use super::chain::digest;
use super::*;
use crate::error::{ChainBreak, CustodyError};

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
