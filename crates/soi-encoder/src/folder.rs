//! A Hugging Face style model folder: `config.json`, `tokenizer.json`, `model.safetensors`, and
//! the sentence-transformers files that say how token vectors become one sentence vector
//! (`modules.json`, `1_Pooling/config.json`, `sentence_bert_config.json`).
//!
//! Everything is checked before any weight is read, so a wrong folder fails with one message
//! naming the file and what is wrong with it, not with a shape error deep in a matrix product.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::EncoderError;

/// Architecture numbers from `config.json` (BERT, RoBERTa, XLM-R and their relatives).
#[derive(Debug, Clone, Deserialize)]
pub struct ArchConfig {
    #[serde(default = "default_model_type")]
    pub model_type: String,
    pub vocab_size: usize,
    pub hidden_size: usize,
    pub num_hidden_layers: usize,
    pub num_attention_heads: usize,
    pub intermediate_size: usize,
    #[serde(default = "default_act")]
    pub hidden_act: String,
    pub max_position_embeddings: usize,
    #[serde(default = "default_type_vocab")]
    pub type_vocab_size: usize,
    #[serde(default = "default_eps")]
    pub layer_norm_eps: f64,
    #[serde(default)]
    pub pad_token_id: usize,
    #[serde(default = "default_pos_type")]
    pub position_embedding_type: String,
}

fn default_model_type() -> String {
    "bert".into()
}
fn default_act() -> String {
    "gelu".into()
}
fn default_type_vocab() -> usize {
    2
}
fn default_eps() -> f64 {
    1e-12
}
fn default_pos_type() -> String {
    "absolute".into()
}

/// The activation between the two feed-forward matrices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activation {
    /// Exact GELU (with erf), BERT's `gelu`.
    Gelu,
    /// The tanh approximation (`gelu_new`, `gelu_pytorch_tanh`).
    GeluTanh,
    Relu,
}

/// How token vectors are pooled into one sentence vector.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pooling {
    Mean,
    Cls,
    Max,
}

/// A checked model folder.
#[derive(Debug, Clone)]
pub struct ModelFolder {
    pub dir: PathBuf,
    pub arch: ArchConfig,
    pub activation: Activation,
    pub pooling: Pooling,
    /// Whether sentence vectors are scaled to unit length (a `Normalize` module).
    pub normalize: bool,
    /// The longest input in tokens, special tokens included; longer texts are truncated.
    pub max_len: usize,
    /// Added to every position index: 0 for BERT, `pad_token_id + 1` for RoBERTa and XLM-R.
    pub position_offset: usize,
}

#[derive(Deserialize)]
struct Module {
    #[serde(default)]
    path: String,
    #[serde(rename = "type")]
    kind: String,
}

#[derive(Deserialize)]
struct PoolingConfig {
    #[serde(default)]
    pooling_mode_cls_token: bool,
    #[serde(default)]
    pooling_mode_mean_tokens: bool,
    #[serde(default)]
    pooling_mode_max_tokens: bool,
    #[serde(default)]
    pooling_mode_mean_sqrt_len_tokens: bool,
}

#[derive(Deserialize)]
struct SentenceBertConfig {
    max_seq_length: Option<usize>,
}

fn read_json<T: serde::de::DeserializeOwned>(dir: &Path, rel: &str) -> Result<T, EncoderError> {
    let p = dir.join(rel);
    let text = std::fs::read_to_string(&p).map_err(|e| EncoderError::io(&p, e))?;
    serde_json::from_str(&text).map_err(|e| EncoderError::folder(dir, format!("{rel}: {e}")))
}

impl ModelFolder {
    /// Checks the folder and reads its configs.
    pub fn open(dir: &Path) -> Result<ModelFolder, EncoderError> {
        if !dir.is_dir() {
            return Err(EncoderError::folder(
                dir,
                "no such folder (run deploy/fetch-encoder.sh for all-MiniLM-L6-v2, or pass a \
                 folder with config.json, tokenizer.json and model.safetensors)",
            ));
        }
        let missing: Vec<&str> = ["config.json", "tokenizer.json", "model.safetensors"]
            .into_iter()
            .filter(|f| !dir.join(f).is_file())
            .collect();
        if !missing.is_empty() {
            let hint = if missing.contains(&"model.safetensors")
                && dir.join("pytorch_model.bin").is_file()
            {
                " (pytorch_model.bin is not read: convert it to safetensors)"
            } else {
                ""
            };
            return Err(EncoderError::folder(
                dir,
                format!("missing {}{hint}", missing.join(", ")),
            ));
        }
        let arch: ArchConfig = read_json(dir, "config.json")?;
        let bad = |why: String| EncoderError::folder(dir, format!("config.json: {why}"));
        let position_offset = match arch.model_type.as_str() {
            "bert" => 0,
            "roberta" | "xlm-roberta" | "camembert" => arch.pad_token_id + 1,
            other => {
                return Err(bad(format!(
                    "model_type `{other}` is not a BERT-family encoder (bert, roberta, \
                     xlm-roberta, camembert)"
                )))
            }
        };
        if arch.position_embedding_type != "absolute" {
            return Err(bad(format!(
                "position_embedding_type `{}` is not supported (only absolute)",
                arch.position_embedding_type
            )));
        }
        if arch.hidden_size == 0 {
            return Err(bad("hidden_size 0: no room for attention heads".into()));
        }
        if arch.num_attention_heads == 0
            || !arch.hidden_size.is_multiple_of(arch.num_attention_heads)
        {
            return Err(bad(format!(
                "hidden_size {} is not a multiple of num_attention_heads {}",
                arch.hidden_size, arch.num_attention_heads
            )));
        }
        let activation = match arch.hidden_act.as_str() {
            "gelu" => Activation::Gelu,
            "gelu_new" | "gelu_pytorch_tanh" | "gelu_fast" => Activation::GeluTanh,
            "relu" => Activation::Relu,
            other => return Err(bad(format!("hidden_act `{other}` is not supported"))),
        };
        let (pooling, normalize) = Self::pooling(dir)?;
        let positions = arch.max_position_embeddings.saturating_sub(position_offset);
        let max_len = if dir.join("sentence_bert_config.json").is_file() {
            read_json::<SentenceBertConfig>(dir, "sentence_bert_config.json")?
                .max_seq_length
                .unwrap_or(positions)
        } else {
            positions
        }
        .min(positions);
        if max_len < 3 {
            return Err(bad(format!("room for only {max_len} positions")));
        }
        Ok(ModelFolder {
            dir: dir.to_path_buf(),
            arch,
            activation,
            pooling,
            normalize,
            max_len,
            position_offset,
        })
    }

    /// Pooling and normalisation from `modules.json`; mean pooling without it.
    fn pooling(dir: &Path) -> Result<(Pooling, bool), EncoderError> {
        if !dir.join("modules.json").is_file() {
            tracing::warn!(dir = %dir.display(), "no modules.json: mean pooling, not normalised");
            return Ok((Pooling::Mean, false));
        }
        let modules: Vec<Module> = read_json(dir, "modules.json")?;
        let normalize = modules.iter().any(|m| m.kind.ends_with(".Normalize"));
        let Some(pool) = modules.iter().find(|m| m.kind.ends_with(".Pooling")) else {
            return Ok((Pooling::Mean, normalize));
        };
        // The path comes from the folder's own file: it may name a subfolder, never a file
        // elsewhere on the machine.
        let inside = Path::new(&pool.path).components().all(|c| {
            matches!(
                c,
                std::path::Component::Normal(_) | std::path::Component::CurDir
            )
        });
        if !inside {
            return Err(EncoderError::folder(
                dir,
                format!(
                    "modules.json: pooling path `{}` leaves the model folder",
                    pool.path
                ),
            ));
        }
        // `Path::join`, not a string: an empty path must not become `/config.json`.
        let rel = Path::new(&pool.path)
            .join("config.json")
            .to_string_lossy()
            .into_owned();
        let c: PoolingConfig = read_json(dir, &rel)?;
        let modes = [
            (c.pooling_mode_mean_tokens, Pooling::Mean),
            (c.pooling_mode_cls_token, Pooling::Cls),
            (c.pooling_mode_max_tokens, Pooling::Max),
        ];
        let on: Vec<Pooling> = modes.iter().filter(|m| m.0).map(|m| m.1).collect();
        if c.pooling_mode_mean_sqrt_len_tokens || on.len() != 1 {
            return Err(EncoderError::folder(
                dir,
                format!("{rel}: exactly one of mean, cls or max pooling must be on"),
            ));
        }
        Ok((on[0], normalize))
    }

    pub fn head_dim(&self) -> usize {
        self.arch.hidden_size / self.arch.num_attention_heads
    }

    /// A short identity of the checkpoint for model cards and head files: the folder name and
    /// the size of its weights file.
    pub fn identity(&self) -> String {
        let name = self
            .dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let bytes = std::fs::metadata(self.dir.join("model.safetensors")).map_or(0, |m| m.len());
        format!("{name} ({bytes} bytes of weights)")
    }
}
