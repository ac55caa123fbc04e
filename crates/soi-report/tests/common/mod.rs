//! What the report's tests share: a scored listing of a seller, the report's parameters for
//! November 2026, and reading back what a report wrote.
#![allow(dead_code)] // each test file uses part of it

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{DateTime, TimeZone, Utc};
use sha2::{Digest, Sha256};
use soi_model::{Listing, Reason, Scored, Seller, Verdict};
use soi_report::ReportParams;
use soi_store::Tlp;

pub fn day(m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, m, d, 9, 30, 0).single().unwrap()
}

/// A flagged (or not: `risk`) listing `id` of `seller` (id, country, cross-border), with a reason
/// per code, observed and scored `at`.
pub fn row(
    mkt: &str,
    seller: (&str, &str, bool),
    id: &str,
    risk: f64,
    codes: &[&str],
    at: DateTime<Utc>,
) -> Scored {
    let (sid, country, cross) = seller;
    let s = Seller {
        id: sid.into(),
        marketplace: mkt.into(),
        name: Some(format!("Cửa hàng {sid} <b>&")),
        country: Some(country.into()),
        ship_from: Some(country.into()),
        cross_border: cross,
        ..Default::default()
    };
    let reasons = codes
        .iter()
        .map(|c| Reason {
            code: c.to_string(),
            message: c.to_string(),
            message_vi: format!("lý do {c}"),
            field: "description".into(),
            start: 0,
            end: 17,
            evidence: if *c == "blocklisted_domain" {
                "http://lua-dao.example/pay".into()
            } else {
                "zalo 0900 000 101".into()
            },
            ..Default::default()
        })
        .collect();
    Scored {
        listing: Listing {
            id: id.into(),
            marketplace: mkt.into(),
            title: format!("Tin {id} hàng chính hãng"),
            url: Some(format!("https://{mkt}.example/p/{id}")),
            observed_at: Some(at),
            evidence_sha256: Some(hex::encode(Sha256::digest(id.as_bytes()))),
            seller: Some(s),
            ..Default::default()
        },
        verdict: Verdict {
            listing_id: id.into(),
            marketplace: mkt.into(),
            seller_id: Some(sid.into()),
            risk,
            reasons,
            model: "test".into(),
            scored_at: at,
            ..Default::default()
        },
    }
}

/// November 2026, at least 0.5 risk, TLP:AMBER, of one country or all.
pub fn params(country: Option<&str>) -> ReportParams {
    ReportParams {
        from: Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).single().unwrap(),
        to: Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).single().unwrap(),
        country: country.map(str::to_string),
        marketplace: None,
        min_risk: 0.5,
        tlp: Tlp::Amber,
    }
}

/// Every file under `dir`, by its path relative to `dir`.
pub fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().to_string_lossy().to_string();
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

/// The file at `p`, as UTF-8 text.
pub fn read(p: impl AsRef<Path>) -> String {
    String::from_utf8(std::fs::read(p).unwrap()).unwrap()
}

/// The file at `p`, as JSON.
pub fn json(path: impl AsRef<Path>) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// Complaint `HL-1` (a deposit paid to Zalo 0900000101), naming `shopee/cn1` by that account,
/// put into `store`.
pub async fn put_hl1_complaint(store: &dyn soi_store::ComplaintStore) {
    use soi_model::Complaint;
    use soi_store::complaints::ComplaintLink;
    use soi_store::links::SellerRef;
    let complaint = Complaint {
        id: "HL-1".into(),
        received_at: day(11, 6),
        channel: "phone".into(),
        text: "Tôi chuyển cọc qua zalo 0900000101 rồi mất liên lạc".into(),
        phone: Some("0900000101".into()),
        shop_name: None,
        url: None,
        amount: Some(1_500_000.0),
    };
    let link = ComplaintLink {
        complaint_id: "HL-1".into(),
        seller: SellerRef::new("shopee", "cn1"),
        kind: "zalo".into(),
        value: "0900000101".into(),
        field: "text".into(),
        start: 19,
        end: 34,
        quote: "zalo 0900000101".into(),
    };
    store.put_complaints(&[complaint], &[link]).await.unwrap();
}

/// Ten listings of four sellers: `shopee/cn1` (CN; three flagged in November, one unflagged,
/// one in October), `lazada/cn2` (CN; two flagged), `shopee/kr1` (KR; one) and the local
/// `shopee/vn1` (two).
pub fn known_rows() -> Vec<Scored> {
    let cn1 = ("cn1", "CN", true);
    let cn2 = ("cn2", "CN", true);
    let kr1 = ("kr1", "KR", true);
    let vn1 = ("vn1", "VN", false);
    let oc = &["off_platform_contact", "cross_border_posing_local"][..];
    let bg = &["blocklisted_domain", "genuine_claim_low_price"][..];
    vec![
        row("shopee", cn1, "1", 0.91, oc, day(11, 2)),
        row("shopee", cn1, "2", 0.88, oc, day(11, 5)),
        row("shopee", cn1, "3", 0.97, oc, day(11, 5)),
        row("shopee", cn1, "4", 0.20, oc, day(11, 6)), // not flagged
        row("shopee", cn1, "5", 0.95, oc, day(10, 15)), // before the period
        row("lazada", cn2, "6", 0.99, bg, day(11, 20)),
        row("lazada", cn2, "7", 0.70, bg, day(11, 21)),
        row("shopee", kr1, "8", 0.80, &["fake_giveaway"], day(11, 10)),
        row("shopee", vn1, "9", 0.99, oc, day(11, 10)), // local seller
        row("shopee", vn1, "10", 0.99, oc, day(11, 11)),
    ]
}
