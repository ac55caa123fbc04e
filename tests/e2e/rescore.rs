//! `soi rescore` after a policy change, through the real binary, on a store filled by `soi run`
//! on the demo (SQLite, and ClickHouse when the test engines run): a copy of `pipelines/` whose
//! scoring config lowers every risk (bias -3 to -9) rescores every stored listing; risks fall
//! and some sellers are no longer flagged; each listing keeps its earlier verdict in its history
//! (`soi listing --json`, oldest first, the current one last); a rerun changes nothing,
//! `--dry-run` writes nothing, and a bad date is refused by name.

use serde_json::Value;

use std::path::Path;
use std::process::Command;

use crate::support::{copy_dir, free_port, repo_root, run_expect, soi};

fn json(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}", String::from_utf8_lossy(&out.stdout));
    })
}

/// `soi` with its state in `home` and, when given, the store at `store`.
fn soi_on(home: &Path, store: Option<&str>) -> Command {
    let mut c = soi(home);
    if let Some(url) = store {
        c.args(["--store", url]);
    }
    c
}

/// The riskiest listing `soi sellers --format json` names: (marketplace, listing id).
fn a_flagged_listing(home: &Path, store: Option<&str>) -> (String, String) {
    let out = run_expect(soi_on(home, store).args(["sellers", "--format", "json"]), 0);
    let text = String::from_utf8_lossy(&out.stdout);
    let first: Value = text
        .lines()
        .find_map(|l| serde_json::from_str(l).ok())
        .or_else(|| {
            serde_json::from_str::<Value>(&text)
                .ok()
                .map(|v| v[0].clone())
        })
        .expect("a flagged seller");
    let m = first["marketplace"]
        .as_str()
        .expect("marketplace")
        .to_string();
    let id = first["reasons"][0]["example_listing_id"]
        .as_str()
        .expect("an example listing")
        .to_string();
    (m, id)
}

/// How many sellers `soi sellers --format json` lists.
fn flagged_sellers(home: &Path, store: Option<&str>) -> usize {
    let out = run_expect(soi_on(home, store).args(["sellers", "--format", "json"]), 0);
    let text = String::from_utf8_lossy(&out.stdout);
    match serde_json::from_str::<Value>(&text) {
        Ok(Value::Array(rows)) => rows.len(),
        _ => text.lines().filter(|l| l.starts_with('{')).count(),
    }
}

fn history(home: &Path, store: Option<&str>, m: &str, id: &str) -> Vec<(String, f64)> {
    let out = run_expect(
        soi_on(home, store).args(["listing", id, "--marketplace", m, "--json"]),
        0,
    );
    json(&out)["verdict_history"]
        .as_array()
        .expect("verdict_history")
        .iter()
        .map(|v| {
            (
                v["model"].as_str().unwrap_or_default().to_string(),
                v["risk"].as_f64().unwrap_or(-1.0),
            )
        })
        .collect()
}

#[test]
fn a_policy_change_rescores_the_store_and_keeps_the_earlier_verdicts() {
    let home = tempfile::tempdir().expect("tempdir");
    rescore_after_a_policy_change(home.path(), None);
}

#[test]
fn a_policy_change_rescores_clickhouse_and_keeps_the_earlier_verdicts() {
    let Some(url) = crate::support::clickhouse_database("rescore") else {
        return;
    };
    let home = tempfile::tempdir().expect("tempdir");
    rescore_after_a_policy_change(home.path(), Some(&url));
}

/// The whole check on the store at `store` (the embedded one when `None`).
fn rescore_after_a_policy_change(home: &Path, store: Option<&str>) {
    let port = free_port().to_string();
    run_expect(soi_on(home, store).args(["run", "--demo-port", &port]), 0);
    let (m, id) = a_flagged_listing(home, store);
    let before = history(home, store, &m, &id);
    let flagged_before = flagged_sellers(home, store);
    assert_eq!(
        before.len(),
        1,
        "one verdict before any rescore: {before:?}"
    );
    assert!(before[0].1 >= 0.5, "the listing was flagged: {before:?}");

    let pipelines = home.join("pipelines");
    copy_dir(&repo_root().join("pipelines"), &pipelines);
    let cfg = pipelines.join("scoring.toml");
    let text = std::fs::read_to_string(&cfg).expect("scoring.toml");
    assert!(text.contains("\nbias = -3.0\n"), "the shipped bias moved");
    std::fs::write(&cfg, text.replace("\nbias = -3.0\n", "\nbias = -9.0\n")).expect("write");
    let rescore_since = |since: &str, extra: &[&str]| {
        let mut c = soi_on(home, store);
        c.arg("--pipelines")
            .arg(&pipelines)
            .args(["rescore", "--since", since, "--json"])
            .args(extra);
        json(&run_expect(&mut c, 0))
    };
    let rescore = |extra: &[&str]| rescore_since("2000-01-01", extra);

    let dry = rescore(&["--dry-run"]);
    assert_eq!(dry["dry_run"], true);
    assert!(dry["cleared"].as_u64().unwrap_or(0) > 0, "{dry}");
    assert_eq!(history(home, store, &m, &id).len(), 1, "a dry run wrote");

    let first = rescore(&[]);
    let listings = first["listings"].as_u64().expect("listings");
    assert!(listings >= 10, "{first}");
    assert_eq!(
        first["changed"], dry["changed"],
        "the dry run counted otherwise"
    );
    assert!(first["cleared"].as_u64().unwrap_or(0) > 0, "{first}");
    assert_eq!(
        first["newly_flagged"], 0,
        "a lower bias flagged something: {first}"
    );

    let after = history(home, store, &m, &id);
    assert_eq!(after.len(), 2, "the earlier verdict is kept: {after:?}");
    assert_eq!(after[0], before[0], "the earlier verdict is unchanged");
    assert!(
        after[1].1 < after[0].1,
        "the current verdict is lower: {after:?}"
    );
    assert!(
        flagged_sellers(home, store) < flagged_before,
        "some sellers are no longer flagged"
    );

    let again = rescore(&[]);
    assert_eq!(again["listings"], listings);
    assert_eq!(again["changed"], 0, "a rerun rewrote verdicts: {again}");
    assert_eq!(
        history(home, store, &m, &id).len(),
        2,
        "a rerun added history"
    );

    let later = rescore_since("2099-01-01", &[]);
    assert_eq!(
        later["listings"], 0,
        "listings observed before --since: {later}"
    );

    let out = run_expect(
        soi_on(home, store).args(["rescore", "--since", "2026-13-01"]),
        2,
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--since"), "{err}");
}
