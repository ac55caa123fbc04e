//! File names for the report's folders and files, made from outside strings (seller countries,
//! marketplaces, seller ids), and the check that every path written stays under `--out`.
//!
//! Why: those strings come from scraped pages and JSON input. A country of `..` or a seller id
//! of `../../etc` must not put a file outside the report folder, and the sellers `a/b` and `a_b`
//! must not share (and overwrite) one dossier. So a key is used as it is only when it is already
//! a plain name: ASCII letters, digits, `.`, `_` and `-`, not starting with `.`, at most
//! [`MAX_KEPT`] characters and no Windows device name. Any other key has the characters outside
//! that set replaced by `_`, is cut to [`MAX_KEPT`] characters, and gets `~` and 12 hex digits
//! of the SHA-256 of the original. `~` never occurs in a kept name, so a changed name can never
//! equal a kept one, and two changed names differ by their hashes. Reports travel to agencies
//! that open them on case-insensitive file systems, so [`unique`] also gives the hashed form to
//! names that differ only in case within one folder.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::ReportError;

/// Longest key kept as it is, and longest readable part of a changed one.
pub const MAX_KEPT: usize = 64;

/// Hex digits of the original's SHA-256 in a changed name.
const HASH_HEX: usize = 12;

/// Names Windows reserves for devices, in any case and with any extension.
const DEVICES: &[&str] = &[
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8",
    "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

fn allowed(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')
}

fn kept(key: &str) -> bool {
    let stem = key
        .split('.')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    !key.is_empty()
        && key.len() <= MAX_KEPT
        && key.chars().all(allowed)
        && !key.starts_with('.')
        && !key.ends_with('.')
        && !DEVICES.contains(&stem.as_str())
}

/// The hashed form: the readable part of `key` and a hash of `identity` (see the module doc).
fn hashed(key: &str, identity: &str) -> String {
    let readable: String = key
        .chars()
        .map(|c| if allowed(c) { c } else { '_' })
        .skip_while(|c| *c == '.')
        .take(MAX_KEPT)
        .collect();
    let readable = if readable.is_empty() { "_" } else { &readable };
    let hash = hex::encode(Sha256::digest(identity.as_bytes()));
    format!("{readable}~{}", &hash[..HASH_HEX])
}

/// A safe file name for any `key`: the key itself when it is a plain name, else its hashed form.
pub fn file_name(key: &str) -> String {
    if kept(key) {
        key.to_string()
    } else {
        hashed(key, key)
    }
}

/// File names for the entries of one folder, each given as `(key, identity)`: `key` is what the
/// name should read like, `identity` what tells entries apart (entries with equal identities
/// are one entry). The names differ from each other even when compared without case.
pub fn unique<'a>(entries: impl IntoIterator<Item = (&'a str, &'a str)>) -> Vec<String> {
    let entries: Vec<(&str, &str)> = entries.into_iter().collect();
    let names: Vec<String> = entries
        .iter()
        .map(|(k, id)| {
            if kept(k) {
                k.to_string()
            } else {
                hashed(k, id)
            }
        })
        .collect();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for n in &names {
        *seen.entry(n.to_lowercase()).or_default() += 1;
    }
    names
        .into_iter()
        .zip(&entries)
        .map(|(n, (k, id))| {
            if seen[&n.to_lowercase()] > 1 {
                hashed(k, id)
            } else {
                n
            }
        })
        .collect()
}

/// `out` joined with the relative path `rel`, refused when `rel` could leave `out`: anything but
/// plain names (`..`, `.`, a root, a drive) is an escape.
pub fn under(out: &Path, rel: &str) -> Result<PathBuf, ReportError> {
    let escape = || ReportError::Escape {
        out: out.display().to_string(),
        path: rel.to_string(),
    };
    let p = Path::new(rel);
    if rel.is_empty() || !p.components().all(|c| matches!(c, Component::Normal(_))) {
        return Err(escape());
    }
    Ok(out.join(p))
}

/// Refuses `path` when, with links resolved, its folder is not inside `root` (already resolved),
/// or when it is itself a symbolic link (writing would follow it).
pub fn still_under(root: &Path, path: &Path) -> Result<(), ReportError> {
    let escape = || ReportError::Escape {
        out: root.display().to_string(),
        path: path.display().to_string(),
    };
    let dir = path.parent().ok_or_else(escape)?;
    let real = dir.canonicalize().map_err(|_| escape())?;
    if !real.starts_with(root) {
        return Err(escape());
    }
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => Err(escape()),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_names_are_kept() {
        for k in ["CN", "ZZ", "shopee--s09", "a_b", "v1.2-x"] {
            assert_eq!(file_name(k), k);
        }
    }

    #[test]
    fn hostile_names_are_changed_and_hashed() {
        for k in [
            "..",
            ".",
            "",
            "../../etc",
            "a/b",
            "a\\b",
            ".hidden",
            "con",
            "Nul.txt",
            "x.",
        ] {
            let n = file_name(k);
            assert!(n.contains('~'), "{k:?} -> {n}");
            assert!(n.chars().all(|c| allowed(c) || c == '~'), "{k:?} -> {n}");
            assert!(!n.starts_with('.'), "{k:?} -> {n}");
        }
        assert_ne!(file_name("a/b"), file_name("a_b"));
        assert_ne!(file_name("a/b"), file_name("a\\b"));
        assert!(file_name(&"x".repeat(500)).len() <= MAX_KEPT + 1 + HASH_HEX);
        assert!(file_name("Cửa hàng").starts_with("C_a_h_ng~"));
    }

    #[test]
    fn unique_separates_case_and_equal_keys() {
        let n = unique([
            ("AB", "AB"),
            ("ab", "ab"),
            ("x--y", "1"),
            ("x--y", "2"),
            ("k", "k"),
        ]);
        assert_eq!(n[4], "k");
        let lower: std::collections::BTreeSet<String> =
            n.iter().map(|s| s.to_lowercase()).collect();
        assert_eq!(lower.len(), n.len(), "{n:?}");
    }

    #[test]
    fn under_refuses_escapes() {
        let out = Path::new("/r");
        assert!(under(out, "CN/report.html").is_ok());
        for rel in ["../x", "CN/../../x", "/etc/passwd", "", "./x"] {
            assert!(
                matches!(under(out, rel), Err(ReportError::Escape { .. })),
                "{rel}"
            );
        }
    }
}
