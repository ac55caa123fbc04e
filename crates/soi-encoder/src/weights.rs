//! Reads `model.safetensors` into the layout the forward pass wants: every linear layer's matrix
//! transposed once to `[in, out]` row-major (so a product streams rows), and the query, key and
//! value matrices of a layer joined side by side into one `[hidden, 3 * hidden]` matrix, so a
//! layer's three projections are one matrix product.

use std::cell::RefCell;
use std::collections::HashMap;

use candle_core::{DType, Device, Tensor};

use crate::folder::ModelFolder;
use crate::EncoderError;

/// One transformer layer.
pub struct Layer {
    pub w_qkv: Vec<f32>,
    pub b_qkv: Vec<f32>,
    pub w_out: Vec<f32>,
    pub b_out: Vec<f32>,
    pub ln1: (Vec<f32>, Vec<f32>),
    pub w_up: Vec<f32>,
    pub b_up: Vec<f32>,
    pub w_down: Vec<f32>,
    pub b_down: Vec<f32>,
    pub ln2: (Vec<f32>, Vec<f32>),
}

/// All weights of the encoder, in f32.
pub struct Weights {
    pub word: Vec<f32>,
    pub position: Vec<f32>,
    /// Token-type embeddings; absent in checkpoints without them.
    pub token_type: Option<Vec<f32>>,
    pub ln: (Vec<f32>, Vec<f32>),
    pub layers: Vec<Layer>,
}

struct Reader<'a> {
    /// Tensors not yet taken: each is removed (and freed) once copied out, so loading peaks at
    /// about one copy of the weights, not two.
    tensors: RefCell<HashMap<String, Tensor>>,
    prefix: String,
    folder: &'a ModelFolder,
}

impl Reader<'_> {
    fn err(&self, why: String) -> EncoderError {
        EncoderError::folder(&self.folder.dir, format!("model.safetensors: {why}"))
    }

    fn get_any(&self, names: &[String], shape: &[usize]) -> Result<Vec<f32>, EncoderError> {
        let Some((name, t)) = names.iter().find_map(|n| {
            self.tensors
                .borrow_mut()
                .remove(&format!("{}{n}", self.prefix))
                .map(|t| (n, t))
        }) else {
            return Err(self.err(format!("no tensor `{}{}`", self.prefix, names[0])));
        };
        if t.dims() != shape {
            return Err(self.err(format!(
                "`{}{name}` has shape {:?}, config.json implies {shape:?}",
                self.prefix,
                t.dims()
            )));
        }
        Ok(t.to_dtype(DType::F32)?.flatten_all()?.to_vec1::<f32>()?)
    }

    fn get(&self, name: &str, shape: &[usize]) -> Result<Vec<f32>, EncoderError> {
        self.get_any(&[name.to_string()], shape)
    }

    /// LayerNorm scale and shift, under either naming (`weight`/`bias` or `gamma`/`beta`).
    fn norm(&self, base: &str, h: usize) -> Result<(Vec<f32>, Vec<f32>), EncoderError> {
        Ok((
            self.get_any(&[format!("{base}.weight"), format!("{base}.gamma")], &[h])?,
            self.get_any(&[format!("{base}.bias"), format!("{base}.beta")], &[h])?,
        ))
    }

    /// A linear layer's `[out, in]` matrix as `[in, out]`, and its bias.
    fn linear(
        &self,
        base: &str,
        inp: usize,
        out: usize,
    ) -> Result<(Vec<f32>, Vec<f32>), EncoderError> {
        let w = self.get(&format!("{base}.weight"), &[out, inp])?;
        Ok((
            transpose(&w, out, inp),
            self.get(&format!("{base}.bias"), &[out])?,
        ))
    }
}

/// `[rows, cols]` row-major into `[cols, rows]` row-major.
fn transpose(w: &[f32], rows: usize, cols: usize) -> Vec<f32> {
    let mut t = vec![0.0; w.len()];
    for r in 0..rows {
        for c in 0..cols {
            t[c * rows + r] = w[r * cols + c];
        }
    }
    t
}

impl Weights {
    pub fn load(folder: &ModelFolder) -> Result<Weights, EncoderError> {
        let path = folder.dir.join("model.safetensors");
        let tensors = candle_core::safetensors::load(&path, &Device::Cpu)
            .map_err(|e| EncoderError::folder(&folder.dir, format!("model.safetensors: {e}")))?;
        let prefix = ["", "bert.", "roberta.", "model.", "xlm_roberta."]
            .into_iter()
            .find(|p| tensors.contains_key(&format!("{p}embeddings.word_embeddings.weight")))
            .ok_or_else(|| {
                EncoderError::folder(
                    &folder.dir,
                    "model.safetensors: no `embeddings.word_embeddings.weight` (under no prefix, \
                     bert., roberta.): not a BERT-family checkpoint",
                )
            })?
            .to_string();
        let r = Reader {
            tensors: RefCell::new(tensors),
            prefix,
            folder,
        };
        let a = &folder.arch;
        let (h, i) = (a.hidden_size, a.intermediate_size);
        let token_type = if a.type_vocab_size > 0 {
            Some(r.get(
                "embeddings.token_type_embeddings.weight",
                &[a.type_vocab_size, h],
            )?)
        } else {
            None
        };
        let mut layers = Vec::with_capacity(a.num_hidden_layers);
        for l in 0..a.num_hidden_layers {
            let base = format!("encoder.layer.{l}");
            let (wq, bq) = r.linear(&format!("{base}.attention.self.query"), h, h)?;
            let (wk, bk) = r.linear(&format!("{base}.attention.self.key"), h, h)?;
            let (wv, bv) = r.linear(&format!("{base}.attention.self.value"), h, h)?;
            let mut w_qkv = Vec::with_capacity(3 * h * h);
            for row in 0..h {
                for w in [&wq, &wk, &wv] {
                    w_qkv.extend_from_slice(&w[row * h..(row + 1) * h]);
                }
            }
            let (w_out, b_out) = r.linear(&format!("{base}.attention.output.dense"), h, h)?;
            let (w_up, b_up) = r.linear(&format!("{base}.intermediate.dense"), h, i)?;
            let (w_down, b_down) = r.linear(&format!("{base}.output.dense"), i, h)?;
            layers.push(Layer {
                w_qkv,
                b_qkv: [bq, bk, bv].concat(),
                w_out,
                b_out,
                ln1: r.norm(&format!("{base}.attention.output.LayerNorm"), h)?,
                w_up,
                b_up,
                w_down,
                b_down,
                ln2: r.norm(&format!("{base}.output.LayerNorm"), h)?,
            });
        }
        Ok(Weights {
            word: r.get("embeddings.word_embeddings.weight", &[a.vocab_size, h])?,
            position: r.get(
                "embeddings.position_embeddings.weight",
                &[a.max_position_embeddings, h],
            )?,
            token_type,
            ln: r.norm("embeddings.LayerNorm", h)?,
            layers,
        })
    }
}
