//! The analyst's first tools on a store filled by `soi run` on the demo marketplace.

use crate::support::{free_port, run_demo, run_expect, soi};

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
