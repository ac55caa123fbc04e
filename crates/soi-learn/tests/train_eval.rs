//! Training and `soi eval` on small invented data: training is deterministic for a seed and
//! learns a separable split; the metrics of a hand-made model on a small labelled file are the
//! ones worked out by hand.

use soi_learn::train::{train_head, Example, HeadParams};
use soi_score::fast::features::WORD;
use soi_score::fast::{FastConfig, FastModel, HashConfig, HeadSpec, Scratch, LANES};
use soi_score::Head;

fn small_hash() -> HashConfig {
    HashConfig {
        bits: 14,
        ..HashConfig::default()
    }
}

/// A model with one binary `scam` head over `weights`.
fn scam_model(weights: Vec<f32>) -> FastModel {
    let head = HeadSpec {
        name: Head::Scam,
        classes: 2,
        offset: 0,
        calib_a: 1.0,
        calib_b: 0.0,
        threshold: 0.5,
        datasets: vec![],
        dev_metrics: Default::default(),
        namespaces: None,
        class_bias: vec![],
    };
    let cfg = FastConfig {
        name: "test-fast".into(),
        format: 1,
        hashing: small_hash(),
        heads: vec![head],
        seed: 1,
        thresholds_by_marketplace: Default::default(),
    };
    FastModel::new(cfg, weights, [0.0; LANES]).unwrap()
}

/// The WORD bucket of a single word.
fn word_bucket(w: &str) -> usize {
    let mut b = None;
    small_hash().for_each(w, &mut Scratch::default(), |ns, bucket| {
        if ns == WORD && b.is_none() {
            b = Some(bucket as usize);
        }
    });
    b.unwrap()
}

#[test]
fn training_is_deterministic_and_learns() {
    let mk = |i: usize| {
        let pos = i.is_multiple_of(2);
        let text = if pos {
            format!("chuyển khoản trước để nhận quà {i}")
        } else {
            format!("giao hàng nhanh đóng gói đẹp {i}")
        };
        Example {
            text,
            label: usize::from(pos),
        }
    };
    let train: Vec<Example> = (0..60).map(mk).collect();
    let dev: Vec<Example> = (60..80).map(mk).collect();
    let p: HeadParams = toml::from_str("epochs = 3\nlr = 0.05\nbatch = 8\nrefit = true").unwrap();
    let a = train_head(&small_hash(), &train, &dev, 2, &p, 42).unwrap();
    let b = train_head(&small_hash(), &train, &dev, 2, &p, 42).unwrap();
    assert_eq!(a.weights, b.weights);
    assert_eq!(a.threshold, b.threshold);
    let correct = a
        .dev_probs
        .iter()
        .zip(&dev)
        .filter(|(p, e)| usize::from(p[0] > a.threshold) == e.label)
        .count();
    assert_eq!(correct, dev.len());
    // NB-LR scaling is folded into the weights and learns the same split.
    let nb: HeadParams = toml::from_str("epochs = 3\nlr = 0.05\nbatch = 8\nnb = true").unwrap();
    let c = train_head(&small_hash(), &train, &dev, 2, &nb, 42).unwrap();
    let correct = c
        .dev_probs
        .iter()
        .zip(&dev)
        .filter(|(p, e)| usize::from(p[0] > c.threshold) == e.label)
        .count();
    assert_eq!(correct, dev.len());
}

#[test]
fn eval_on_a_small_labelled_file_gives_known_metrics() {
    let mut w = vec![0f32; small_hash().buckets() * LANES];
    // The word "lừa" (folded "lua") pushes the scam head up strongly.
    w[word_bucket("lừa") * LANES] = 20.0;
    let m = scam_model(w);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("eval.jsonl");
    // Predictions: 1, 1, 0, 0, 1; gold: 1, 0, 1, 0, 1.
    std::fs::write(
        &file,
        [
            r#"{"text": "lừa đảo", "label": 1}"#,
            r#"{"text": "không lừa", "label": 0}"#,
            r#"{"text": "bình thường", "label": 1}"#,
            "",
            r#"{"text": "hello", "label": 0}"#,
            r#"{"text": "LUA dao", "label": "1"}"#,
        ]
        .join("\n"),
    )
    .unwrap();
    let r = soi_learn::eval::evaluate_file(&m, Head::Scam, &file).unwrap();
    assert_eq!(r.n, 5);
    assert_eq!(r.accuracy, 0.6);
    assert_eq!(r.precision_pos, 0.6667);
    assert_eq!(r.recall_pos, 0.6667);
    assert_eq!(r.f1_pos, 0.6667);
    // Class 0: p = 1/2, r = 1/2, F1 = 0.5; macro = (0.5 + 2/3) / 2.
    assert_eq!(r.macro_f1, 0.5833);
    let json = serde_json::to_value(&r).unwrap();
    let keys: Vec<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    for k in [
        "head",
        "n",
        "accuracy",
        "macro_f1",
        "f1_pos",
        "precision_pos",
        "recall_pos",
        "pr_auc",
        "ece",
    ] {
        assert!(keys.contains(&k), "{k} missing");
    }
    assert!(
        soi_learn::eval::evaluate_file(&m, Head::DeceptiveReview, &file).is_err(),
        "a head the model lacks is an error"
    );
    std::fs::write(&file, "{\"text\": \"x\"}\n").unwrap();
    let e = soi_learn::eval::evaluate_file(&m, Head::Scam, &file).unwrap_err();
    assert!(e.to_string().contains(":1"), "{e}");
}
