//! The chain of custody through the real binary: after a demo run, a package by seller, a
//! package by listing, a WARC export and two verifications each append an entry to
//! `evidence/custody.jsonl`; `soi evidence log --json` shows them in order with who, when, what
//! and the sha256 of each file written or verified (equal to the file's own); a seller with no
//! listings is refused by name; a changed entry makes `soi evidence log` exit 1 naming it.

use std::path::Path;

use crate::evidence_package::soi_k;
use crate::support::free_port;

fn sha_of(p: &Path) -> String {
    soi_crawl::evidence::sha256_hex(&std::fs::read(p).expect("file"))
}

#[test]
fn every_export_package_and_verification_is_chained_in_the_custody_log() {
    let home = tempfile::tempdir().expect("tempdir");
    let h = home.path();
    soi_k(h, &["keys", "init"], 0);
    soi_k(h, &["run", "--demo-port", &free_port().to_string()], 0);
    let path = |n: &str| h.join(n).to_str().expect("path").to_string();
    let (seller, listing, warc) = (path("s09.wacz"), path("2001.wacz"), path("all.warc"));

    let made = soi_k(
        h,
        &["evidence", "package", "--seller", "s09", "--out", &seller],
        0,
    );
    let said = String::from_utf8_lossy(&made.stderr);
    assert!(
        said.contains("custody: entry 1 recorded (package by "),
        "{said}"
    );
    soi_k(
        h,
        &[
            "evidence",
            "package",
            "--listing",
            "2001",
            "--out",
            &listing,
        ],
        0,
    );
    soi_k(h, &["evidence", "export", "--warc", &warc], 0);
    soi_k(h, &["evidence", "verify", "--all"], 0);
    soi_k(h, &["evidence", "verify", &seller], 0);
    let refused = soi_k(
        h,
        &[
            "evidence",
            "package",
            "--seller",
            "nobody",
            "--out",
            &path("x.wacz"),
        ],
        1,
    );
    assert!(String::from_utf8_lossy(&refused.stderr).contains("no listings of seller `nobody`"));

    let out = soi_k(h, &["evidence", "log", "--json"], 0);
    let entries: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    let actions: Vec<&str> = entries
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert_eq!(
        actions,
        ["package", "package", "export", "verify", "verify"],
        "the refused package is not recorded"
    );
    for (i, e) in entries.iter().enumerate() {
        assert_eq!(e["seq"], i + 1);
        assert!(
            e["operator"].as_str().is_some_and(|o| !o.is_empty()) && e["host"].is_string(),
            "{e}"
        );
        assert!(e["at"].as_str().is_some_and(|t| t.starts_with("20")), "{e}");
        assert_eq!(e["outcome"], "ok", "{e}");
    }
    let by_seller = &entries[0];
    assert_eq!(by_seller["sellers"], serde_json::json!(["s09"]));
    assert!(
        by_seller["listings"]
            .as_array()
            .is_some_and(|l| !l.is_empty()),
        "{by_seller}"
    );
    assert_eq!(
        by_seller["sha256"].as_str(),
        Some(sha_of(Path::new(&seller)).as_str())
    );
    assert_eq!(entries[1]["listings"], serde_json::json!(["2001"]));
    assert_eq!(
        entries[1]["sha256"].as_str(),
        Some(sha_of(Path::new(&listing)).as_str())
    );
    assert_eq!(
        entries[2]["sha256"].as_str(),
        Some(sha_of(Path::new(&warc)).as_str())
    );
    assert_eq!(
        entries[4]["sha256"], entries[0]["sha256"],
        "the package verified is the one made"
    );

    let text = soi_k(h, &["evidence", "log"], 0);
    assert!(String::from_utf8_lossy(&text.stderr).contains("5 entries, chain whole"));

    let log = h.join("evidence/custody.jsonl");
    let changed = std::fs::read_to_string(&log)
        .expect("log")
        .replacen("\"s09\"", "\"s10\"", 1);
    std::fs::write(&log, changed).expect("edit");
    let broken = soi_k(h, &["evidence", "log"], 1);
    let err = String::from_utf8_lossy(&broken.stderr);
    assert!(err.contains("custody entry 1 was changed"), "{err}");
}
