//! `soi train`: trains every head on its real labelled sets, calibrates each on held-out data,
//! folds them into one model folder and writes its model card. With analysts' labels
//! (`analyst.rs`) the scam head also learns from them and gets per-marketplace thresholds.

pub mod analyst;
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
pub use analyst::{AnalystConfig, AnalystReport, AnalystRow};
pub use data::{load_head, shared_data_dir, Example, Split};
pub use trainer::{train_head, train_head_weighted, HeadParams, TrainedHead};

/// `pipelines/train.toml`.
#[derive(Debug, Clone, Deserialize)]
pub struct TrainConfig {
    pub name: String,
    pub seed: u64,
    /// Share of a set held out for calibration when it has no dev split.
    pub dev_fraction: f64,
    pub hashing: HashConfig,
    pub heads: BTreeMap<Head, HeadParams>,
    /// How analysts' labels are used when `soi train` is given them.
    #[serde(default)]
    pub analyst: AnalystConfig,
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

/// What [`train_all`] gives: the folded model, per-head results, and the analyst report when
/// analysts' labels were given and the scam head trained.
pub type Trained = (FastModel, Vec<HeadResult>, Option<AnalystReport>);

/// Trains the heads in `cfg` (all of them, or those named in `only`) from `data_dir`, the scam
/// head also on `labels` (analysts', see `analyst.rs`), and returns the folded model with
/// per-head results.
pub fn train_all(
    cfg: &TrainConfig,
    data_dir: &Path,
    only: Option<&[Head]>,
    labels: Option<&[AnalystRow]>,
) -> Result<Trained, LearnError> {
    let mut analyst_report = None;
    let mut by_marketplace = BTreeMap::new();
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
        let seed = cfg.seed ^ (i as u64 * 7919);
        let t = match labels.filter(|l| name == Head::Scam && !l.is_empty()) {
            Some(rows) => {
                let (t, rep, chosen) = with_analyst(cfg, &split, rows, params, seed)?;
                analyst_report = Some(rep);
                if !chosen.is_empty() {
                    by_marketplace.insert(Head::Scam, chosen);
                }
                t
            }
            None => train_head(
                &cfg.hashing,
                &split.train,
                &split.dev,
                classes,
                params,
                seed,
            )?,
        };
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
        thresholds_by_marketplace: by_marketplace,
    };
    Ok((FastModel::new(fc, weights, bias)?, results, analyst_report))
}

/// The scam head trained on its shared sets plus the older analysts' labels (weighted), the
/// per-marketplace thresholds from out-of-fold probabilities, and the held-out-by-time figures.
fn with_analyst(
    cfg: &TrainConfig,
    split: &Split,
    rows: &[AnalystRow],
    params: &HeadParams,
    seed: u64,
) -> Result<(TrainedHead, AnalystReport, BTreeMap<String, f64>), LearnError> {
    let ac = &cfg.analyst;
    let (older, newest) = analyst::split_by_time(rows.to_vec(), ac.holdout_fraction);
    let ex = |r: &AnalystRow| Example {
        text: r.text.clone(),
        label: r.label as usize,
    };
    let train_on = |keep: &dyn Fn(usize) -> bool| {
        let mut v = split.train.clone();
        let mut w = vec![1f32; v.len()];
        for (_, r) in older.iter().enumerate().filter(|(j, _)| keep(*j)) {
            v.push(ex(r));
            w.push(ac.weight);
        }
        (v, w)
    };
    let (v, w) = train_on(&|_| true);
    tracing::info!(
        older = older.len(),
        held_out = newest.len(),
        weight = ac.weight,
        "scam head with analysts' labels"
    );
    let t = train_head_weighted(&cfg.hashing, (&v, &w), &split.dev, 2, params, seed)?;
    let newest_ex: Vec<Example> = newest.iter().map(ex).collect();
    let held_p = t.probs(&cfg.hashing, params, &newest_ex)?;
    // Out-of-fold probabilities: each fold scored by a head trained without it, for the epochs
    // the full head chose (no refit, to keep the k extra trainings short).
    let folds = ac.folds.min(older.len());
    let oof = if folds >= 2 && older.len() >= ac.min_per_marketplace.max(2 * folds) {
        let fold = analyst::fold_of(older.len(), folds);
        let mut oof = vec![0f64; older.len()];
        let fp = HeadParams {
            epochs: t.best_epoch,
            refit: false,
            ..params.clone()
        };
        for k in 0..folds {
            let (v, w) = train_on(&|j| fold[j] != k);
            tracing::info!(fold = k + 1, of = folds, "out-of-fold scam head");
            let tk = train_head_weighted(&cfg.hashing, (&v, &w), &split.dev, 2, &fp, seed)?;
            let idx: Vec<usize> = (0..older.len()).filter(|&j| fold[j] == k).collect();
            let texts: Vec<Example> = idx.iter().map(|&j| ex(&older[j])).collect();
            for (j, p) in idx.iter().zip(tk.probs(&cfg.hashing, &fp, &texts)?) {
                oof[*j] = p;
            }
        }
        Some(oof)
    } else {
        None
    };
    let (rep, chosen) = analyst::thresholds(
        ac,
        (&older, oof.as_deref()),
        (&newest, &held_p),
        t.threshold,
        if oof.is_some() { folds } else { 0 },
    );
    Ok((t, rep, chosen))
}

/// Trains, saves the model folder and writes its model card.
pub fn train_and_save(
    cfg: &TrainConfig,
    data_dir: &Path,
    out_dir: &Path,
    only: Option<&[Head]>,
    command: &str,
) -> Result<Vec<HeadResult>, LearnError> {
    train_and_save_with(cfg, data_dir, out_dir, only, command, None).map(|r| r.0)
}

/// [`train_and_save`] with analysts' labels for the scam head; also returns their report.
pub fn train_and_save_with(
    cfg: &TrainConfig,
    data_dir: &Path,
    out_dir: &Path,
    only: Option<&[Head]>,
    command: &str,
    labels: Option<&[AnalystRow]>,
) -> Result<(Vec<HeadResult>, Option<AnalystReport>), LearnError> {
    let (model, results, analyst) = train_all(cfg, data_dir, only, labels)?;
    model.save(out_dir)?;
    card::write(out_dir, cfg, &results, command, analyst.as_ref())?;
    Ok((results, analyst))
}
