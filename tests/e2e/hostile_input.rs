//! Hostile JSON Lines input to `soi score` and `soi run --input`: a byte that is not UTF-8, an
//! over-long line, a date chrono accepts but no stage can compute with, a description of hundreds
//! of KB, a message too large for the bus. Each spoils only its own line; everything else is
//! scored and stored, and the exit status is 2.

use std::path::Path;

use crate::support::{run_expect, soi};

/// 200 listings, one per line; line 101 (`l101`) carries the byte 0xFF inside its title.
fn two_hundred_lines_with_a_bad_byte_in_101() -> Vec<u8> {
    let mut out = Vec::new();
    for i in 1..=200 {
        let title: &[u8] = if i == 101 {
            b"Qu\xffat"
        } else {
            "Quạt đứng".as_bytes()
        };
        out.extend_from_slice(format!(r#"{{"id":"l{i}","marketplace":"m","title":""#).as_bytes());
        out.extend_from_slice(title);
        out.extend_from_slice(br#"","price":690000,"currency":"VND"}"#);
        out.push(b'\n');
    }
    out
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, bytes).expect("write input");
    p.to_str().expect("utf-8 path").to_string()
}

/// `soi score --input FILE`: (exit status, output lines, stderr).
fn score(home: &Path, args: &[&str]) -> (Option<i32>, Vec<serde_json::Value>, String) {
    let out = soi(home)
        .arg("score")
        .args(args)
        .output()
        .expect("run soi score");
    let lines = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("output line is JSON"))
        .collect();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    (out.status.code(), lines, err)
}

fn stored_listings(home: &Path) -> i64 {
    let db = rusqlite::Connection::open(home.join("soi.db")).expect("open store");
    db.query_row("SELECT count(*) FROM listings", [], |r| r.get(0))
        .expect("count")
}

#[test]
fn a_byte_that_is_not_utf8_spoils_only_its_line_in_score() {
    let home = tempfile::tempdir().expect("tempdir");
    let input = write(
        home.path(),
        "in.jsonl",
        &two_hundred_lines_with_a_bad_byte_in_101(),
    );
    let (code, out, err) = score(home.path(), &["--input", &input]);
    assert_eq!(code, Some(2), "stderr: {err}");
    assert_eq!(out.len(), 200, "one output line per input line");
    let verdicts = out.iter().filter(|v| v["listing_id"].is_string()).count();
    assert_eq!(verdicts, 199);
    assert_eq!(out[100]["line"], 101);
    let e = out[100]["error"].as_str().unwrap_or_default();
    assert!(e.contains("not UTF-8") && e.contains("0xff"), "{e}");
    assert_eq!(
        out[101]["listing_id"], "l102",
        "order kept after the bad line"
    );
    assert!(err.contains("line 101: not UTF-8"), "{err}");
}

#[test]
fn a_byte_that_is_not_utf8_spoils_only_its_line_in_run_input() {
    let home = tempfile::tempdir().expect("tempdir");
    let input = write(
        home.path(),
        "in.jsonl",
        &two_hundred_lines_with_a_bad_byte_in_101(),
    );
    let out = run_expect(soi(home.path()).args(["run", "--input", &input]), 2);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("line 101: not UTF-8"), "{err}");
    assert_eq!(stored_listings(home.path()), 199);
}

#[test]
fn an_over_long_line_is_an_error_line_and_the_limit_can_be_changed() {
    let home = tempfile::tempdir().expect("tempdir");
    let long = format!(
        r#"{{"id":"big","marketplace":"m","title":"x","description":"{}"}}"#,
        "a".repeat(5000)
    );
    let small = r#"{"id":"s","marketplace":"m","title":"Quạt"}"#;
    let input = write(
        home.path(),
        "in.jsonl",
        format!("{small}\n{long}\n{small}\n").as_bytes(),
    );

    let (code, out, err) = score(
        home.path(),
        &["--input", &input, "--max-line-bytes", "1000"],
    );
    assert_eq!(code, Some(2), "stderr: {err}");
    assert_eq!(out.len(), 3);
    assert_eq!(
        (&out[0]["listing_id"], &out[2]["listing_id"]),
        (&"s".into(), &"s".into())
    );
    assert_eq!(out[1]["line"], 2);
    let e = out[1]["error"].as_str().unwrap_or_default();
    assert!(e.contains("over the limit of 1000 bytes"), "{e}");

    // The environment sets it too; by default (8 MiB) the line is fine.
    let (code, out, _) = score(home.path(), &["--input", &input]);
    assert_eq!((code, out.len()), (Some(0), 3));
    let out = soi(home.path())
        .env("SOI_MAX_LINE_BYTES", "1000")
        .args(["score", "--input", &input])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_date_no_stage_can_compute_with_is_refused_naming_the_field() {
    let home = tempfile::tempdir().expect("tempdir");
    let far =
        r#"{"id":"far","marketplace":"m","title":"Quạt","observed_at":"-262143-01-01T00:00:00Z"}"#;
    let ok = r#"{"id":"ok","marketplace":"m","title":"Quạt","observed_at":"2025-06-01T00:00:00Z"}"#;
    let input = write(home.path(), "in.jsonl", format!("{far}\n{ok}\n").as_bytes());
    let (code, out, _) = score(home.path(), &["--input", &input]);
    assert_eq!(code, Some(2));
    let e = out[0]["error"].as_str().unwrap_or_default();
    assert!(e.contains("`observed_at`"), "{e}");
    assert_eq!(out[1]["listing_id"], "ok");

    // The store task used to panic on it (`DateTime - TimeDelta overflowed`).
    let out = run_expect(soi(home.path()).args(["run", "--input", &input]), 2);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("line 1:") && err.contains("`observed_at`"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(stored_listings(home.path()), 1);
}

#[test]
fn a_huge_description_is_capped_and_so_is_every_quote() {
    let home = tempfile::tempdir().expect("tempdir");
    // ~300 KB of scam text: off-platform contact and deposit demands all through it.
    let chunk = "Liên hệ zalo 0900 000 101 để được giá tốt, chuyển khoản trước 50% để giữ hàng. ";
    let description = chunk.repeat(300_000 / chunk.len() + 1);
    let l = serde_json::json!({
        "id": "huge", "marketplace": "m", "title": "iPhone 15 hàng chính hãng giá 2tr",
        "description": description, "price": 2000000, "currency": "VND",
        "category": "Điện thoại & Phụ kiện"
    });
    let input = write(home.path(), "in.jsonl", format!("{l}\n").as_bytes());

    let (code, out, err) = score(home.path(), &["--input", &input]);
    assert_eq!(code, Some(0), "{err}");
    let reasons = out[0]["reasons"].as_array().expect("reasons");
    assert!(!reasons.is_empty(), "{}", out[0]);
    for r in reasons {
        let quoted = r["evidence"].as_str().unwrap_or_default();
        assert!(
            quoted.chars().count() <= 200,
            "{} quotes {} chars",
            r["code"],
            quoted.len()
        );
    }

    run_expect(soi(home.path()).args(["run", "--input", &input]), 0);
    let out = run_expect(soi(home.path()).args(["listing", "huge", "--json"]), 0);
    let d: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(
        d["listing"]["truncated"],
        serde_json::json!(["description"])
    );
    let kept = d["listing"]["description"].as_str().unwrap_or_default();
    assert_eq!(kept.chars().count(), 65_536);
    for r in d["verdict"]["reasons"].as_array().expect("reasons") {
        assert!(r["evidence"].as_str().unwrap_or_default().chars().count() <= 200);
    }
}

#[test]
fn a_listing_too_large_for_the_bus_is_a_malformed_line_not_a_crash() {
    let home = tempfile::tempdir().expect("tempdir");
    // Within every field cap, yet over 1 MB: 4-byte characters in the description and reviews.
    let review = serde_json::json!({"text": "😀".repeat(2048)});
    let l = serde_json::json!({
        "id": "wide", "marketplace": "m", "title": "Quạt",
        "description": "😀".repeat(65_536), "reviews": vec![review; 100]
    });
    let small = r#"{"id":"s","marketplace":"m","title":"Quạt"}"#;
    let input = write(
        home.path(),
        "in.jsonl",
        format!("{l}\n{small}\n").as_bytes(),
    );
    let out = run_expect(soi(home.path()).args(["run", "--input", &input]), 2);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("line 1:") && err.contains("over the bus limit"),
        "{err}"
    );
    assert_eq!(stored_listings(home.path()), 1);
}
