//! Domains in the listing checked against the ChongLuaDao blocklist (scam and phishing domains
//! reported in Vietnam), and look-alikes of the marketplaces and banks Vietnamese buyers trust.
//!
//! Matching uses the host, its registrable domain and its look-alike skeleton, so
//! "xn--shpee-kye.vn" and "sh0pee.vn" match what the list and the brand table hold.

use std::collections::HashSet;
use std::path::Path;

use soi_model::Listing;
use soi_text::{host_of, registrable, skeleton, EntityKind};

use super::{FieldText, Hit};
use crate::ScoreError;

/// A loaded blocklist.
#[derive(Debug, Default)]
pub struct Blocklist {
    hosts: HashSet<String>,
    skeletons: HashSet<String>,
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
            let h = host_of(e);
            if h.is_empty() {
                continue;
            }
            b.skeletons.insert(skeleton(&h));
            b.hosts.insert(h);
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

    pub fn len(&self) -> usize {
        self.hosts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.hosts.is_empty()
    }

    /// Is this host (or its registrable domain, or its look-alike skeleton) listed?
    pub fn contains(&self, host: &str) -> bool {
        let host = host_of(host);
        self.hosts.contains(&host)
            || self.hosts.contains(registrable(&host))
            || self.skeletons.contains(&skeleton(&host))
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
            if !seen_block && bl.is_some_and(|b| b.contains(&e.value)) {
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
        let b =
            Blocklist::from_entries(["dangkyshopee.vn", "http://scam-shop.xyz/path", "1.2.3.4"]);
        assert!(b.contains("https://dangkyshopee.vn/login"));
        assert!(b.contains("m.scam-shop.xyz"));
        assert!(b.contains("dangkysh0pee.vn"));
        assert!(!b.contains("shopee.vn"));
        assert_eq!(imitated_brand("shopee-sale.xyz"), Some("shopee"));
        assert_eq!(imitated_brand("xn--shpee-kye.vn"), Some("shopee"));
        assert_eq!(imitated_brand("shopee.vn"), None);
        assert_eq!(imitated_brand("mall.shopee.vn"), None);
    }
}
