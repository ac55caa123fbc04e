//! Analysts' labels as an extra listing-level set for the `scam` head, and per-marketplace
//! thresholds tuned on them.
//!
//! Why: the shared sets are SMS and reviews, not listings, so the scam head's threshold (and the
//! scoring config's gate above it) were never tuned on what the scorer reads. The console's
//! labels (`soi labels export`) are listings, judged by people, per marketplace.
//!
//! How, so that every figure reported is honest:
//! - The rows are ordered by `labelled_at`; the newest `holdout_fraction` is held out by time
//!   and used for nothing but the reported precision and recall (the labels a retrained model
//!   will meet next look like the newest ones, not like a random sample).
//! - The older part joins the scam head's training set with loss weight `weight` each.
//! - A per-marketplace threshold is tuned on out-of-fold probabilities: k models, each trained
//!   without one fold of the older part, score that fold. A threshold tuned on a split makes
//!   that split's figure optimistic, so the out-of-fold figure is reported as tuned-on, and the
//!   held-out-by-time figure as the one tuning never saw.
//! - A marketplace with fewer than `min_per_marketplace` older labels, or one class only, keeps
//!   the global threshold, and the report says so.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::calibrate::best_threshold;
use crate::LearnError;

/// `[analyst]` in `pipelines/train.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AnalystConfig {
    /// Loss weight of one analyst label (an SMS example weighs 1).
    pub weight: f32,
    /// Newest share of the labels held out by time for evaluation.
    pub holdout_fraction: f64,
    /// Fewest older labels of a marketplace (both classes present) to tune its own threshold.
    pub min_per_marketplace: usize,
    /// Folds of the out-of-fold probabilities the thresholds are tuned on.
    pub folds: usize,
}

impl Default for AnalystConfig {
    fn default() -> Self {
        AnalystConfig {
            weight: 3.0,
            holdout_fraction: 0.2,
            min_per_marketplace: 20,
            folds: 5,
        }
    }
}

/// One exported label (`soi labels export`); other fields are ignored.
#[derive(Debug, Clone, Deserialize)]
pub struct AnalystRow {
    pub text: String,
    /// 1 scam, 0 not scam.
    pub label: u8,
    pub marketplace: String,
    #[serde(default)]
    pub id: String,
    pub labelled_at: DateTime<Utc>,
}

/// Reads a JSON Lines file of exported labels.
pub fn read_jsonl(path: &Path) -> Result<Vec<AnalystRow>, LearnError> {
    let text = std::fs::read_to_string(path).map_err(|e| LearnError::io(path, e))?;
    let mut out = vec![];
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let r: AnalystRow = serde_json::from_str(line).map_err(|e| LearnError::Data {
            path: format!("{}:{}", path.display(), i + 1),
            why: e.to_string(),
        })?;
        if r.label > 1 {
            return Err(LearnError::Data {
                path: format!("{}:{}", path.display(), i + 1),
                why: format!("label {} is neither 0 nor 1", r.label),
            });
        }
        out.push(r);
    }
    Ok(out)
}

/// The older part (trained and tuned on) and the newest part (held out), by `labelled_at`.
pub fn split_by_time(mut rows: Vec<AnalystRow>, frac: f64) -> (Vec<AnalystRow>, Vec<AnalystRow>) {
    rows.sort_by(|a, b| {
        (a.labelled_at, &a.marketplace, &a.id).cmp(&(b.labelled_at, &b.marketplace, &b.id))
    });
    let held = ((rows.len() as f64) * frac.clamp(0.0, 1.0)).round() as usize;
    let held = held.min(rows.len().saturating_sub(1));
    let newest = rows.split_off(rows.len() - held);
    (rows, newest)
}

/// Precision and recall at a threshold.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PrAt {
    pub n: usize,
    pub tp: usize,
    pub fp: usize,
    #[serde(rename = "fn")]
    pub fn_: usize,
    /// `null` when nothing was predicted positive.
    pub precision: Option<f64>,
    /// `null` when there were no positives.
    pub recall: Option<f64>,
}

impl PrAt {
    pub fn add(&mut self, predicted: bool, gold: bool) {
        self.n += 1;
        match (predicted, gold) {
            (true, true) => self.tp += 1,
            (true, false) => self.fp += 1,
            (false, true) => self.fn_ += 1,
            (false, false) => {}
        }
        let r = |a: usize, b: usize| (a + b > 0).then(|| round4(a as f64 / (a + b) as f64));
        self.precision = r(self.tp, self.fp);
        self.recall = r(self.tp, self.fn_);
    }
}

fn round4(v: f64) -> f64 {
    (v * 1e4).round() / 1e4
}

/// One marketplace in the report.
#[derive(Debug, Clone, Serialize)]
pub struct MarketReport {
    /// Older labels (tuned on) and held-out labels.
    pub labels: usize,
    pub held_out_labels: usize,
    pub threshold: f64,
    /// `marketplace` (tuned on its labels) or `global` (the head's own threshold).
    pub source: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub why_global: Option<String>,
    /// Out-of-fold figure at the tuned threshold: tuned on these labels, so optimistic.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tuned_on: Option<PrAt>,
    /// The held-out-by-time figure (never tuned or trained on).
    pub held_out: PrAt,
}

/// The `analyst` line of `soi train`'s report.
#[derive(Debug, Clone, Serialize)]
pub struct AnalystReport {
    pub head: &'static str,
    pub labels: usize,
    pub scam: usize,
    pub not_scam: usize,
    pub weight: f32,
    pub trained_on: usize,
    pub held_out: usize,
    /// The oldest held-out label's time: everything from then on was held out.
    pub held_out_from: Option<DateTime<Utc>>,
    pub folds: usize,
    pub global_threshold: f64,
    /// Held-out precision and recall at each marketplace's threshold.
    pub held_out_at_threshold: PrAt,
    pub marketplaces: BTreeMap<String, MarketReport>,
}

/// Chooses each marketplace's threshold from out-of-fold probabilities `oof` of `older`
/// (`None` when no cross-validation could run) and measures the held-out rows' probabilities
/// `held_p` against them. Returns the report and the thresholds to write into the model.
pub fn thresholds(
    cfg: &AnalystConfig,
    (older, oof): (&[AnalystRow], Option<&[f64]>),
    (newest, held_p): (&[AnalystRow], &[f64]),
    global: f64,
    folds: usize,
) -> (AnalystReport, BTreeMap<String, f64>) {
    let mut markets: BTreeMap<String, MarketReport> = BTreeMap::new();
    let mut chosen = BTreeMap::new();
    let names: std::collections::BTreeSet<&str> = older
        .iter()
        .chain(newest)
        .map(|r| r.marketplace.as_str())
        .collect();
    for m in names {
        let idx: Vec<usize> = (0..older.len())
            .filter(|&i| older[i].marketplace == m)
            .collect();
        let y: Vec<usize> = idx.iter().map(|&i| older[i].label as usize).collect();
        let pos = y.iter().filter(|&&v| v == 1).count();
        let why = if idx.len() < cfg.min_per_marketplace {
            Some(format!(
                "{} older labels < {}",
                idx.len(),
                cfg.min_per_marketplace
            ))
        } else if pos == 0 || pos == y.len() {
            Some("one class only among its older labels".to_string())
        } else if oof.is_none() {
            Some(format!("too few labels for {} folds", cfg.folds))
        } else {
            None
        };
        let (threshold, tuned_on) = match (&why, oof) {
            (None, Some(oof)) => {
                let p: Vec<f64> = idx.iter().map(|&i| oof[i]).collect();
                let t = best_threshold(&p, &y);
                let mut f = PrAt::default();
                for (pi, yi) in p.iter().zip(&y) {
                    f.add(*pi > t, *yi == 1);
                }
                chosen.insert(m.to_string(), t);
                (t, Some(f))
            }
            _ => (global, None),
        };
        markets.insert(
            m.to_string(),
            MarketReport {
                labels: idx.len(),
                held_out_labels: 0,
                threshold,
                source: if why.is_none() {
                    "marketplace"
                } else {
                    "global"
                },
                why_global: why,
                tuned_on,
                held_out: PrAt::default(),
            },
        );
    }
    let mut all = PrAt::default();
    for (r, &p) in newest.iter().zip(held_p) {
        let Some(mr) = markets.get_mut(&r.marketplace) else {
            continue;
        };
        let hit = p > mr.threshold;
        mr.held_out_labels += 1;
        mr.held_out.add(hit, r.label == 1);
        all.add(hit, r.label == 1);
    }
    let scam = older.iter().chain(newest).filter(|r| r.label == 1).count();
    let report = AnalystReport {
        head: "scam",
        labels: older.len() + newest.len(),
        scam,
        not_scam: older.len() + newest.len() - scam,
        weight: cfg.weight,
        trained_on: older.len(),
        held_out: newest.len(),
        held_out_from: newest.first().map(|r| r.labelled_at),
        folds,
        global_threshold: global,
        held_out_at_threshold: all,
        marketplaces: markets,
    };
    (report, chosen)
}

/// Fold of each of `n` rows (round robin over the time order, so each fold spans the period).
pub fn fold_of(n: usize, folds: usize) -> Vec<usize> {
    (0..n).map(|i| i % folds.max(1)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(m: &str, label: u8, secs: i64) -> AnalystRow {
        AnalystRow {
            text: format!("t{secs}"),
            label,
            marketplace: m.into(),
            id: secs.to_string(),
            labelled_at: DateTime::from_timestamp(secs, 0).unwrap(),
        }
    }

    #[test]
    fn the_newest_labels_are_held_out() {
        let rows: Vec<_> = (0..10).rev().map(|i| row("m", (i % 2) as u8, i)).collect();
        let (old, new) = split_by_time(rows, 0.2);
        assert_eq!(old.len(), 8);
        assert_eq!(
            new.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
            ["8", "9"]
        );
    }

    #[test]
    fn small_marketplaces_keep_the_global_threshold() {
        let cfg = AnalystConfig::default();
        let older: Vec<_> = (0..30)
            .map(|i| row("big", u8::from(i % 3 == 0), i))
            .chain((30..35).map(|i| row("small", 1, i)))
            .collect();
        // Scams score 0.3, others 0.1: the tuned threshold sits between them.
        let oof: Vec<f64> = older
            .iter()
            .map(|r| if r.label == 1 { 0.3 } else { 0.1 })
            .collect();
        let newest = vec![row("big", 1, 40), row("big", 0, 41), row("small", 1, 42)];
        let held = [0.35, 0.05, 0.3];
        let (rep, chosen) = thresholds(&cfg, (&older, Some(&oof)), (&newest, &held), 0.6, 5);
        let t = chosen["big"];
        assert!((0.1..0.3).contains(&t), "t={t}");
        assert!(!chosen.contains_key("small"));
        assert_eq!(rep.marketplaces["small"].source, "global");
        assert_eq!(rep.held_out_at_threshold.tp, 1);
        assert_eq!(rep.held_out_at_threshold.fn_, 1);
        assert_eq!(rep.held_out_at_threshold.precision, Some(1.0));
    }
}
