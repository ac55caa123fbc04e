//! The encoder tier through the `soi` binary: `soi bench encoder` figures, `soi eval` for each
//! tier on the same texts, clear errors for a wrong folder, and the scorer consulting the encoder
//! for the uncertain band. Needs deploy/fetch-encoder.sh's checkpoint: skips with a message
//! without it, fails without it when SOI_REQUIRE_DATA=1 (CI).

use std::path::{Path, PathBuf};

use crate::support::{repo_root, run_expect, soi};

fn checkpoint() -> Option<PathBuf> {
    let dir = std::env::var("SOI_ENCODER_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| repo_root().join(".cache/models/all-MiniLM-L6-v2"));
    if dir.join("model.safetensors").is_file() {
        return Some(dir);
    }
    assert!(
        std::env::var("SOI_REQUIRE_DATA").as_deref() != Ok("1"),
        "SOI_REQUIRE_DATA=1 but no encoder at {} (run deploy/fetch-encoder.sh)",
        dir.display()
    );
    eprintln!("skipped: no encoder at {}", dir.display());
    None
}

fn write_lines(dir: &Path, name: &str, lines: &[serde_json::Value]) -> PathBuf {
    let p = dir.join(name);
    let body: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    std::fs::write(&p, body.join("\n") + "\n").expect("write");
    p
}

/// Invented texts, half scam-like, half ordinary.
fn labelled() -> Vec<serde_json::Value> {
    let scam = [
        "Chúc mừng bạn trúng thưởng iPhone, bấm link để nhận quà, chuyển phí 200k trước",
        "Tài khoản ngân hàng của bạn bị khoá, đăng nhập ngay tại link sau để xác minh",
        "URGENT you have won a 1000 dollar gift card, reply with your bank PIN to claim",
        "Vay tiền nhanh không cần thế chấp, nhắn zalo để nhận khoản vay trong 5 phút",
    ];
    let ham = [
        "Chiều nay họp nhóm lúc 3 giờ ở phòng 204 nhé",
        "Mẹ ơi con về muộn, mẹ ăn cơm trước đi",
        "Are we still meeting for lunch tomorrow at noon?",
        "Đơn hàng của bạn đã được giao thành công, cảm ơn bạn đã mua sắm",
    ];
    scam.iter()
        .map(|t| serde_json::json!({"text": t, "label": 1}))
        .chain(
            ham.iter()
                .map(|t| serde_json::json!({"text": t, "label": 0})),
        )
        .collect()
}

#[test]
fn bench_encoder_prints_figures_for_each_thread_count() {
    let Some(model) = checkpoint() else { return };
    let home = tempfile::tempdir().expect("tempdir");
    let input = write_lines(home.path(), "texts.jsonl", &labelled());
    let out = run_expect(
        soi(home.path())
            .args(["bench", "encoder", "--input"])
            .arg(&input)
            .args([
                "--model-dir",
                model.to_str().unwrap(),
                "--threads",
                "1,2",
                "--seconds",
                "0.1",
                "--json",
            ]),
        0,
    );
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(r["texts"], 8);
    assert!(r["tokens"].as_u64().unwrap() > 8 * 5);
    assert_eq!(r["max_len"], 256);
    let runs = r["runs"].as_array().expect("runs");
    assert_eq!(
        runs.iter()
            .map(|x| x["threads"].as_u64().unwrap())
            .collect::<Vec<_>>(),
        [1, 2]
    );
    assert!(runs
        .iter()
        .all(|x| x["texts_per_s"].as_f64().unwrap() > 1.0));
    assert!(
        r["peak_rss_mib"].as_f64().unwrap() > 50.0,
        "the weights alone are 87 MB"
    );
}

#[test]
fn eval_reports_each_tier_on_the_same_texts() {
    let Some(_) = checkpoint() else { return };
    let home = tempfile::tempdir().expect("tempdir");
    let data = write_lines(home.path(), "scam.jsonl", &labelled());
    let mut f1 = Vec::new();
    for tier in ["fast", "encoder", "cascade"] {
        let out = run_expect(
            soi(home.path())
                .args(["eval", "--head", "scam", "--tier", tier, "--data"])
                .arg(&data),
            0,
        );
        let r: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        assert_eq!(r["head"], "scam");
        assert_eq!(r["n"], 8, "{tier}");
        f1.push(r["f1_pos"].as_f64().unwrap());
    }
    // Plain scam and chat messages: every tier should get most of them.
    assert!(f1.iter().all(|&f| f >= 0.75), "F1 per tier: {f1:?}");
}

#[test]
fn a_wrong_encoder_folder_is_named() {
    let home = tempfile::tempdir().expect("tempdir");
    let data = write_lines(home.path(), "d.jsonl", &labelled());
    let out = run_expect(
        soi(home.path())
            .args([
                "eval",
                "--head",
                "scam",
                "--tier",
                "encoder",
                "--encoder-dir",
            ])
            .arg(home.path())
            .arg("--data")
            .arg(&data),
        1,
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("missing config.json, tokenizer.json, model.safetensors"),
        "{err}"
    );
    assert!(err.contains(home.path().to_str().unwrap()), "{err}");
}

#[test]
fn the_scorer_consults_the_encoder_for_the_band() {
    let Some(_) = checkpoint() else { return };
    let home = tempfile::tempdir().expect("tempdir");
    // A band covering every risk sends every listing to the encoder.
    let cfg = std::fs::read_to_string(repo_root().join("pipelines/scoring.toml")).expect("cfg");
    let cfg = cfg.replace(
        "[band]\nlow = 0.35\nhigh = 0.65",
        "[band]\nlow = 0.0\nhigh = 1.0",
    );
    assert!(cfg.contains("low = 0.0"));
    let cfg_path = home.path().join("scoring.toml");
    std::fs::write(&cfg_path, cfg).expect("write cfg");
    let listings = [
        serde_json::json!({"id": "e1", "marketplace": "m", "title": "Quạt đứng 5 cánh", "description": "Bảo hành 12 tháng."}),
        serde_json::json!({"id": "e2", "marketplace": "m", "title": "iPhone 15 hàng chính hãng giá 2tr", "description": "Ib zalo 0900 000 101, chuyển khoản trước"}),
    ];
    let input = write_lines(home.path(), "l.jsonl", &listings);
    let out = run_expect(
        soi(home.path())
            .env("SOI_SCORING_CONFIG", &cfg_path)
            .env("RUST_LOG", "soi_score=debug,soi_encoder=info")
            .args(["score", "--input"])
            .arg(&input)
            .args(["--output", "-"]),
        0,
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("encoder tier on"), "{err}");
    assert!(
        err.contains("second tier consulted") && err.contains("n=2"),
        "{err}"
    );
    let verdicts: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    assert_eq!(verdicts.len(), 2);
    assert_eq!(verdicts[0]["listing_id"], "e1");
}
