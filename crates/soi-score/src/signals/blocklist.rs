//! Domains in the listing checked against the ChongLuaDao blocklist (scam and phishing domains
//! reported in Vietnam), and look-alikes of the marketplaces and banks Vietnamese buyers trust.
//!
//! Matching uses the host, its registrable domain and its look-alike skeleton, so
//! "xn--shpee-kye.vn" and "sh0pee.vn" match what the list and the brand table hold.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use soi_model::Listing;
use soi_text::{host_of, registrable, skeleton, EntityKind};

use super::{FieldText, Hit};
use crate::ScoreError;

/// A loaded blocklist.
#[derive(Debug, Default)]
pub struct Blocklist {
    /// Whole hosts on the list.
    hosts: HashSet<String>,
    /// Skeletons of those hosts, for disguised spellings.
    skeletons: HashSet<String>,
    /// Entries with a path (a page on a shared host such as facebook.com): host -> path prefixes.
    pages: HashMap<String, Vec<String>>,
    entries: usize,
}

/// `host` and lower-case path of a URL or domain, without scheme, `www.` or query.
fn host_and_path(url: &str) -> (String, String) {
    let host = host_of(url);
    let s = url.trim();
    let s = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"))
        .unwrap_or(s);
    let path = s
        .find('/')
        .map(|i| &s[i..])
        .unwrap_or("")
        .split(['?', '#'])
        .next()
        .unwrap_or("")
        .trim_end_matches('/')
        .to_lowercase();
    (host, path)
}

/// Brands people imitate, with their real registrable domains.
const BRANDS: &[(&str, &[&str])] = &[
    (
        "shopee",
        &[
            "shopee.vn",
            "shopee.com",
            "shopee.tw",
            "shopee.co.id",
            "shopee.sg",
            "shopee.ph",
            "shopee.com.my",
            "shopee.co.th",
        ],
    ),
    (
        "lazada",
        &[
            "lazada.vn",
            "lazada.com",
            "lazada.sg",
            "lazada.co.id",
            "lazada.com.ph",
            "lazada.co.th",
            "lazada.com.my",
        ],
    ),
    ("tiki", &["tiki.vn"]),
    ("sendo", &["sendo.vn"]),
    ("chotot", &["chotot.com", "chotot.vn"]),
    ("momo", &["momo.vn"]),
    ("zalopay", &["zalopay.vn"]),
    ("vietcombank", &["vietcombank.com.vn"]),
    ("techcombank", &["techcombank.com.vn", "techcombank.com"]),
    ("tiktok", &["tiktok.com"]),
];

impl Blocklist {
    /// Builds a blocklist from entries (hosts or URLs).
    pub fn from_entries<'a>(entries: impl IntoIterator<Item = &'a str>) -> Blocklist {
        let mut b = Blocklist::default();
        for e in entries {
            let (h, path) = host_and_path(e);
            if h.is_empty() {
                continue;
            }
            b.entries += 1;
            if path.is_empty() {
                b.skeletons.insert(skeleton(&h));
                b.hosts.insert(h);
            } else {
                b.pages.entry(h).or_default().push(path);
            }
        }
        b
    }

    /// Reads a CSV with an `entry` column (the ChongLuaDao export) or one entry per line.
    pub fn load(path: &Path) -> Result<Blocklist, ScoreError> {
        let text = std::fs::read_to_string(path).map_err(|e| ScoreError::io(path, e))?;
        let mut lines = text.lines();
        let header = lines.next().unwrap_or("");
        let has_header = header.trim_start_matches('\u{feff}').starts_with("entry");
        let first = (!has_header).then_some(header);
        let entries = first
            .into_iter()
            .chain(lines)
            .map(|l| l.split(',').next().unwrap_or("").trim())
            .filter(|e| !e.is_empty() && !e.starts_with('#'));
        let b = Blocklist::from_entries(entries);
        tracing::info!(path = %path.display(), entries = b.len(), "blocklist loaded");
        Ok(b)
    }

    /// Number of entries loaded.
    pub fn len(&self) -> usize {
        self.entries
    }

    pub fn is_empty(&self) -> bool {
        self.entries == 0
    }

    /// Is this URL or host listed? A listed host matches itself, its subdomains and disguised
    /// spellings of it (a host written with look-alike characters whose skeleton is listed); a
    /// listed page on a shared host matches only that page and below.
    pub fn contains(&self, url: &str) -> bool {
        let (host, path) = host_and_path(url);
        if self.hosts.contains(&host) || self.hosts.contains(registrable(&host)) {
            return true;
        }
        let skel = skeleton(&host);
        // A plain host that is its own skeleton is judged by the exact match above only, so the
        // real "shopee.vn" never matches the skeleton of a listed "sh0pee.vn".
        if skel != host && self.skeletons.contains(&skel) {
            return true;
        }
        self.pages.get(&host).is_some_and(|prefixes| {
            prefixes
                .iter()
                .any(|p| path == *p || path.starts_with(&format!("{p}/")))
        })
    }
}

/// A brand a host imitates without belonging to it.
pub fn imitated_brand(host: &str) -> Option<&'static str> {
    let reg = registrable(host);
    let skel = skeleton(host);
    BRANDS.iter().find_map(|(brand, official)| {
        let theirs = official.contains(&reg);
        (!theirs && skel.contains(brand)).then_some(*brand)
    })
}

pub(crate) fn domains(l: &Listing, fields: &[FieldText<'_>], bl: Option<&Blocklist>) -> Vec<Hit> {
    let mut out = Vec::new();
    let mut seen_block = false;
    let mut seen_brand = false;
    for f in fields {
        for e in f.entities.iter().filter(|e| e.kind == EntityKind::Url) {
            let written = soi_model::char_slice(f.text, e.start, e.end);
            if !seen_block && bl.is_some_and(|b| b.contains(written)) {
                seen_block = true;
                out.push(Hit {
                    code: "blocklisted_domain",
                    source: "blocklist",
                    field: f.field.to_string(),
                    start: e.start,
                    end: e.end,
                    strength: 1.0,
                    message: format!(
                        "Links to {}, a domain on the ChongLuaDao scam blocklist.",
                        e.value
                    ),
                    message_vi: format!(
                        "Dẫn tới {}, tên miền nằm trong danh sách lừa đảo của ChongLuaDao.",
                        e.value
                    ),
                    evidence: None,
                });
            } else if !seen_brand {
                if let Some(brand) = imitated_brand(&e.value) {
                    seen_brand = true;
                    out.push(Hit {
                        code: "lookalike_domain",
                        source: "blocklist",
                        field: f.field.to_string(),
                        start: e.start,
                        end: e.end,
                        strength: 1.0,
                        message: format!(
                            "Links to {}, which imitates {brand} but is not its domain.",
                            e.value
                        ),
                        message_vi: format!("Dẫn tới {}, tên miền giả mạo {brand}.", e.value),
                        evidence: None,
                    });
                }
            }
        }
    }
    if !seen_block {
        if let (Some(url), Some(b)) = (l.url.as_deref(), bl) {
            if b.contains(url) {
                out.push(Hit {
                    code: "blocklisted_domain",
                    source: "blocklist",
                    field: "url".into(),
                    start: 0,
                    end: url.chars().count(),
                    strength: 1.0,
                    message: "The listing itself is hosted on a blocklisted domain.".into(),
                    message_vi: "Tin đăng nằm trên tên miền thuộc danh sách lừa đảo.".into(),
                    evidence: None,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_host_registrable_and_lookalike() {
        let b = Blocklist::from_entries([
            "dangkyshopee.vn",
            "scam-shop.xyz",
            "sh0pee.vn",
            "https://www.facebook.com/fake.page/",
            "1.2.3.4",
        ]);
        assert!(b.contains("https://dangkyshopee.vn/login"));
        assert!(b.contains("m.scam-shop.xyz"));
        assert!(b.contains("dangkysh0pee.vn"));
        assert!(
            !b.contains("shopee.vn"),
            "the real domain is not its look-alike"
        );
        assert!(b.contains("facebook.com/fake.page/photos"));
        assert!(!b.contains("https://facebook.com/honest.shop"));
        assert!(!b.contains("facebook.com"));
        assert_eq!(imitated_brand("shopee-sale.xyz"), Some("shopee"));
        assert_eq!(imitated_brand("xn--shpee-kye.vn"), Some("shopee"));
        assert_eq!(imitated_brand("shopee.vn"), None);
        assert_eq!(imitated_brand("mall.shopee.vn"), None);
    }
}
