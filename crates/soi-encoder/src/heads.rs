//! Heads on the encoder's sentence vectors: one logistic layer per head (a softmax layer for the
//! 4-class review-spam type), calibrated on held-out data like the fast tier's heads, stored as
//! `weights.safetensors` + `config.json` in a small model folder beside the fast model. The
//! folder names the checkpoint its heads were trained on; loading them over another checkpoint
//! is refused, because the vectors would mean something else.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use candle_core::{Device, Tensor};
use serde::{Deserialize, Serialize};
use soi_learn::metrics::EvalReport;
use soi_score::prob::sigmoid;
use soi_score::{Head, HeadProbs};

use crate::cascade::Mix;
use crate::EncoderError;

/// A head's calibrated answer for one text.
#[derive(Debug, Clone, PartialEq)]
pub enum Probs {
    /// Probability of the positive class.
    Binary(f64),
    /// Probability of each class.
    Multi(Vec<f64>),
}

impl Probs {
    /// The predicted class under `threshold` (binary) or the most probable class.
    pub fn predict(&self, threshold: f64) -> usize {
        match self {
            Probs::Binary(p) => usize::from(*p > threshold),
            Probs::Multi(v) => v
                .iter()
                .enumerate()
                .max_by(|a, b| a.1.total_cmp(b.1))
                .map_or(0, |(i, _)| i),
        }
    }

    /// As the rows `soi_learn::metrics` takes: `[p]` or the class probabilities.
    pub fn to_row(&self) -> Vec<f64> {
        match self {
            Probs::Binary(p) => vec![*p],
            Probs::Multi(v) => v.clone(),
        }
    }

    /// From such a row, for a head with `classes` classes.
    pub fn from_row(v: Vec<f64>, classes: usize) -> Probs {
        if classes <= 2 {
            Probs::Binary(v[0])
        } else {
            Probs::Multi(v)
        }
    }

    /// Head `head`'s answer in a tier's [`HeadProbs`], if it has one.
    pub fn of(h: &HeadProbs, head: Head) -> Option<Probs> {
        match head {
            Head::ReviewSpamType => h.review_spam_type.map(|a| Probs::Multi(a.to_vec())),
            _ => h.get(head).map(Probs::Binary),
        }
    }

    /// Writes this answer into `h` as head `head`'s.
    pub fn store(&self, h: &mut HeadProbs, head: Head) {
        match self {
            Probs::Binary(p) => h.set(head, Some(*p)),
            Probs::Multi(v) if head == Head::ReviewSpamType => {
                if let Ok(a) = <[f64; 4]>::try_from(v.as_slice()) {
                    h.review_spam_type = Some(a);
                }
            }
            Probs::Multi(_) => {}
        }
    }
}

/// The `soi eval` metrics of answers against gold labels (binary under `threshold`).
pub fn report(head: Head, probs: &[Probs], gold: &[usize], threshold: f64) -> EvalReport {
    let rows: Vec<Vec<f64>> = probs.iter().map(Probs::to_row).collect();
    if matches!(probs.first(), Some(Probs::Multi(_))) {
        soi_learn::metrics::multiclass(head.as_str(), &rows, gold)
    } else {
        let p: Vec<f64> = rows.iter().map(|r| r[0]).collect();
        soi_learn::metrics::binary(head.as_str(), &p, gold, threshold)
    }
}

/// One trained head.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HeadSpec {
    pub name: Head,
    pub classes: usize,
    /// Platt scale and shift (binary) or temperature in `calib_a` (multi-class).
    pub calib_a: f64,
    pub calib_b: f64,
    pub threshold: f64,
    /// The fast tier's threshold for this head when the cascade was tuned.
    pub fast_threshold: f64,
    pub mix: Mix,
    pub l2: f64,
    /// Units of the hidden ReLU layer (0: the head is one linear layer).
    #[serde(default)]
    pub hidden: usize,
    pub datasets: Vec<String>,
    /// Held-out metrics per tier (`encoder`, `fast`, `cascade`, `cascade_cross_fitted`).
    pub dev: BTreeMap<String, BTreeMap<String, f64>>,
}

/// `config.json` of a heads folder.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HeadsConfig {
    pub name: String,
    pub format: u32,
    /// The checkpoint the heads read: folder name and weights size.
    pub checkpoint: String,
    pub dim: usize,
    pub heads: Vec<HeadSpec>,
}

/// One head's weights: an optional hidden ReLU layer, then the output layer. Each layer is
/// `(weights [out * in] row-major, bias [out])`.
#[derive(Debug, Clone, PartialEq)]
pub struct Layers {
    pub hidden: Option<(Vec<f32>, Vec<f32>)>,
    pub out: (Vec<f32>, Vec<f32>),
}

/// `w v + b` for `w` of `[b.len(), v.len()]`.
fn dense(w: &[f32], b: &[f32], v: &[f64]) -> Vec<f64> {
    b.iter()
        .enumerate()
        .map(|(k, bk)| {
            *bk as f64
                + w[k * v.len()..(k + 1) * v.len()]
                    .iter()
                    .zip(v)
                    .map(|(a, x)| *a as f64 * x)
                    .sum::<f64>()
        })
        .collect()
}

impl Layers {
    /// Raw logits for one input vector.
    pub fn logits(&self, v: &[f32]) -> Vec<f64> {
        let mut x: Vec<f64> = v.iter().map(|&e| e as f64).collect();
        if let Some((w, b)) = &self.hidden {
            x = dense(w, b, &x).into_iter().map(|e| e.max(0.0)).collect();
        }
        dense(&self.out.0, &self.out.1, &x)
    }
}

/// A loaded heads folder.
#[derive(Debug, Clone)]
pub struct Heads {
    pub config: HeadsConfig,
    pub params: Vec<Layers>,
}

impl Heads {
    pub fn load(dir: &Path) -> Result<Heads, EncoderError> {
        let bad = |why: String| EncoderError::Heads {
            path: dir.display().to_string(),
            why,
        };
        let cp = dir.join("config.json");
        let text = std::fs::read_to_string(&cp).map_err(|e| EncoderError::io(&cp, e))?;
        let config: HeadsConfig =
            serde_json::from_str(&text).map_err(|e| bad(format!("config.json: {e}")))?;
        let tensors = candle_core::safetensors::load(dir.join("weights.safetensors"), &Device::Cpu)
            .map_err(|e| bad(format!("weights.safetensors: {e}")))?;
        let mut params = Vec::new();
        for h in &config.heads {
            let lanes = lanes(h.classes);
            let get = |k: &str, shape: &[usize]| -> Result<Vec<f32>, EncoderError> {
                let t = tensors
                    .get(&format!("{}.{k}", h.name))
                    .ok_or_else(|| bad(format!("no tensor `{}.{k}`", h.name)))?;
                if t.dims() != shape {
                    return Err(bad(format!(
                        "`{}.{k}` has shape {:?}, not {shape:?}",
                        h.name,
                        t.dims()
                    )));
                }
                Ok(t.flatten_all()?.to_vec1::<f32>()?)
            };
            let (hidden, width) = if h.hidden > 0 {
                let w = get("hidden.weight", &[h.hidden, config.dim])?;
                (Some((w, get("hidden.bias", &[h.hidden])?)), h.hidden)
            } else {
                (None, config.dim)
            };
            params.push(Layers {
                hidden,
                out: (get("weight", &[lanes, width])?, get("bias", &[lanes])?),
            });
        }
        Ok(Heads { config, params })
    }

    pub fn save(&self, dir: &Path) -> Result<(), EncoderError> {
        std::fs::create_dir_all(dir).map_err(|e| EncoderError::io(dir, e))?;
        let mut t = HashMap::new();
        let mut put = |name: String, v: &[f32], shape: &[usize]| -> Result<(), EncoderError> {
            t.insert(name, Tensor::from_vec(v.to_vec(), shape, &Device::Cpu)?);
            Ok(())
        };
        for (h, p) in self.config.heads.iter().zip(&self.params) {
            let lanes = lanes(h.classes);
            let mut width = self.config.dim;
            if let Some((w, b)) = &p.hidden {
                put(format!("{}.hidden.weight", h.name), w, &[b.len(), width])?;
                put(format!("{}.hidden.bias", h.name), b, &[b.len()])?;
                width = b.len();
            }
            put(format!("{}.weight", h.name), &p.out.0, &[lanes, width])?;
            put(format!("{}.bias", h.name), &p.out.1, &[lanes])?;
        }
        candle_core::safetensors::save(&t, dir.join("weights.safetensors"))?;
        let cp = dir.join("config.json");
        std::fs::write(&cp, serde_json::to_string_pretty(&self.config)?)
            .map_err(|e| EncoderError::io(&cp, e))
    }

    /// Index of head `name`.
    pub fn find(&self, name: Head) -> Option<usize> {
        self.config.heads.iter().position(|h| h.name == name)
    }

    /// Head `i`'s calibrated answer for one sentence vector.
    pub fn predict(&self, i: usize, v: &[f32]) -> Probs {
        calibrated(&self.config.heads[i], &self.params[i].logits(v))
    }
}

/// Output lanes of a head with `classes` classes.
pub fn lanes(classes: usize) -> usize {
    if classes <= 2 {
        1
    } else {
        classes
    }
}

/// Raw logits through the head's calibration.
pub fn calibrated(h: &HeadSpec, z: &[f64]) -> Probs {
    if h.classes <= 2 {
        Probs::Binary(sigmoid(h.calib_a * z[0] + h.calib_b))
    } else {
        Probs::Multi(soi_score::prob::softmax_t(z, h.calib_a))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn heads() -> Heads {
        let spec = |name: Head, classes| HeadSpec {
            name,
            classes,
            calib_a: 1.0,
            calib_b: 0.0,
            threshold: 0.4,
            fast_threshold: 0.3,
            mix: Mix {
                band: 0.1,
                fast_weight: 0.5,
            },
            l2: 1e-3,
            hidden: 0,
            datasets: vec!["x".into()],
            dev: BTreeMap::new(),
        };
        Heads {
            config: HeadsConfig {
                name: "t".into(),
                format: 1,
                checkpoint: "ck (1 bytes of weights)".into(),
                dim: 2,
                heads: vec![spec(Head::Scam, 2), spec(Head::ReviewSpamType, 4)],
            },
            params: vec![
                Layers {
                    hidden: None,
                    out: (vec![2.0, -1.0], vec![0.5]),
                },
                Layers {
                    hidden: None,
                    out: (vec![1.0, 0.0, 0.0, 1.0, -1.0, 0.0, 0.0, -1.0], vec![0.0; 4]),
                },
            ],
        }
    }

    #[test]
    fn saved_heads_load_back_and_answer_the_same() {
        let d = tempfile::tempdir().unwrap();
        let h = heads();
        h.save(d.path()).unwrap();
        let back = Heads::load(d.path()).unwrap();
        assert_eq!(back.params, h.params);
        let v = [0.3f32, 0.1];
        let Probs::Binary(p) = back.predict(0, &v) else {
            panic!()
        };
        assert!((p - sigmoid(0.5 + 0.6 - 0.1)).abs() < 1e-6, "{p}");
        let Probs::Multi(m) = back.predict(1, &v) else {
            panic!()
        };
        assert_eq!(m.len(), 4);
        assert!((m.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        assert_eq!(
            back.predict(1, &v).predict(0.5),
            0,
            "class 0 has the largest logit"
        );
    }

    #[test]
    fn a_hidden_layer_is_saved_and_applied() {
        let d = tempfile::tempdir().unwrap();
        let mut h = heads();
        h.config.heads[0].hidden = 3;
        h.params[0] = Layers {
            hidden: Some((vec![1.0, 0.0, 0.0, 1.0, -1.0, -1.0], vec![0.0, 0.0, 0.5])),
            out: (vec![1.0, 1.0, 2.0], vec![-1.0]),
        };
        h.save(d.path()).unwrap();
        let back = Heads::load(d.path()).unwrap();
        assert_eq!(back.params, h.params);
        // hidden = relu([0.3, 0.1, -0.4 + 0.5]) = [0.3, 0.1, 0.1]; z = 0.3 + 0.1 + 0.2 - 1.
        let Probs::Binary(p) = back.predict(0, &[0.3, 0.1]) else {
            panic!()
        };
        assert!((p - sigmoid(-0.4)).abs() < 1e-6, "{p}");
    }

    #[test]
    fn a_wrong_shape_is_named() {
        let d = tempfile::tempdir().unwrap();
        let mut h = heads();
        h.save(d.path()).unwrap();
        h.config.dim = 3;
        std::fs::write(
            d.path().join("config.json"),
            serde_json::to_string(&h.config).unwrap(),
        )
        .unwrap();
        let e = Heads::load(d.path()).unwrap_err().to_string();
        assert!(
            e.contains("`scam.weight` has shape [1, 2], not [1, 3]"),
            "{e}"
        );
    }
}
