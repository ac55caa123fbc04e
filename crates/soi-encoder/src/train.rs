//! `soi train --tier encoder`: heads on the frozen encoder, trained on the same labelled sets and
//! the same held-out splits as the fast tier (same seeds), so the three tiers can be compared on
//! equal terms.
//!
//! Per head: the texts are embedded (cached under `.cache/embeddings`, keyed by checkpoint and
//! texts, because embedding is the slow part), features are standardised, a logistic (softmax)
//! layer is fitted with AdamW for each L2 strength in the config and the one with the lowest
//! held-out loss is kept, then calibrated on the held-out split (Platt or temperature) with its
//! threshold tuned there, as the fast tier's heads are. The fast tier's held-out answers come
//! from training it again *without* refitting on held-out data, so they are the honest ones its
//! model card reports; the cascade's band and mix are tuned on them, and a cross-fitted F1
//! (tune on one half of the held-out texts, measure on the other) is recorded next to it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use candle_core::{DType, Device, Tensor, Var};
use candle_nn::{AdamW, Optimizer, ParamsAdamW};
use serde::Deserialize;
use soi_learn::metrics::EvalReport;
use soi_learn::train::{load_head, train_head, Example, TrainConfig, HEADS};
use soi_score::Head;

use crate::cascade::{self, Grid};
use crate::heads::{calibrated, lanes, report, HeadSpec, Heads, HeadsConfig, Layers, Probs};
use crate::{Encoder, EncoderError};

/// `pipelines/train-encoder.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EncoderTrainConfig {
    pub name: String,
    pub heads: Vec<Head>,
    pub epochs: usize,
    pub lr: f64,
    pub l2: Vec<f64>,
    /// Units of a hidden ReLU layer in each head (0: linear heads).
    #[serde(default)]
    pub hidden: usize,
    pub cascade: Grid,
}

impl EncoderTrainConfig {
    pub fn from_file(path: &Path) -> Result<EncoderTrainConfig, EncoderError> {
        let text = std::fs::read_to_string(path).map_err(|e| EncoderError::io(path, e))?;
        toml::from_str(&text).map_err(|e| EncoderError::Data {
            path: path.display().to_string(),
            why: e.to_string(),
        })
    }
}

/// What training reports per head: held-out metrics of each tier.
#[derive(Debug, Clone, serde::Serialize)]
pub struct HeadOutcome {
    pub head: Head,
    pub n_train: usize,
    pub encoder: EvalReport,
    pub fast: EvalReport,
    pub cascade: EvalReport,
    /// F1 used to tune the cascade (F1 of the positive class, or macro-F1 for 4 classes).
    pub f1_fast: f64,
    pub f1_encoder: f64,
    pub f1_cascade: f64,
    pub f1_cascade_cross_fitted: f64,
    /// The best cascade candidate on the held-out split, its F1 and the share of bootstrap
    /// resamples in which it beat the fast tier (kept only at the configured confidence).
    pub candidate_band: f64,
    pub candidate_fast_weight: f64,
    pub f1_candidate: f64,
    pub candidate_wins: f64,
    /// Share of held-out texts the cascade sent to the encoder.
    pub encoder_share: f64,
    pub band: f64,
    pub fast_weight: f64,
}

/// Where embeddings are cached: `SOI_CACHE_DIR/embeddings`, else `<repo>/.cache/embeddings`.
pub fn cache_dir() -> Option<PathBuf> {
    if let Ok(d) = std::env::var("SOI_CACHE_DIR") {
        return Some(PathBuf::from(d).join("embeddings"));
    }
    soi_score::paths::repo_root().map(|r| r.join(".cache").join("embeddings"))
}

fn fnv(h: &mut u64, bytes: &[u8]) {
    for b in bytes {
        *h ^= *b as u64;
        *h = h.wrapping_mul(0x100_0000_01b3);
    }
}

/// Sentence vectors of `texts`, from the cache when this checkpoint has embedded exactly these
/// texts before. `progress(done, total)` is called as batches finish.
pub fn embed_cached(
    enc: &Encoder,
    texts: &[&str],
    progress: &dyn Fn(usize, usize),
) -> Result<Vec<Vec<f32>>, EncoderError> {
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    fnv(&mut h, enc.folder().identity().as_bytes());
    for t in texts {
        fnv(&mut h, t.as_bytes());
        fnv(&mut h, &[0xff]);
    }
    let path = cache_dir().map(|d| d.join(format!("{h:016x}.f32")));
    let dim = enc.dim();
    if let Some(p) = &path {
        if let Ok(bytes) = std::fs::read(p) {
            if bytes.len() == texts.len() * dim * 4 {
                progress(texts.len(), texts.len());
                return Ok(bytes
                    .chunks_exact(dim * 4)
                    .map(|c| {
                        c.chunks_exact(4)
                            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                            .collect()
                    })
                    .collect());
            }
        }
    }
    let mut out = Vec::with_capacity(texts.len());
    for chunk in texts.chunks(256) {
        out.extend(enc.embed(chunk)?);
        progress(out.len(), texts.len());
    }
    if let Some(p) = &path {
        let bytes: Vec<u8> = out.iter().flatten().flat_map(|x| x.to_le_bytes()).collect();
        if let Some(d) = p.parent() {
            let _ = std::fs::create_dir_all(d);
        }
        let tmp = p.with_extension("tmp");
        if std::fs::write(&tmp, bytes)
            .and_then(|_| std::fs::rename(&tmp, p))
            .is_err()
        {
            tracing::warn!(path = %p.display(), "could not cache embeddings");
        }
    }
    Ok(out)
}

/// Logits of a head over rows of `x`.
fn logits(x: &[Vec<f32>], layers: &Layers) -> Vec<Vec<f64>> {
    x.iter().map(|v| layers.logits(v)).collect()
}

/// Mean cross-entropy of logits against gold labels.
fn loss(z: &[Vec<f64>], y: &[usize]) -> f64 {
    z.iter()
        .zip(y)
        .map(|(z, &y)| {
            if z.len() == 1 {
                let p = 1.0 / (1.0 + (-z[0]).exp());
                -(if y == 1 { p } else { 1.0 - p }).max(1e-12).ln()
            } else {
                -soi_score::prob::softmax_t(z, 1.0)[y].max(1e-12).ln()
            }
        })
        .sum::<f64>()
        / z.len().max(1) as f64
}

/// Uniform weights in ±sqrt(6 / (fan_in + fan_out)) from a seeded generator (deterministic).
fn glorot(rows: usize, cols: usize, seed: u64) -> Vec<f32> {
    let mut r = soi_learn::train::rng::SplitMix::new(seed);
    let a = (6.0 / (rows + cols) as f64).sqrt();
    (0..rows * cols)
        .map(|_| ((r.next_u64() >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0) as f32 * a as f32)
        .collect()
}

/// Fits a head on standardised rows with AdamW, full batch: a linear layer from zero weights,
/// or (with `cfg.hidden`) a ReLU layer from seeded random weights under it.
fn fit(
    x: &[Vec<f32>],
    y: &[usize],
    lanes: usize,
    cfg: &EncoderTrainConfig,
    l2: f64,
    seed: u64,
) -> Result<Layers, EncoderError> {
    let dev = Device::Cpu;
    let (n, d) = (x.len(), x[0].len());
    let xt = Tensor::from_vec(
        x.iter().flatten().copied().collect::<Vec<f32>>(),
        (n, d),
        &dev,
    )?;
    let hidden = (cfg.hidden > 0)
        .then(|| -> Result<(Var, Var), EncoderError> {
            let w = Tensor::from_vec(glorot(cfg.hidden, d, seed), (cfg.hidden, d), &dev)?;
            Ok((
                Var::from_tensor(&w)?,
                Var::zeros(cfg.hidden, DType::F32, &dev)?,
            ))
        })
        .transpose()?;
    let width = if cfg.hidden > 0 { cfg.hidden } else { d };
    let w = Var::zeros((lanes, width), DType::F32, &dev)?;
    let b = Var::zeros(lanes, DType::F32, &dev)?;
    let mut vars = vec![w.clone(), b.clone()];
    if let Some((hw, hb)) = &hidden {
        vars.extend([hw.clone(), hb.clone()]);
    }
    let mut opt = AdamW::new(
        vars,
        ParamsAdamW {
            lr: cfg.lr,
            weight_decay: 0.0,
            ..Default::default()
        },
    )?;
    let yt = if lanes == 1 {
        Tensor::from_vec(y.iter().map(|&v| v as f32).collect::<Vec<f32>>(), n, &dev)?
    } else {
        Tensor::from_vec(y.iter().map(|&v| v as u32).collect::<Vec<u32>>(), n, &dev)?
    };
    for _ in 0..cfg.epochs {
        let mut reg = w.as_tensor().sqr()?.sum_all()?;
        let inp = match &hidden {
            Some((hw, hb)) => {
                reg = (reg + hw.as_tensor().sqr()?.sum_all()?)?;
                xt.matmul(&hw.as_tensor().t()?)?
                    .broadcast_add(hb.as_tensor())?
                    .relu()?
            }
            None => xt.clone(),
        };
        let z = inp
            .matmul(&w.as_tensor().t()?)?
            .broadcast_add(b.as_tensor())?;
        let data = if lanes == 1 {
            // log(1 + e^z) - y z, written to stay finite for large |z| (candle's
            // binary_cross_entropy_with_logit takes log(sigmoid(z)), which reaches log(0)).
            let z = z.squeeze(1)?;
            let softplus = (z.relu()? + (z.abs()?.neg()?.exp()? + 1.0)?.log()?)?;
            (softplus - (z * &yt)?)?.mean_all()?
        } else {
            candle_nn::loss::cross_entropy(&z, &yt)?
        };
        opt.backward_step(&(data + (reg * l2)?)?)?;
    }
    let flat =
        |v: &Var| -> Result<Vec<f32>, EncoderError> { Ok(v.as_tensor().flatten_all()?.to_vec1()?) };
    Ok(Layers {
        hidden: match &hidden {
            Some((hw, hb)) => Some((flat(hw)?, flat(hb)?)),
            None => None,
        },
        out: (flat(&w)?, flat(&b)?),
    })
}

fn metrics(r: &EvalReport) -> BTreeMap<String, f64> {
    [
        ("accuracy", r.accuracy),
        ("macro_f1", r.macro_f1),
        ("f1_pos", r.f1_pos),
        ("pr_auc", r.pr_auc),
        ("ece", r.ece),
        ("n", r.n as f64),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

/// Trains every configured head and returns the heads folder contents with the outcomes.
pub fn train(
    enc: &Encoder,
    cfg: &EncoderTrainConfig,
    fast_cfg: &TrainConfig,
    data_dir: &Path,
    progress: &dyn Fn(&str, usize, usize),
) -> Result<(Heads, Vec<HeadOutcome>), EncoderError> {
    let mut specs = Vec::new();
    let mut params = Vec::new();
    let mut outcomes = Vec::new();
    for &name in &cfg.heads {
        let classes = name.classes();
        // The same seed per head as the fast tier's training (its place in the lane layout).
        let i = HEADS
            .iter()
            .position(|h| h.0 == name)
            .ok_or_else(|| soi_score::ScoreError::UnknownHead(name.to_string()))?;
        let split = load_head(
            name,
            data_dir,
            fast_cfg.dev_fraction,
            fast_cfg.seed ^ i as u64,
        )?;
        // The fast tier's honest held-out answers: the same training, without the refit.
        let mut fp = fast_cfg
            .heads
            .get(&name)
            .cloned()
            .ok_or_else(|| EncoderError::Data {
                path: "train.toml".into(),
                why: format!("no [heads.{name}]"),
            })?;
        fp.refit = false;
        tracing::info!(head = %name, "training the fast tier without refit for its held-out answers");
        let ft = train_head(
            &fast_cfg.hashing,
            &split.train,
            &split.dev,
            classes,
            &fp,
            fast_cfg.seed ^ (i as u64 * 7919),
        )?;
        let texts = |v: &[Example]| v.iter().map(|e| e.text.clone()).collect::<Vec<String>>();
        let (tr, dv) = (texts(&split.train), texts(&split.dev));
        let tr_refs: Vec<&str> = tr.iter().map(String::as_str).collect();
        let dv_refs: Vec<&str> = dv.iter().map(String::as_str).collect();
        let xtr = embed_cached(enc, &tr_refs, &|a, b| {
            progress(&format!("{name} train"), a, b)
        })?;
        let xdv = embed_cached(enc, &dv_refs, &|a, b| {
            progress(&format!("{name} held-out"), a, b)
        })?;
        let ytr: Vec<usize> = split.train.iter().map(|e| e.label).collect();
        let ydv: Vec<usize> = split.dev.iter().map(|e| e.label).collect();
        // Standardise with train statistics; folded into the weights afterwards.
        let d = enc.dim();
        let mut mean = vec![0f64; d];
        for v in &xtr {
            for (m, x) in mean.iter_mut().zip(v) {
                *m += *x as f64 / xtr.len() as f64;
            }
        }
        let mut sd = vec![0f64; d];
        for v in &xtr {
            for ((s, x), m) in sd.iter_mut().zip(v).zip(&mean) {
                *s += (*x as f64 - m).powi(2) / xtr.len() as f64;
            }
        }
        let sd: Vec<f64> = sd.iter().map(|s| s.sqrt().max(1e-6)).collect();
        let stdz = |x: &[Vec<f32>]| -> Vec<Vec<f32>> {
            x.iter()
                .map(|v| {
                    v.iter()
                        .zip(&mean)
                        .zip(&sd)
                        .map(|((x, m), s)| ((*x as f64 - m) / s) as f32)
                        .collect()
                })
                .collect()
        };
        let (str_, sdv) = (stdz(&xtr), stdz(&xdv));
        let ln = lanes(classes);
        let mut best: Option<(f64, f64, Layers)> = None;
        for &l2 in &cfg.l2 {
            let layers = fit(
                &str_,
                &ytr,
                ln,
                cfg,
                l2,
                fast_cfg.seed ^ (i as u64 * 104_729),
            )?;
            let l = loss(&logits(&sdv, &layers), &ydv);
            tracing::info!(head = %name, l2, held_out_loss = l, "fitted");
            if best.as_ref().is_none_or(|x| l < x.0) {
                best = Some((l, l2, layers));
            }
        }
        let Some((_, l2, mut layers)) = best else {
            return Err(EncoderError::Data {
                path: "train-encoder.toml".into(),
                why: "no l2 values".into(),
            });
        };
        let z = logits(&sdv, &layers);
        let (calib_a, calib_b) = if ln == 1 {
            soi_learn::calibrate::platt(&z.iter().map(|v| v[0]).collect::<Vec<_>>(), &ydv)
        } else {
            (soi_learn::calibrate::temperature(&z, &ydv), 0.0)
        };
        // Fold the standardisation into the first layer: w' = w / sd, b' = b - sum(w * mean / sd).
        let first = match &mut layers.hidden {
            Some(h) => h,
            None => &mut layers.out,
        };
        for (k, bk) in first.1.iter_mut().enumerate() {
            for j in 0..d {
                let v = first.0[k * d + j] as f64 / sd[j];
                first.0[k * d + j] = v as f32;
                *bk -= (v * mean[j]) as f32;
            }
        }
        let mut spec = HeadSpec {
            name,
            classes,
            calib_a,
            calib_b,
            threshold: 0.5,
            fast_threshold: ft.threshold,
            mix: cascade::Mix::FAST,
            l2,
            hidden: cfg.hidden,
            datasets: split.datasets.clone(),
            dev: BTreeMap::new(),
        };
        let enc_p: Vec<Probs> = z.iter().map(|v| calibrated(&spec, v)).collect();
        if ln == 1 {
            let p: Vec<f64> = enc_p.iter().map(|p| p.to_row()[0]).collect();
            spec.threshold = soi_learn::calibrate::best_threshold(&p, &ydv);
        }
        let fast_p: Vec<Probs> = ft
            .dev_probs
            .iter()
            .map(|v| Probs::from_row(v.clone(), classes))
            .collect();
        let th = (ft.threshold, spec.threshold);
        let tuned = cascade::tune(&fast_p, &enc_p, &ydv, th, &cfg.cascade);
        let (mix, f1_cascade) = (tuned.mix, tuned.f1);
        let f1_cross = cascade::cross_fitted(&fast_p, &enc_p, &ydv, th, &cfg.cascade);
        spec.mix = mix;
        let casc_p = cascade::apply(&fast_p, &enc_p, th, mix);
        let share = fast_p
            .iter()
            .filter(|p| cascade::unsure(p, ft.threshold, mix))
            .count() as f64
            / fast_p.len().max(1) as f64;
        let out = HeadOutcome {
            head: name,
            n_train: split.train.len(),
            encoder: report(name, &enc_p, &ydv, spec.threshold),
            fast: report(name, &fast_p, &ydv, ft.threshold),
            cascade: report(name, &casc_p, &ydv, ft.threshold),
            f1_fast: cascade::f1(&fast_p, &ydv, ft.threshold),
            f1_encoder: cascade::f1(&enc_p, &ydv, spec.threshold),
            f1_cascade,
            f1_cascade_cross_fitted: f1_cross,
            candidate_band: tuned.candidate.band,
            candidate_fast_weight: tuned.candidate.fast_weight,
            f1_candidate: tuned.candidate_f1,
            candidate_wins: tuned.wins,
            encoder_share: share,
            band: mix.band,
            fast_weight: mix.fast_weight,
        };
        for (k, r) in [
            ("encoder", &out.encoder),
            ("fast", &out.fast),
            ("cascade", &out.cascade),
        ] {
            spec.dev.insert(k.into(), metrics(r));
        }
        spec.dev.insert(
            "cascade_tuning".into(),
            [
                ("f1_cross_fitted".to_string(), f1_cross),
                ("encoder_share".to_string(), share),
            ]
            .into_iter()
            .collect(),
        );
        tracing::info!(head = %name, ?out, "held-out metrics per tier");
        specs.push(spec);
        params.push(layers);
        outcomes.push(out);
    }
    let heads = Heads {
        config: HeadsConfig {
            name: cfg.name.clone(),
            format: 1,
            checkpoint: enc.folder().identity(),
            dim: enc.dim(),
            heads: specs,
        },
        params,
    };
    Ok((heads, outcomes))
}
