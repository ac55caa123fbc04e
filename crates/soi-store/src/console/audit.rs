//! The audit log's hash chain.
//!
//! Each row holds the sha256 of the row before it and its own sha256 over its fields and that
//! link, so editing, removing or reordering any row breaks every hash from there on. The first
//! row links to 64 zeros. Sequence numbers start at 1 and have no gaps.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The link of the first row.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One action on the record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub seq: u64,
    pub at: DateTime<Utc>,
    /// Who acted (a user name; `-` for a failed login of an unknown name).
    pub user: String,
    /// What was done: `login`, `login_failed`, `logout`, `view_seller`, `view_listing`,
    /// `view_evidence`, `label`, `case_create`, `case_update`, `export`, `refer_request`,
    /// `refer_approve`, `user_add`, `user_disable`, `user_reset`, ...
    pub action: String,
    /// What it was done to (`seller demo/s1`, `case C-0001`, ...).
    pub target: String,
    /// Free detail (a label value, a status change), JSON or text.
    pub detail: String,
    /// The client's address, or `cli` for a command on the server.
    pub address: String,
    pub prev_hash: String,
    pub hash: String,
}

/// An audit row before it is chained.
#[derive(Debug, Clone)]
pub struct NewAudit {
    pub user: String,
    pub action: String,
    pub target: String,
    pub detail: String,
    pub address: String,
}

impl AuditEntry {
    /// The row that follows `tail` (or the first row).
    pub fn next(tail: Option<&AuditEntry>, new: NewAudit) -> AuditEntry {
        let (seq, prev_hash) = match tail {
            Some(t) => (t.seq + 1, t.hash.clone()),
            None => (1, GENESIS.to_string()),
        };
        let mut e = AuditEntry {
            seq,
            // Whole microseconds: every store keeps them exactly, so the hash survives a round trip.
            at: micros(Utc::now()),
            user: new.user,
            action: new.action,
            target: new.target,
            detail: new.detail,
            address: new.address,
            prev_hash,
            hash: String::new(),
        };
        e.hash = chain_hash(&e);
        e
    }
}

fn micros(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(t.timestamp_micros()).unwrap_or(t)
}

/// The hash a row must hold: over its fields (not `hash`) and `prev_hash`, each length-prefixed
/// so that no two rows share an encoding.
pub fn chain_hash(e: &AuditEntry) -> String {
    let mut h = Sha256::new();
    let at = e.at.to_rfc3339_opts(SecondsFormat::Micros, true);
    for part in [
        e.seq.to_string().as_str(),
        &at,
        &e.user,
        &e.action,
        &e.target,
        &e.detail,
        &e.address,
        &e.prev_hash,
    ] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    hex::encode(h.finalize())
}

/// Where and why a chain does not hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("audit row {seq}: {why}")]
pub struct ChainBreak {
    pub seq: u64,
    pub why: String,
}

/// Checks rows given in order from the first.
pub fn verify_chain(rows: &[AuditEntry]) -> Result<(), ChainBreak> {
    let mut prev = GENESIS.to_string();
    for (i, r) in rows.iter().enumerate() {
        let want = i as u64 + 1;
        if r.seq != want {
            return Err(ChainBreak {
                seq: r.seq,
                why: format!("expected row {want} here: a row is missing or out of place"),
            });
        }
        if r.prev_hash != prev {
            return Err(ChainBreak {
                seq: r.seq,
                why: "its link does not match the hash of the row before it".into(),
            });
        }
        if chain_hash(r) != r.hash {
            return Err(ChainBreak {
                seq: r.seq,
                why: "its content does not match its hash: the row was changed".into(),
            });
        }
        prev = r.hash.clone();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new(action: &str) -> NewAudit {
        NewAudit {
            user: "an".into(),
            action: action.into(),
            target: "seller demo/s1".into(),
            detail: String::new(),
            address: "127.0.0.1".into(),
        }
    }

    fn chain(n: usize) -> Vec<AuditEntry> {
        let mut rows: Vec<AuditEntry> = Vec::new();
        for i in 0..n {
            let e = AuditEntry::next(rows.last(), new(&format!("a{i}")));
            rows.push(e);
        }
        rows
    }

    #[test]
    fn an_intact_chain_verifies() {
        assert_eq!(verify_chain(&chain(5)), Ok(()));
        assert_eq!(chain(1)[0].prev_hash, GENESIS);
    }

    #[test]
    fn edits_removals_and_swaps_are_named() {
        let mut edited = chain(4);
        edited[2].detail = "scam".into();
        assert_eq!(verify_chain(&edited).unwrap_err().seq, 3);

        let mut removed = chain(4);
        removed.remove(1);
        let e = verify_chain(&removed).unwrap_err();
        assert_eq!(e.seq, 3);
        assert!(e.why.contains("missing"), "{e}");

        // Rewriting a row with a fresh hash still breaks the next row's link.
        let mut rehashed = chain(4);
        rehashed[1].user = "someone else".into();
        rehashed[1].hash = chain_hash(&rehashed[1]);
        let e = verify_chain(&rehashed).unwrap_err();
        assert_eq!(e.seq, 3);
        assert!(e.why.contains("link"), "{e}");
    }
}
