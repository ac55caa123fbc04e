//! Reading the log back: each whole line checked against its own digest, its number and the line
//! before it; the first entry that does not hold up named.

use soi_crawl::evidence::sha256_hex;

use super::{Chain, Entry, GENESIS, SELF_FIELD};
use crate::error::ChainBreak;

/// The log's lines: the whole ones (without their newline) and a torn last one.
pub(super) fn lines(bytes: &[u8]) -> (Vec<&[u8]>, Option<&[u8]>) {
    if bytes.is_empty() {
        return (vec![], None);
    }
    let mut whole: Vec<&[u8]> = bytes.split(|b| *b == b'\n').collect();
    let last = whole.pop().filter(|l| !l.is_empty());
    (whole, last)
}

/// `v`'s own digest: sha256 of its JSON with [`SELF_FIELD`] empty.
pub(super) fn digest(v: &serde_json::Value) -> Option<String> {
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
