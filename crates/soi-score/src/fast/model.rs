//! The fast tier at inference: per-bucket head weights (the n-gram embeddings and the output
//! layer folded into one `[buckets, 8]` table), a bias per output, and per-head calibration.
//!
//! Scoring a text is one pass over its hashed n-grams adding 8-wide rows: no matrix product and no
//! allocation per n-gram. Saved as `weights.safetensors` (f16 table, f32 bias) plus `config.json`.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::Path;

use safetensors::tensor::TensorView;
use safetensors::{Dtype, SafeTensors};
use serde::{Deserialize, Serialize};

use super::features::{HashConfig, Scratch, ALL, BIGRAM, CHAR, DIAC, META, NS, NS_NAMES, WORD};
use crate::prob::{sigmoid, softmax_t};
use crate::tier::{HeadProbs, TextTier};
use crate::{Head, ScoreError};

/// Width of a weight row: every head's outputs fit in 8 lanes.
pub const LANES: usize = 8;

/// One head of the model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeadSpec {
    pub name: Head,
    /// 1 for a binary head (one logit), else the number of classes.
    pub classes: usize,
    /// First lane of this head's logits.
    pub offset: usize,
    /// Binary: Platt `a`; multi-class: 1 / temperature.
    pub calib_a: f64,
    /// Binary: Platt `b`.
    pub calib_b: f64,
    /// Decision threshold on the calibrated probability (binary heads).
    pub threshold: f64,
    /// Training sets (names of `../shared/data` folders).
    #[serde(default)]
    pub datasets: Vec<String>,
    /// Held-out metrics measured at training time.
    #[serde(default)]
    pub dev_metrics: BTreeMap<String, f64>,
    /// Feature namespaces the head learned from (absent: all). Scoring this head alone skips the
    /// others.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespaces: Option<Vec<String>>,
    /// Multi-class heads: per-class offsets added to the temperature-scaled logits, tuned on
    /// held-out data for macro-F1.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub class_bias: Vec<f64>,
}

impl HeadSpec {
    /// Namespace bit mask of [`HeadSpec::namespaces`].
    pub fn mask(&self) -> u8 {
        match &self.namespaces {
            None => ALL,
            Some(v) => v
                .iter()
                .filter_map(|n| NS_NAMES.iter().position(|x| x == n))
                .fold(0u8, |m, i| m | (1 << i)),
        }
    }

    fn lanes(&self) -> usize {
        if self.classes <= 2 {
            1
        } else {
            self.classes
        }
    }
}

/// `config.json` of a model folder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FastConfig {
    pub name: String,
    pub format: u32,
    pub hashing: HashConfig,
    pub heads: Vec<HeadSpec>,
    pub seed: u64,
    /// Per head, per marketplace: a decision threshold tuned on that marketplace's analyst
    /// labels (`soi train --labels-file`). Where present it replaces the head's threshold and
    /// the scoring config's gate for listings of that marketplace: the gate exists because the
    /// heads learn from SMS and reviews, not listings, and this threshold was tuned on listings.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub thresholds_by_marketplace: BTreeMap<Head, BTreeMap<String, f64>>,
}

/// A loaded fast-tier model.
pub struct FastModel {
    cfg: FastConfig,
    /// `[buckets * LANES]`, row-major: one cache line gives every head's weight of a bucket.
    weights: Vec<f32>,
    /// The same weights lane-major (`[LANES * buckets]`): one head alone reads a table of
    /// `buckets` floats (1 MiB at 2^18), which stays in the CPU cache.
    by_lane: Vec<f32>,
    bias: [f32; LANES],
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

impl FastModel {
    /// Builds a model from trained parts. `weights` is `[buckets * LANES]`.
    pub fn new(
        cfg: FastConfig,
        weights: Vec<f32>,
        bias: [f32; LANES],
    ) -> Result<FastModel, ScoreError> {
        if weights.len() != cfg.hashing.buckets() * LANES {
            return Err(ScoreError::Model {
                path: cfg.name.clone(),
                why: format!(
                    "weights have {} values, expected {}",
                    weights.len(),
                    cfg.hashing.buckets() * LANES
                ),
            });
        }
        let n = cfg.hashing.buckets();
        let mut by_lane = vec![0f32; n * LANES];
        for (b, row) in weights.chunks_exact(LANES).enumerate() {
            for (k, &v) in row.iter().enumerate() {
                by_lane[k * n + b] = v;
            }
        }
        Ok(FastModel {
            cfg,
            weights,
            by_lane,
            bias,
        })
    }

    pub fn config(&self) -> &FastConfig {
        &self.cfg
    }

    pub fn config_mut(&mut self) -> &mut FastConfig {
        &mut self.cfg
    }

    pub fn head(&self, name: Head) -> Option<&HeadSpec> {
        self.cfg.heads.iter().find(|h| h.name == name)
    }

    /// Raw logits (all lanes) of one text.
    pub fn logits_with(&self, text: &str, scratch: &mut Scratch) -> [f32; LANES] {
        let mut sums = [[0f32; LANES]; NS];
        let mut counts = [0u32; NS];
        let w = &self.weights;
        self.cfg.hashing.for_each(text, scratch, |ns, b| {
            let at = b as usize * LANES;
            if let Some(row) = w.get(at..at + LANES) {
                let s = &mut sums[ns];
                for k in 0..LANES {
                    s[k] += row[k];
                }
                counts[ns] += 1;
            }
        });
        let mut out = self.bias;
        for ns in [WORD, BIGRAM, DIAC, CHAR, META] {
            if counts[ns] > 0 {
                let scale = 1.0 / (counts[ns] as f32).sqrt();
                for k in 0..LANES {
                    out[k] += sums[ns][k] * scale;
                }
            }
        }
        out
    }

    /// Raw logits using a thread-local scratch.
    pub fn logits(&self, text: &str) -> [f32; LANES] {
        SCRATCH.with(|s| self.logits_with(text, &mut s.borrow_mut()))
    }

    /// The raw logit of one binary head: only its namespaces, only its lane. The hot path of
    /// single-head scoring (`soi eval`, `soi bench score --head`).
    pub fn head_logit_with(&self, head: &HeadSpec, text: &str, scratch: &mut Scratch) -> f32 {
        let n = self.cfg.hashing.buckets();
        let lane = &self.by_lane[head.offset * n..(head.offset + 1) * n];
        let mut sums = [0f32; NS];
        let mut counts = [0u32; NS];
        self.cfg
            .hashing
            .for_each_in(text, scratch, head.mask(), |ns, b| {
                if let Some(w) = lane.get(b as usize) {
                    sums[ns] += w;
                    counts[ns] += 1;
                }
            });
        let mut z = self.bias[head.offset];
        for ns in 0..NS {
            if counts[ns] > 0 {
                z += sums[ns] / (counts[ns] as f32).sqrt();
            }
        }
        z
    }

    /// Calibrated probabilities of one head for a text, by the fastest path for that head.
    pub fn head_probs_for(&self, head: &HeadSpec, text: &str) -> Vec<f64> {
        if head.lanes() == 1 {
            let z = SCRATCH.with(|s| self.head_logit_with(head, text, &mut s.borrow_mut()));
            vec![sigmoid(head.calib_a * z as f64 + head.calib_b)]
        } else {
            self.head_probs(head, &self.logits(text))
        }
    }

    /// Calibrated probabilities of one head from raw logits: one value (P(label 1)) for a binary
    /// head, the class distribution for a multi-class head.
    pub fn head_probs(&self, head: &HeadSpec, logits: &[f32; LANES]) -> Vec<f64> {
        if head.lanes() == 1 {
            let z = logits[head.offset] as f64;
            vec![sigmoid(head.calib_a * z + head.calib_b)]
        } else {
            let t = 1.0 / head.calib_a.max(1e-6);
            let z: Vec<f64> = logits[head.offset..head.offset + head.lanes()]
                .iter()
                .enumerate()
                .map(|(i, &v)| v as f64 / t + head.class_bias.get(i).copied().unwrap_or(0.0))
                .collect();
            softmax_t(&z, 1.0)
        }
    }

    /// Calibrated probabilities of one head for a text; an error when the model lacks it.
    pub fn predict_head(&self, head: Head, text: &str) -> Result<Vec<f64>, ScoreError> {
        let h = self
            .head(head)
            .ok_or_else(|| ScoreError::UnknownHead(head.to_string()))?;
        Ok(self.head_probs_for(h, text))
    }

    /// Saves `config.json` and `weights.safetensors` into `dir` (the table as f16, the bias as
    /// f32).
    pub fn save(&self, dir: &Path) -> Result<(), ScoreError> {
        std::fs::create_dir_all(dir).map_err(|e| ScoreError::io(dir, e))?;
        let st = dir.join("weights.safetensors");
        let bad = |e: safetensors::SafeTensorError| ScoreError::Model {
            path: st.display().to_string(),
            why: e.to_string(),
        };
        let n = self.cfg.hashing.buckets();
        let w: Vec<u8> = self
            .weights
            .iter()
            .flat_map(|&v| half::f16::from_f32(v).to_le_bytes())
            .collect();
        let b: Vec<u8> = self.bias.iter().flat_map(|v| v.to_le_bytes()).collect();
        let tensors = [
            (
                "weights",
                TensorView::new(Dtype::F16, vec![n, LANES], &w).map_err(bad)?,
            ),
            (
                "bias",
                TensorView::new(Dtype::F32, vec![LANES], &b).map_err(bad)?,
            ),
        ];
        let bytes = safetensors::serialize(tensors, None).map_err(bad)?;
        std::fs::write(&st, bytes).map_err(|e| ScoreError::io(&st, e))?;
        let json = serde_json::to_string_pretty(&self.cfg)?;
        let p = dir.join("config.json");
        std::fs::write(&p, json + "\n").map_err(|e| ScoreError::io(&p, e))?;
        Ok(())
    }

    /// Loads a model folder written by [`FastModel::save`].
    pub fn load(dir: &Path) -> Result<FastModel, ScoreError> {
        let bad = |why: String| ScoreError::Model {
            path: dir.display().to_string(),
            why,
        };
        let p = dir.join("config.json");
        let text = std::fs::read_to_string(&p).map_err(|e| ScoreError::io(&p, e))?;
        let cfg: FastConfig = serde_json::from_str(&text)?;
        if cfg.format != 1 {
            return Err(bad(format!("unsupported model format {}", cfg.format)));
        }
        let st = dir.join("weights.safetensors");
        let bytes = std::fs::read(&st).map_err(|e| ScoreError::io(&st, e))?;
        let tensors = SafeTensors::deserialize(&bytes).map_err(|e| bad(e.to_string()))?;
        let read = |name: &str| -> Result<Vec<f32>, ScoreError> {
            let t = tensors
                .tensor(name)
                .map_err(|_| bad(format!("no `{name}` tensor")))?;
            floats(&t).ok_or_else(|| bad(format!("`{name}` is {:?}, not f16 or f32", t.dtype())))
        };
        let weights = read("weights")?;
        let bias: [f32; LANES] = read("bias")?
            .try_into()
            .map_err(|v: Vec<f32>| bad(format!("bias has {} values, expected {LANES}", v.len())))?;
        for h in &cfg.heads {
            if h.offset + h.lanes() > LANES {
                return Err(bad(format!(
                    "head {} does not fit in {LANES} lanes",
                    h.name
                )));
            }
        }
        tracing::info!(model = %cfg.name, dir = %dir.display(), "fast tier loaded");
        FastModel::new(cfg, weights, bias)
    }

    /// The byte span around the word of `text` whose own n-grams push `head` up the most: that
    /// word with its neighbours, so the quoted evidence reads as a phrase.
    fn strongest_phrase(&self, head: &HeadSpec, text: &str) -> Option<(usize, usize)> {
        let lane = head.offset;
        let mut words: Vec<(usize, usize)> = Vec::new();
        let mut start = None;
        for (i, c) in text.char_indices() {
            match (start, c.is_alphanumeric()) {
                (None, true) => start = Some(i),
                (Some(s), false) => {
                    words.push((s, i));
                    start = None;
                }
                _ => {}
            }
        }
        if let Some(s) = start {
            words.push((s, text.len()));
        }
        let mut scratch = Scratch::default();
        let mut best: Option<(f32, usize)> = None;
        for (wi, &(s, e)) in words.iter().enumerate() {
            let mut sum = 0f32;
            let mut n = 0u32;
            self.cfg
                .hashing
                .for_each(&text[s..e], &mut scratch, |ns, b| {
                    if ns != META {
                        sum += self
                            .weights
                            .get(b as usize * LANES + lane)
                            .copied()
                            .unwrap_or(0.0);
                        n += 1;
                    }
                });
            let v = sum / (n.max(1) as f32).sqrt();
            if best.is_none_or(|x| v > x.0) {
                best = Some((v, wi));
            }
        }
        let (v, wi) = best?;
        if v <= 0.0 {
            return None;
        }
        let first = words[wi.saturating_sub(1)].0;
        let last = words[(wi + 1).min(words.len() - 1)].1;
        Some((first, last))
    }
}

impl TextTier for FastModel {
    fn name(&self) -> &str {
        &self.cfg.name
    }

    fn predict(&self, text: &str) -> HeadProbs {
        let z = self.logits(text);
        let mut out = HeadProbs::default();
        for h in &self.cfg.heads {
            let p = self.head_probs(h, &z);
            match h.name {
                Head::ReviewSpamType => {
                    if let [a, b, c, d] = p[..] {
                        out.review_spam_type = Some([a, b, c, d]);
                    }
                }
                binary => out.set(binary, p.first().copied()),
            }
        }
        out
    }

    fn threshold(&self, head: Head) -> Option<f64> {
        self.head(head).map(|h| h.threshold)
    }

    fn marketplace_threshold(&self, head: Head, marketplace: &str) -> Option<f64> {
        self.head(head)?;
        self.cfg
            .thresholds_by_marketplace
            .get(&head)?
            .get(marketplace)
            .copied()
    }

    fn top_span(&self, head: Head, text: &str) -> Option<(usize, usize)> {
        self.strongest_phrase(self.head(head)?, text)
    }
}

/// The values of an f16 or f32 tensor (little-endian, as safetensors stores them) as f32.
fn floats(t: &TensorView<'_>) -> Option<Vec<f32>> {
    let d = t.data();
    match t.dtype() {
        Dtype::F16 => Some(
            d.chunks_exact(2)
                .map(|c| half::f16::from_le_bytes([c[0], c[1]]).to_f32())
                .collect(),
        ),
        Dtype::F32 => Some(
            d.chunks_exact(4)
                .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect(),
        ),
        _ => None,
    }
}
