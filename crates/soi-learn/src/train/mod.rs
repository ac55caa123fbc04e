//! `soi train`: trains every head on its real labelled sets, calibrates each on held-out data,
//! folds them into one model folder and writes its model card.

mod card;
pub mod csv;
pub mod data;
pub mod rng;
pub mod trainer;

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use soi_score::fast::{FastConfig, FastModel, HashConfig, HeadSpec, LANES};
use soi_score::Head;

use crate::metrics::{binary, multiclass, EvalReport};
use crate::LearnError;
pub use data::{load_head, shared_data_dir, Example, Split};
pub use trainer::{train_head, HeadParams};

/// `pipelines/train.toml`.
#[derive(Debug, Clone, Deserialize)]
pub struct TrainConfig {
    pub name: String,
    pub seed: u64,
    /// Share of a set held out for calibration when it has no dev split.
    pub dev_fraction: f64,
    pub hashing: HashConfig,
    pub heads: BTreeMap<Head, HeadParams>,
}

impl TrainConfig {
    pub fn from_file(path: &Path) -> Result<TrainConfig, LearnError> {
        let text = std::fs::read_to_string(path).map_err(|e| LearnError::io(path, e))?;
        toml::from_str(&text).map_err(|e| LearnError::Config {
            path: path.display().to_string(),
            why: e.to_string(),
        })
    }
}

/// Lane layout of the heads in the fast model: (head, first lane). A binary head has one lane,
/// a multi-class head one per class ([`Head::classes`]).
pub const HEADS: [(Head, usize); 5] = [
    (Head::Scam, 0),
    (Head::MisleadingClaim, 1),
    (Head::ReviewSpam, 2),
    (Head::ReviewSpamType, 3),
    (Head::DeceptiveReview, 7),
];

/// What training reports per head.
pub struct HeadResult {
    pub spec: HeadSpec,
    pub report: EvalReport,
    pub n_train: usize,
    pub best_epoch: usize,
}

/// Trains the heads in `cfg` (all of them, or those named in `only`) from `data_dir`, and
/// returns the folded model with per-head results.
pub fn train_all(
    cfg: &TrainConfig,
    data_dir: &Path,
    only: Option<&[Head]>,
) -> Result<(FastModel, Vec<HeadResult>), LearnError> {
    let buckets = cfg.hashing.buckets();
    let mut weights = vec![0f32; buckets * LANES];
    let mut bias = [0f32; LANES];
    let mut results = Vec::new();
    for (i, &(name, offset)) in HEADS.iter().enumerate() {
        let classes = name.classes();
        if only.is_some_and(|o| !o.contains(&name)) {
            continue;
        }
        let Some(params) = cfg.heads.get(&name) else {
            tracing::warn!(head = %name, "no training parameters; head skipped");
            continue;
        };
        let split = load_head(name, data_dir, cfg.dev_fraction, cfg.seed ^ i as u64)?;
        tracing::info!(
            head = %name,
            train = split.train.len(),
            dev = split.dev.len(),
            "training"
        );
        let t = train_head(
            &cfg.hashing,
            &split.train,
            &split.dev,
            classes,
            params,
            cfg.seed ^ (i as u64 * 7919),
        )?;
        for bk in 0..buckets {
            for k in 0..t.lanes {
                weights[bk * LANES + offset + k] = t.weights[bk * t.lanes + k];
            }
        }
        bias[offset..offset + t.lanes].copy_from_slice(&t.bias[..t.lanes]);
        let gold: Vec<usize> = split.dev.iter().map(|e| e.label).collect();
        let report = if t.lanes == 1 {
            let p: Vec<f64> = t.dev_probs.iter().map(|v| v[0]).collect();
            binary(name.as_str(), &p, &gold, t.threshold)
        } else {
            multiclass(name.as_str(), &t.dev_probs, &gold)
        };
        tracing::info!(head = %name, ?report, "held-out metrics");
        let mut dev_metrics = BTreeMap::new();
        dev_metrics.insert("accuracy".into(), report.accuracy);
        dev_metrics.insert("macro_f1".into(), report.macro_f1);
        dev_metrics.insert("f1_pos".into(), report.f1_pos);
        dev_metrics.insert("pr_auc".into(), report.pr_auc);
        dev_metrics.insert("ece".into(), report.ece);
        dev_metrics.insert("n".into(), report.n as f64);
        let spec = HeadSpec {
            name,
            classes,
            offset,
            calib_a: t.calib_a,
            calib_b: t.calib_b,
            threshold: t.threshold,
            datasets: split.datasets.clone(),
            dev_metrics,
            namespaces: params.features.clone(),
            class_bias: t.class_bias.clone(),
        };
        results.push(HeadResult {
            spec,
            report,
            n_train: split.train.len(),
            best_epoch: t.best_epoch,
        });
    }
    let fc = FastConfig {
        name: cfg.name.clone(),
        format: 1,
        hashing: cfg.hashing.clone(),
        heads: results.iter().map(|r| r.spec.clone()).collect(),
        seed: cfg.seed,
    };
    Ok((FastModel::new(fc, weights, bias)?, results))
}

/// Trains, saves the model folder and writes its model card.
pub fn train_and_save(
    cfg: &TrainConfig,
    data_dir: &Path,
    out_dir: &Path,
    only: Option<&[Head]>,
    command: &str,
) -> Result<Vec<HeadResult>, LearnError> {
    let (model, results) = train_all(cfg, data_dir, only)?;
    model.save(out_dir)?;
    card::write(out_dir, cfg, &results, command)?;
    Ok(results)
}
