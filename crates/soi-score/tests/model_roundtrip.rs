//! The fast tier's model folder: save + load gives the same scores, a broken folder is an error,
//! and the shipped model reads and writes back byte for byte (the file format did not move when
//! the reader left candle for the `safetensors` crate).

use soi_score::fast::{FastConfig, FastModel, HashConfig, HeadSpec, LANES};
use soi_score::{Head, TextTier};

fn small_hash() -> HashConfig {
    HashConfig {
        bits: 14,
        ..HashConfig::default()
    }
}

fn head(name: Head, classes: usize, offset: usize) -> HeadSpec {
    HeadSpec {
        name,
        classes,
        offset,
        calib_a: 1.0,
        calib_b: 0.0,
        threshold: 0.5,
        datasets: vec![],
        dev_metrics: Default::default(),
        namespaces: None,
        class_bias: vec![],
    }
}

fn model_with(weights: Vec<f32>) -> FastModel {
    let cfg = FastConfig {
        name: "test-fast".into(),
        format: 1,
        hashing: small_hash(),
        heads: vec![head(Head::Scam, 2, 0), head(Head::ReviewSpamType, 4, 3)],
        seed: 1,
        thresholds_by_marketplace: Default::default(),
    };
    FastModel::new(cfg, weights, [0.0; LANES]).unwrap()
}

#[test]
fn save_load_gives_the_same_scores() {
    let n = small_hash().buckets() * LANES;
    // Deterministic pseudo-random weights.
    let w: Vec<f32> = (0..n)
        .map(|i| ((i * 7919 % 1000) as f32 / 1000.0 - 0.5) * 2.0)
        .collect();
    let m = model_with(w);
    let dir = tempfile::tempdir().unwrap();
    m.save(dir.path()).unwrap();
    let a = FastModel::load(dir.path()).unwrap();
    let b = FastModel::load(dir.path()).unwrap();
    assert_eq!(a.config(), m.config());
    for t in [
        "Hàng chính hãng giá sốc, ib zalo",
        "Good product",
        "",
        "🔥🔥🔥",
    ] {
        // Two loads agree exactly; the f16 table stays within rounding of the trained weights.
        assert_eq!(a.logits(t), b.logits(t));
        for (x, y) in a.logits(t).iter().zip(m.logits(t).iter()) {
            assert!((x - y).abs() < 0.02, "{t}: {x} vs {y}");
        }
        // The single-head fast path (lane-major table, own namespaces) agrees with the full one.
        let spec = a.head(Head::Scam).unwrap();
        let full = a.head_probs(spec, &a.logits(t))[0];
        let fast = a.head_probs_for(spec, t)[0];
        assert!((full - fast).abs() < 1e-6, "{full} vs {fast}");
        let p = a.predict(t);
        assert!(p.scam.is_some_and(|v| (0.0..=1.0).contains(&v)));
        let dist = p.review_spam_type.unwrap();
        assert!((dist.iter().sum::<f64>() - 1.0).abs() < 1e-9);
    }
}

#[test]
fn per_marketplace_thresholds_round_trip_and_default_to_the_head_one() {
    let mut m = model_with(vec![0.0; small_hash().buckets() * LANES]);
    m.config_mut()
        .thresholds_by_marketplace
        .entry(Head::Scam)
        .or_default()
        .insert("demo".into(), 0.42);
    let dir = tempfile::tempdir().unwrap();
    m.save(dir.path()).unwrap();
    let a = FastModel::load(dir.path()).unwrap();
    assert_eq!(a.marketplace_threshold(Head::Scam, "demo"), Some(0.42));
    assert_eq!(a.marketplace_threshold(Head::Scam, "other"), None);
    assert_eq!(a.threshold(Head::Scam), Some(0.5));
}

#[test]
fn loading_a_missing_or_broken_folder_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    assert!(FastModel::load(dir.path()).is_err());
    std::fs::write(dir.path().join("config.json"), "{not json").unwrap();
    assert!(FastModel::load(dir.path()).is_err());
}

#[test]
fn shipped_model_writes_back_byte_for_byte() {
    let Some(dir) = soi_score::paths::models_dir().map(|d| d.join("soi-fast-v1")) else {
        eprintln!("skipped: no models folder");
        return;
    };
    let m = FastModel::load(&dir).expect("the shipped model loads");
    let out = tempfile::tempdir().unwrap();
    m.save(out.path()).unwrap();
    let orig = std::fs::read(dir.join("weights.safetensors")).unwrap();
    let back = std::fs::read(out.path().join("weights.safetensors")).unwrap();
    assert!(
        orig == back,
        "weights.safetensors differs after load + save"
    );
    let again = FastModel::load(out.path()).unwrap();
    let t = "Hàng chính hãng giá sốc, ib zalo 0900000101 chuyển khoản trước";
    assert_eq!(m.logits(t), again.logits(t));
    assert!(
        m.predict(t).scam.is_some(),
        "the shipped model has a scam head"
    );
}
