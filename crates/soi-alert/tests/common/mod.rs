//! Shared pieces of the alert tests: a real webhook receiver on 127.0.0.1, scored listings, and
//! the independent STIX check.

pub mod receiver;

use std::path::Path;
use std::process::Command;

use chrono::{DateTime, Duration, TimeZone, Utc};
use soi_model::{Listing, Reason, Scored, Seller, Verdict};

/// A fixed start time, so tests never depend on the wall clock.
pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 8, 0, 0)
        .single()
        .unwrap()
}

/// A scored listing of `seller`, scored `minutes` after [`t0`].
pub fn scored(id: &str, seller: &str, risk: f64, codes: &[&str], minutes: i64) -> Scored {
    let mut s = Seller::new("demo", seller);
    s.name = Some(format!("Shop {seller}"));
    s.country = Some(if seller.starts_with("cn") { "CN" } else { "VN" }.into());
    s.cross_border = seller.starts_with("cn");
    let at = t0() + Duration::minutes(minutes);
    let url = format!("https://demo.example/listings/{id}.html");
    let reasons = codes
        .iter()
        .map(|c| {
            let evidence = match *c {
                "off_platform_contact" => "zalo 0900 000 101".to_string(),
                "blocklisted_domain" => "http://scam-shop.example/pay".to_string(),
                _ => "hàng chính hãng".to_string(),
            };
            Reason {
                code: c.to_string(),
                message: format!("{c} (en)"),
                message_vi: format!("{c} (vi)"),
                field: "description".into(),
                start: 0,
                end: evidence.chars().count(),
                evidence,
                source: "test".into(),
                contribution: 1.0,
            }
        })
        .collect();
    Scored {
        listing: Listing {
            id: id.into(),
            marketplace: "demo".into(),
            title: format!("Listing {id} giá rẻ"),
            url: Some(url),
            observed_at: Some(at),
            evidence_sha256: Some(format!("{:064x}", id.len() as u64 * 7919)),
            seller: Some(s),
            ..Default::default()
        },
        verdict: Verdict {
            listing_id: id.into(),
            marketplace: "demo".into(),
            seller_id: Some(seller.into()),
            risk,
            reasons,
            model: "test".into(),
            scored_at: at,
            ..Default::default()
        },
    }
}

/// Runs the independent STIX 2.1 check (PyPI `stix2`) over `dir`. Fails with instructions when
/// Python is missing.
pub fn check_stix(dir: &Path) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/check_stix.py");
    let out = Command::new("python3").arg(&script).arg(dir).output();
    let out = match out {
        Ok(o) => o,
        Err(e) => {
            panic!("python3 is needed for the STIX check ({e}); run deploy/install-test-tools.sh")
        }
    };
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success(),
        "stix2 rejected a bundle (run deploy/install-test-tools.sh if stix2 is missing):\n{text}"
    );
    eprintln!("{}", text.trim());
}
