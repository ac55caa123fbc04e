//! Training one head with candle: a linear layer over hashed n-gram buckets (fastText's embedding
//! bag with the output layer folded in, trained directly in folded form), Adam with decoupled
//! weight decay, and the epoch chosen on held-out data.

use candle_core::{DType, Device, Tensor, Var, D};
use candle_nn::{AdamW, Optimizer, ParamsAdamW};
use serde::Deserialize;

use super::data::Example;
use super::rng::SplitMix;
use soi_score::fast::features::{NS, NS_NAMES};
use soi_score::fast::{HashConfig, Scratch};
use soi_score::prob::{sigmoid, softmax_t};

use crate::calibrate::{best_threshold, platt, temperature};
use crate::metrics::macro_f1;
use crate::LearnError;

/// Hyper-parameters of one head (`[heads.NAME]` in `pipelines/train.toml`).
#[derive(Debug, Clone, Deserialize)]
pub struct HeadParams {
    pub epochs: usize,
    pub lr: f64,
    #[serde(default)]
    pub weight_decay: f64,
    #[serde(default = "default_batch")]
    pub batch: usize,
    /// Most features taken from one text (long reviews are cut).
    #[serde(default = "default_max_features")]
    pub max_features: usize,
    /// After choosing the epoch and calibrating on held-out data, train again on train and
    /// held-out together for that many epochs (the calibration is kept).
    #[serde(default)]
    pub refit: bool,
    /// Scale each bucket by its naive-Bayes log-count ratio before training (NB-LR, Wang and
    /// Manning 2012); binary heads only. The ratio is folded into the weights afterwards, so
    /// scoring is unchanged.
    #[serde(default)]
    pub nb: bool,
    /// Feature namespaces this head learns from (default: all of
    /// `word`, `bigram`, `diac`, `char`, `meta`).
    #[serde(default)]
    pub features: Option<Vec<String>>,
}

impl HeadParams {
    fn mask(&self) -> Result<[bool; NS], LearnError> {
        let Some(f) = &self.features else {
            return Ok([true; NS]);
        };
        let mut m = [false; NS];
        for name in f {
            let i = NS_NAMES
                .iter()
                .position(|n| n == name)
                .ok_or_else(|| LearnError::Train(format!("unknown feature namespace `{name}`")))?;
            m[i] = true;
        }
        Ok(m)
    }
}

fn default_batch() -> usize {
    32
}

fn default_max_features() -> usize {
    3000
}

/// A trained head: weights `[buckets * lanes]`, bias, calibration and held-out logits.
pub struct TrainedHead {
    pub lanes: usize,
    pub weights: Vec<f32>,
    pub bias: Vec<f32>,
    pub best_epoch: usize,
    pub calib_a: f64,
    pub calib_b: f64,
    pub threshold: f64,
    /// Calibrated held-out probabilities: one per example (binary) or per class.
    pub dev_probs: Vec<Vec<f64>>,
    /// Multi-class heads: offsets added to the scaled logits (see `tune_class_bias`).
    pub class_bias: Vec<f64>,
}

type Feats = Vec<(u32, f32)>;

fn featurise(hash: &HashConfig, v: &[Example], max: usize, mask: [bool; NS]) -> Vec<Feats> {
    let mut s = Scratch::default();
    v.iter()
        .map(|e| {
            let mut f = Vec::new();
            hash.weighted_masked(&e.text, &mut s, &mut f, mask);
            f.truncate(max);
            f
        })
        .collect()
}

/// Logits of featurised texts under plain weights.
fn logits(feats: &[Feats], w: &[f32], b: &[f32], lanes: usize) -> Vec<Vec<f64>> {
    feats
        .iter()
        .map(|f| {
            let mut z: Vec<f64> = b.iter().map(|&v| v as f64).collect();
            for &(bucket, val) in f {
                let row = &w[bucket as usize * lanes..bucket as usize * lanes + lanes];
                for k in 0..lanes {
                    z[k] += (row[k] * val) as f64;
                }
            }
            z
        })
        .collect()
}

/// Held-out score used to pick the epoch: best macro-F1 over thresholds.
fn select_score(z: &[Vec<f64>], y: &[usize], lanes: usize) -> f64 {
    if lanes == 1 {
        let p: Vec<f64> = z.iter().map(|v| sigmoid(v[0])).collect();
        let t = best_threshold(&p, y);
        let pred: Vec<usize> = p.iter().map(|&v| usize::from(v > t)).collect();
        macro_f1(&pred, y, 2)
    } else {
        let pred: Vec<usize> = z
            .iter()
            .map(|v| {
                v.iter()
                    .enumerate()
                    .max_by(|a, b| a.1.total_cmp(b.1))
                    .map_or(0, |(i, _)| i)
            })
            .collect();
        macro_f1(&pred, y, lanes)
    }
}

/// Naive-Bayes log-count ratio per bucket: `ln((p_b / |p|) / (q_b / |q|))` with add-one
/// smoothing, from the (already normalised) feature values of positive and negative texts.
fn nb_ratio(buckets: usize, feats: &[Feats], labels: &[usize]) -> Vec<f32> {
    let mut p = vec![1f64; buckets];
    let mut q = vec![1f64; buckets];
    let mut seen = vec![false; buckets];
    for (f, &y) in feats.iter().zip(labels) {
        let t = if y == 1 { &mut p } else { &mut q };
        for &(b, v) in f {
            t[b as usize] += v as f64;
            seen[b as usize] = true;
        }
    }
    let (sp, sq): (f64, f64) = (p.iter().sum(), q.iter().sum());
    (0..buckets)
        .map(|b| {
            if seen[b] {
                ((p[b] / sp) / (q[b] / sq)).ln() as f32
            } else {
                0.0
            }
        })
        .collect()
}

/// Runs `epochs` epochs of Adam over `feats`, calling `after_epoch(epoch, weights, bias)` after
/// each. Deterministic for `seed`.
fn fit(
    buckets: usize,
    (feats, labels, weights): (&[Feats], &[usize], &[f32]),
    lanes: usize,
    p: &HeadParams,
    epochs: usize,
    seed: u64,
    mut after_epoch: impl FnMut(usize, Vec<f32>, Vec<f32>),
) -> Result<(), LearnError> {
    let dev = Device::Cpu;
    let w = Var::zeros((buckets, lanes), DType::F32, &dev)?;
    let b = Var::zeros(lanes, DType::F32, &dev)?;
    let mut opt = AdamW::new(
        vec![w.clone(), b.clone()],
        ParamsAdamW {
            lr: p.lr,
            weight_decay: p.weight_decay,
            ..Default::default()
        },
    )?;
    let mut rng = SplitMix::new(seed);
    let mut order: Vec<usize> = (0..feats.len()).collect();
    for epoch in 1..=epochs {
        rng.shuffle(&mut order);
        for chunk in order.chunks(p.batch.max(1)) {
            let l = chunk
                .iter()
                .map(|&i| feats[i].len())
                .max()
                .unwrap_or(1)
                .max(1);
            let n = chunk.len();
            let mut ids = vec![0u32; n * l];
            let mut vals = vec![0f32; n * l];
            for (r, &i) in chunk.iter().enumerate() {
                for (j, &(bk, v)) in feats[i].iter().enumerate() {
                    ids[r * l + j] = bk;
                    vals[r * l + j] = v;
                }
            }
            let ids = Tensor::from_vec(ids, n * l, &dev)?;
            let vals = Tensor::from_vec(vals, (n, l, 1), &dev)?;
            let rows = w
                .as_tensor()
                .index_select(&ids, 0)?
                .reshape((n, l, lanes))?;
            let z = rows
                .broadcast_mul(&vals)?
                .sum(1)?
                .broadcast_add(b.as_tensor())?;
            // Each example's loss times its weight (1 for the shared sets), averaged over the
            // batch: a weight of 3 counts like three copies of the example.
            let wt: Vec<f32> = chunk.iter().map(|&i| weights[i]).collect();
            let wt = Tensor::from_vec(wt, (n, 1), &dev)?;
            let loss = if lanes == 1 {
                let y: Vec<f32> = chunk.iter().map(|&i| labels[i] as f32).collect();
                let y = Tensor::from_vec(y, (n, 1), &dev)?;
                // Stable log loss: max(z,0) - z*y + log(1 + exp(-|z|)).
                let softplus = z.abs()?.neg()?.exp()?.affine(1.0, 1.0)?.log()?;
                let zy = z.mul(&y)?;
                z.relu()?.sub(&zy)?.add(&softplus)?.mul(&wt)?.mean_all()?
            } else {
                let y: Vec<u32> = chunk.iter().map(|&i| labels[i] as u32).collect();
                let y = Tensor::from_vec(y, n, &dev)?;
                let logp = candle_nn::ops::log_softmax(&z, D::Minus1)?;
                logp.gather(&y.unsqueeze(1)?, 1)?
                    .neg()?
                    .mul(&wt)?
                    .mean_all()?
            };
            opt.backward_step(&loss)?;
        }
        let wv: Vec<f32> = w.as_tensor().flatten_all()?.to_vec1()?;
        let bv: Vec<f32> = b.as_tensor().to_vec1()?;
        after_epoch(epoch, wv, bv);
    }
    Ok(())
}

/// Trains one head. `classes` is 2 for a binary head (one logit) or the number of classes.
///
/// The epoch is chosen on the held-out set, which then calibrates the head (Platt or
/// temperature) and sets its threshold. With `refit`, the head is then trained again on train
/// and held-out together for the chosen number of epochs, keeping that calibration.
pub fn train_head(
    hash: &HashConfig,
    train: &[Example],
    dev: &[Example],
    classes: usize,
    p: &HeadParams,
    seed: u64,
) -> Result<TrainedHead, LearnError> {
    let ones = vec![1f32; train.len()];
    train_head_weighted(hash, (train, &ones), dev, classes, p, seed)
}

/// [`train_head`] with a loss weight per training example (analysts' labels count more than
/// one SMS each; see `analyst.rs`). Held-out examples weigh 1 in the refit.
pub fn train_head_weighted(
    hash: &HashConfig,
    (train, train_w): (&[Example], &[f32]),
    dev: &[Example],
    classes: usize,
    p: &HeadParams,
    seed: u64,
) -> Result<TrainedHead, LearnError> {
    if train_w.len() != train.len() {
        return Err(LearnError::Train("one weight per training example".into()));
    }
    let lanes = if classes <= 2 { 1 } else { classes };
    let buckets = hash.buckets();
    if train.is_empty() || dev.is_empty() {
        return Err(LearnError::Train("empty train or held-out set".into()));
    }
    let mask = p.mask()?;
    let tf = featurise(hash, train, p.max_features, mask);
    let df = featurise(hash, dev, p.max_features, mask);
    let ty: Vec<usize> = train.iter().map(|e| e.label).collect();
    let dy: Vec<usize> = dev.iter().map(|e| e.label).collect();
    let (mut tf, mut df) = (tf, df);
    let ratio = (p.nb && lanes == 1).then(|| nb_ratio(buckets, &tf, &ty));
    if let Some(r) = &ratio {
        for f in tf.iter_mut().chain(df.iter_mut()) {
            for (b, v) in f.iter_mut() {
                *v *= r[*b as usize];
            }
        }
    }
    let mut best: Option<(f64, usize, Vec<f32>, Vec<f32>)> = None;
    fit(
        buckets,
        (&tf, &ty, train_w),
        lanes,
        p,
        p.epochs,
        seed,
        |epoch, wv, bv| {
            let score = select_score(&logits(&df, &wv, &bv, lanes), &dy, lanes);
            tracing::info!(epoch, score = format!("{score:.4}"), "held-out macro-F1");
            if best.as_ref().is_none_or(|x| score > x.0 + 1e-4) {
                best = Some((score, epoch, wv, bv));
            }
        },
    )?;
    let Some((_, best_epoch, mut weights, mut bias)) = best else {
        return Err(LearnError::Train("no epochs".into()));
    };
    let z = logits(&df, &weights, &bias, lanes);
    let mut class_bias = Vec::new();
    let (calib_a, calib_b, threshold, dev_probs) = if lanes == 1 {
        let z1: Vec<f64> = z.iter().map(|v| v[0]).collect();
        let (a, bb) = platt(&z1, &dy);
        let probs: Vec<f64> = z1.iter().map(|&v| sigmoid(a * v + bb)).collect();
        let t = best_threshold(&probs, &dy);
        (a, bb, t, probs.into_iter().map(|p| vec![p]).collect())
    } else {
        let t = temperature(&z, &dy);
        let scaled: Vec<Vec<f64>> = z
            .iter()
            .map(|v| v.iter().map(|x| x / t).collect())
            .collect();
        class_bias = tune_class_bias(&scaled, &dy, lanes);
        let probs = scaled
            .iter()
            .map(|v| {
                let b: Vec<f64> = v.iter().zip(&class_bias).map(|(x, o)| x + o).collect();
                softmax_t(&b, 1.0)
            })
            .collect();
        (1.0 / t, 0.0, 0.5, probs)
    };
    if p.refit {
        let all: Vec<Feats> = tf.iter().chain(df.iter()).cloned().collect();
        let ay: Vec<usize> = ty.iter().chain(dy.iter()).copied().collect();
        let aw: Vec<f32> = train_w
            .iter()
            .copied()
            .chain(std::iter::repeat_n(1.0, dy.len()))
            .collect();
        tracing::info!(
            epochs = best_epoch,
            n = all.len(),
            "refit on train + held-out"
        );
        fit(
            buckets,
            (&all, &ay, &aw),
            lanes,
            p,
            best_epoch,
            seed ^ 0xa5a5,
            |e, wv, bv| {
                if e == best_epoch {
                    weights = wv;
                    bias = bv;
                }
            },
        )?;
    }
    if let Some(r) = &ratio {
        for (w, r) in weights.iter_mut().zip(r) {
            *w *= r;
        }
    }
    Ok(TrainedHead {
        lanes,
        weights,
        bias,
        best_epoch,
        calib_a,
        calib_b,
        threshold,
        dev_probs,
        class_bias,
    })
}

impl TrainedHead {
    /// Calibrated probabilities of a binary head for `texts` (the NB ratio, if any, is already
    /// folded into the weights).
    pub fn probs(
        &self,
        hash: &HashConfig,
        p: &HeadParams,
        texts: &[Example],
    ) -> Result<Vec<f64>, LearnError> {
        let f = featurise(hash, texts, p.max_features, p.mask()?);
        Ok(logits(&f, &self.weights, &self.bias, self.lanes)
            .iter()
            .map(|z| sigmoid(self.calib_a * z[0] + self.calib_b))
            .collect())
    }
}

/// Per-class offsets added to temperature-scaled logits before the argmax, tuned on held-out
/// data for macro-F1 (coordinate ascent on a grid; class 0 stays at 0). Minority classes get
/// the push an argmax over imbalanced classes denies them.
fn tune_class_bias(z: &[Vec<f64>], y: &[usize], classes: usize) -> Vec<f64> {
    let score = |o: &[f64]| {
        let pred: Vec<usize> = z
            .iter()
            .map(|v| {
                v.iter()
                    .zip(o)
                    .map(|(x, b)| x + b)
                    .enumerate()
                    .max_by(|a, b| a.1.total_cmp(&b.1))
                    .map_or(0, |(i, _)| i)
            })
            .collect();
        macro_f1(&pred, y, classes)
    };
    let mut o = vec![0.0; classes];
    let mut best = score(&o);
    for _ in 0..2 {
        for c in 1..classes {
            for step in -20..=20 {
                let mut cand = o.clone();
                cand[c] = step as f64 * 0.1;
                let s = score(&cand);
                if s > best + 1e-9 {
                    best = s;
                    o = cand;
                }
            }
        }
    }
    o
}
