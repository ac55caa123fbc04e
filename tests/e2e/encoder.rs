//! The encoder tier through the `soi` binary: `soi bench encoder` figures, `soi eval` for each
//! tier on the same texts, clear errors for a wrong folder, and the scorer consulting the encoder
//! for the uncertain band. Needs deploy/fetch-encoder.sh's checkpoint: skips with a message
//! without it, fails without it when SOI_REQUIRE_DATA=1 (CI).

use std::path::{Path, PathBuf};

use crate::support::{copy_dir, repo_root, run_expect, soi};

use soi_encoder::paths::test_checkpoint as checkpoint;

/// The log without terminal colour codes.
fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
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
    // Plain scam and chat messages: the fast tier gets most of them. The encoder's answer is a
    // real F1; the cascade is the fast tier wherever the shipped scam cascade has band 0.
    assert!(f1[0] >= 0.75, "F1 per tier: {f1:?}");
    assert!((0.0..=1.0).contains(&f1[1]), "F1 per tier: {f1:?}");
    let heads: serde_json::Value = serde_json::from_slice(
        &std::fs::read(repo_root().join("models/soi-encoder-v1/config.json")).expect("heads"),
    )
    .expect("json");
    let scam = heads["heads"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["name"] == "scam")
        .unwrap();
    if scam["mix"]["band"].as_f64() == Some(0.0) {
        assert_eq!(f1[2], f1[0], "F1 per tier: {f1:?}");
    }
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

/// `soi score` on two listings with every listing in the band; `heads_band` rewrites each
/// encoder head's cascade band in a copy of the models folder. Returns (verdicts, log).
fn score_in_band(heads_band: Option<f64>) -> (Vec<serde_json::Value>, String) {
    let home = tempfile::tempdir().expect("tempdir");
    let cfg = std::fs::read_to_string(repo_root().join("pipelines/scoring.toml")).expect("cfg");
    let cfg = cfg.replace(
        "[band]\nlow = 0.35\nhigh = 0.65",
        "[band]\nlow = 0.0\nhigh = 1.0",
    );
    assert!(cfg.contains("low = 0.0"));
    let cfg_path = home.path().join("scoring.toml");
    std::fs::write(&cfg_path, cfg).expect("write cfg");
    let models = home.path().join("models");
    for m in ["soi-fast-v1", "soi-encoder-v1"] {
        copy_dir(&repo_root().join("models").join(m), &models.join(m));
    }
    if let Some(band) = heads_band {
        let p = models.join("soi-encoder-v1/config.json");
        let mut c: serde_json::Value = serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
        for h in c["heads"].as_array_mut().unwrap() {
            h["mix"] = serde_json::json!({"band": band, "fast_weight": 0.0});
        }
        std::fs::write(&p, c.to_string()).unwrap();
    }
    let listings = [
        serde_json::json!({"id": "e1", "marketplace": "m", "title": "Quạt đứng 5 cánh", "description": "Bảo hành 12 tháng."}),
        serde_json::json!({"id": "e2", "marketplace": "m", "title": "iPhone 15 hàng chính hãng giá 2tr", "description": "Ib zalo 0900 000 101, chuyển khoản trước"}),
    ];
    let input = write_lines(home.path(), "l.jsonl", &listings);
    let out = run_expect(
        soi(home.path())
            .env("SOI_SCORING_CONFIG", &cfg_path)
            .env("SOI_MODELS_DIR", &models)
            .env("RUST_LOG", "soi_score=debug,soi_encoder=debug")
            .args(["score", "--input"])
            .arg(&input)
            .args(["--output", "-"]),
        0,
    );
    let verdicts: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    assert_eq!(verdicts.len(), 2);
    assert_eq!(verdicts[0]["listing_id"], "e1");
    (verdicts, strip_ansi(&String::from_utf8_lossy(&out.stderr)))
}

#[test]
fn the_scorer_consults_the_encoder_only_where_a_cascade_is_unsure() {
    if checkpoint().is_none() {
        return;
    }
    // The shipped heads' listing-text cascades (scam, misleading_claim) never consult the
    // encoder, so it is not even loaded.
    let (shipped, log) = score_in_band(None);
    assert!(
        log.contains("no listing head's cascade consults the encoder"),
        "{log}"
    );
    assert!(!log.contains("second tier consulted"), "{log}");
    assert_eq!(shipped[0]["model"], "soi-fast-v1");
    // Heads with a vanishing band: both listings reach the tier, which reads none of them.
    let (_, log) = score_in_band(Some(1e-9));
    assert!(log.contains("encoder tier on"), "{log}");
    assert!(
        log.contains("second tier consulted") && log.contains("n=2"),
        "{log}"
    );
    assert!(!log.contains("encoder reads"), "{log}");
    // Heads whose cascade is always unsure and trusts only the encoder: both texts are read and
    // the encoder's answer replaces the fast tier's.
    let (forced, log) = score_in_band(Some(1.01));
    assert!(
        log.contains("encoder reads the unsure texts n=2 of=2"),
        "{log}"
    );
    assert_eq!(forced[0]["model"], "soi-fast-v1+soi-encoder-v1");
    let scam = |v: &serde_json::Value| v["heads"]["scam"].as_f64().unwrap();
    assert!(
        (scam(&shipped[1]) - scam(&forced[1])).abs() > 1e-6,
        "the encoder changed the scam probability: {} vs {}",
        scam(&shipped[1]),
        scam(&forced[1])
    );
    for r in forced[1]["reasons"].as_array().unwrap() {
        if r["code"] == "scam_text" || r["code"] == "misleading_text" {
            assert!(
                r["message"]
                    .as_str()
                    .unwrap()
                    .ends_with("[fast tier + soi-encoder-v1]"),
                "{r}"
            );
        }
    }
}
