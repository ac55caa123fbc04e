//! `soi run` on the bundled demo marketplace, end to end: served on 127.0.0.1, crawled, scored,
//! stored, and the flagged sellers printed with reasons that quote the listing text.

use std::path::Path;

use crate::support::{free_port, run_demo};

const SCAMMERS: [&str; 7] = ["s06", "s07", "s08", "s09", "s10", "s11", "s12"];
const HONEST: [&str; 5] = ["s01", "s02", "s03", "s04", "s05"];

/// Every row of the analyst tables, in key order.
fn dump(db: &Path) -> Vec<String> {
    let c = rusqlite::Connection::open(db).expect("opening the store");
    let mut rows = Vec::new();
    for (table, key) in [
        ("listings", "marketplace, id"),
        ("sellers", "marketplace, id"),
        ("verdicts", "marketplace, listing_id"),
    ] {
        let mut st = c
            .prepare(&format!("SELECT * FROM {table} ORDER BY {key}"))
            .expect("query");
        let n = st.column_count();
        let mut q = st.query([]).expect("rows");
        while let Some(r) = q.next().expect("row") {
            let cols: Vec<String> = (0..n)
                .map(|i| format!("{:?}", r.get_ref(i).expect("column")))
                .collect();
            rows.push(format!("{table}: {}", cols.join(" | ")));
        }
    }
    rows
}

fn flagged_json(home: &Path) -> serde_json::Value {
    let out = crate::support::run_expect(
        crate::support::soi(home).args(["sellers", "--format", "json", "--limit", "100"]),
        0,
    );
    serde_json::from_slice(&out.stdout).expect("sellers JSON")
}

fn reasons_of<'a>(sellers: &'a serde_json::Value, id: &str) -> Vec<&'a serde_json::Value> {
    sellers
        .as_array()
        .expect("array")
        .iter()
        .find(|s| s["seller_id"] == id)
        .map(|s| s["reasons"].as_array().expect("reasons").iter().collect())
        .unwrap_or_default()
}

/// Whether seller `id` has a reason `code` whose quoted example contains one of `quotes`.
fn has_reason(sellers: &serde_json::Value, id: &str, code: &str, quotes: &[&str]) -> bool {
    reasons_of(sellers, id).iter().any(|r| {
        let evidence = r["example_evidence"].as_str().unwrap_or("").to_lowercase();
        r["code"] == code && !evidence.is_empty() && quotes.iter().any(|q| evidence.contains(q))
    })
}

#[test]
fn demo_run_flags_the_scammers_with_quoted_reasons_and_is_idempotent() {
    let home = tempfile::tempdir().expect("tempdir");
    let port = free_port();
    let stdout = run_demo(home.path(), port);

    // The table printed at the end names the scam shops and quotes their listings.
    for s in ["demo/s06", "demo/s08", "demo/s10"] {
        assert!(stdout.contains(s), "{s} missing from:\n{stdout}");
    }
    assert!(stdout.to_lowercase().contains("zalo"), "{stdout}");
    for s in HONEST {
        assert!(
            !stdout.contains(&format!("demo/{s} ")),
            "{s} flagged:\n{stdout}"
        );
    }

    let sellers = flagged_json(home.path());
    let flagged: Vec<&str> = sellers
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|s| s["seller_id"].as_str())
        .collect();
    for s in SCAMMERS {
        assert!(
            flagged.contains(&s),
            "{s} not flagged; flagged: {flagged:?}"
        );
    }
    for s in HONEST {
        assert!(!flagged.contains(&s), "honest {s} flagged: {sellers:#}");
    }
    assert!(
        has_reason(&sellers, "s06", "off_platform_contact", &["zalo"]),
        "{sellers:#}"
    );
    assert!(
        has_reason(
            &sellers,
            "s06",
            "deposit_before_delivery",
            &["chuyển khoản trước", "đặt cọc"]
        ),
        "{sellers:#}"
    );
    assert!(
        has_reason(
            &sellers,
            "s07",
            "fake_giveaway",
            &["quà tặng", "trúng thưởng", "tặng miễn phí", "giveaway"]
        ),
        "{sellers:#}"
    );
    assert!(
        has_reason(
            &sellers,
            "s08",
            "health_cure_claim",
            &["chữa khỏi", "trị dứt điểm", "khỏi hẳn"]
        ),
        "{sellers:#}"
    );
    assert!(
        has_reason(
            &sellers,
            "s09",
            "cross_border_posing_local",
            &["hàng việt nam", "kho hà nội", "ship từ hcm"]
        ),
        "{sellers:#}"
    );
    assert!(
        has_reason(
            &sellers,
            "s10",
            "off_platform_contact",
            &["telegram", "whatsapp"]
        ),
        "{sellers:#}"
    );
    assert!(
        has_reason(&sellers, "s12", "off_platform_contact", &["z@lo", "zalo"]),
        "{sellers:#}"
    );

    // A second run over the unchanged site changes nothing in the store.
    let db = home.path().join("soi.db");
    let before = dump(&db);
    assert!(
        before.len() > 29 + 12,
        "store too small: {} rows",
        before.len()
    );
    run_demo(home.path(), port);
    let after = dump(&db);
    assert_eq!(before, after, "second run changed the store");
}

#[test]
fn a_demo_crawl_stores_its_extraction_health() {
    let home = tempfile::tempdir().expect("tempdir");
    run_demo(home.path(), free_port());
    let out = crate::support::run_expect(
        crate::support::soi(home.path()).args(["crawl-health", "--json"]),
        0,
    );
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let row = &rows[0];
    assert_eq!(row["marketplace"], "demo", "{rows:#}");
    assert!(row["listings"].as_u64().unwrap_or(0) >= 20, "{rows:#}");
    assert!(
        row["items_per_page"].as_f64().unwrap_or(0.0) > 0.0,
        "{rows:#}"
    );
    let fill = row["fill"].as_object().expect("fill rates");
    assert!(
        fill.values()
            .all(|v| (0.0..=1.0).contains(&v.as_f64().unwrap_or(-1.0))),
        "{fill:?}"
    );
    assert!(!fill.is_empty(), "{rows:#}");
    let text =
        crate::support::run_expect(crate::support::soi(home.path()).args(["crawl-health"]), 0);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("demo") && text.contains("items/page; filled:"),
        "{text}"
    );
}
