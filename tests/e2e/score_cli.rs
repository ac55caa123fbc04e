//! `soi score`: JSON Lines listings in, one verdict per line out, in order; malformed lines are
//! reported with their line number, answered in place, and make the exit status 2. The scoring
//! config is read from `--pipelines` like every other config.

use std::io::Write;
use std::path::Path;
use std::process::Stdio;

use crate::support::{repo_root, soi};

fn score(input: &str) -> (i32, Vec<serde_json::Value>, String) {
    score_with(&repo_root().join("pipelines"), input)
}

/// `soi score` with `--pipelines DIR`.
fn score_with(pipelines: &Path, input: &str) -> (i32, Vec<serde_json::Value>, String) {
    let home = tempfile::tempdir().expect("tempdir");
    let mut child = soi(home.path())
        .env_remove("SOI_SCORING_CONFIG")
        .arg("--pipelines")
        .arg(pipelines)
        .args(["score", "--input", "-", "--output", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn soi score");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("wait");
    let lines = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("output line is JSON"))
        .collect();
    (
        out.status.code().unwrap_or(-1),
        lines,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const SCAM: &str = r#"{"id":"a1","marketplace":"m","title":"iPhone 15 hàng chính hãng giá 2tr","description":"Ib zalo 0900 000 101, chuyển khoản trước 50% để giữ hàng","price":2000000,"currency":"VND","category":"Điện thoại & Phụ kiện","seller":{"id":"x","country":"VN"}}"#;
const HONEST: &str = r#"{"id":"a2","marketplace":"m","title":"Quạt đứng 5 cánh","description":"Bảo hành 12 tháng, thanh toán khi nhận hàng.","price":690000,"currency":"VND"}"#;

#[test]
fn scores_each_line_in_order_with_reasons_pointing_into_the_text() {
    let (code, out, _) = score(&format!("{SCAM}\n\n{HONEST}\n"));
    assert_eq!(code, 0);
    assert_eq!(out.len(), 2);
    assert_eq!(out[0]["listing_id"], "a1");
    assert_eq!(out[0]["seller_id"], "x");
    assert_eq!(out[1]["listing_id"], "a2");
    assert!(out[1]["seller_id"].is_null());
    for v in &out {
        let r = v["risk"].as_f64().expect("risk");
        assert!((0.0..=1.0).contains(&r), "risk {r}");
        assert!(v["heads"].is_object() && v["model"].is_string(), "{v}");
    }
    assert!(out[0]["risk"].as_f64() > out[1]["risk"].as_f64(), "{out:?}");
    assert!(out[0]["risk"].as_f64().unwrap_or(0.0) >= 0.5, "{}", out[0]);
    let listing: serde_json::Value = serde_json::from_str(SCAM).expect("json");
    let reasons = out[0]["reasons"].as_array().expect("reasons");
    let zalo = reasons
        .iter()
        .find(|r| r["code"] == "off_platform_contact")
        .expect("off_platform_contact reason");
    let field = zalo["field"].as_str().expect("field");
    let text = listing[field].as_str().expect("field text");
    let (s, e) = (
        zalo["start"].as_u64().unwrap() as usize,
        zalo["end"].as_u64().unwrap() as usize,
    );
    let quoted: String = text.chars().skip(s).take(e - s).collect();
    assert!(
        quoted.to_lowercase().contains("zalo"),
        "span quotes {quoted:?}"
    );
    assert!(zalo["message"].as_str().is_some_and(|m| !m.is_empty()));
}

#[test]
fn malformed_lines_are_reported_and_the_rest_still_score() {
    let input =
        format!("{SCAM}\nnot json at all\n{{\"id\":\"b\",\"marketplace\":\"m\"}}\n{HONEST}\n");
    let (code, out, err) = score(&input);
    assert_eq!(code, 2, "stderr: {err}");
    assert_eq!(out.len(), 4, "one output line per input line");
    assert_eq!(out[0]["listing_id"], "a1");
    assert_eq!(out[1]["line"], 2);
    assert!(out[1]["error"]
        .as_str()
        .unwrap_or("")
        .contains("invalid JSON"));
    assert_eq!(out[2]["line"], 3);
    assert!(
        out[2]["error"].as_str().unwrap_or("").contains("title"),
        "{}",
        out[2]
    );
    assert_eq!(out[3]["listing_id"], "a2");
    assert!(err.contains("line 2:"), "{err}");
    assert!(err.contains("line 3:") && err.contains("title"), "{err}");
}

#[test]
fn a_missing_input_file_is_a_clear_error() {
    let home = tempfile::tempdir().expect("tempdir");
    let out = soi(home.path())
        .args(["score", "--input", "/nonexistent/listings.jsonl"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("/nonexistent/listings.jsonl"), "{err}");
}

#[test]
fn the_scoring_config_comes_from_the_pipelines_folder() {
    let shipped =
        std::fs::read_to_string(repo_root().join("pipelines/scoring.toml")).expect("read");
    let line = "off_platform_contact = 3.4";
    assert!(shipped.contains(line), "the shipped config has {line}");
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("scoring.toml"),
        shipped.replace(line, "off_platform_contact = 0.0"),
    )
    .expect("write");
    let codes = |v: &serde_json::Value| -> Vec<String> {
        v["reasons"]
            .as_array()
            .expect("reasons")
            .iter()
            .filter_map(|r| r["code"].as_str().map(String::from))
            .collect()
    };
    let (code, before, err) = score(&format!("{SCAM}\n"));
    assert_eq!(code, 0, "{err}");
    let (code, after, err) = score_with(dir.path(), &format!("{SCAM}\n"));
    assert_eq!(code, 0, "{err}");
    assert!(codes(&before[0])
        .iter()
        .any(|c| c == "off_platform_contact"));
    assert!(
        !codes(&after[0]).iter().any(|c| c == "off_platform_contact"),
        "a zero weight in DIR/scoring.toml drops the reason: {}",
        after[0]
    );
    let (b, a) = (before[0]["risk"].as_f64(), after[0]["risk"].as_f64());
    assert!(
        a < b,
        "risk {a:?} with the changed config, {b:?} with the shipped one"
    );
}
