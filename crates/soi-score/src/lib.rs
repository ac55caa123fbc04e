//! The scoring core of `soi`: every listing passes through a [`Scorer`].
//!
//! Why it is shaped this way: analysts and police act on a flag only if it says why, so every
//! point of risk comes from a named signal or classifier head with the exact characters that
//! triggered it. The pieces:
//!
//! - [`signals`]: rules over the listing, its entities (from `soi-text`) and its seller:
//!   off-platform contact, deposit before delivery, a "genuine" claim at a fraction of the
//!   category's median price, fake giveaways, cure claims, cross-border sellers posing as local,
//!   blocklisted and look-alike domains, new shops and listing velocity.
//! - [`tier`]: the classifier seam. The fast tier ([`fast`]) is a multi-head linear model over
//!   hashed word and character n-grams, folded into per-bucket head weights so scoring a text is
//!   one pass over its n-grams with no allocation per n-gram. A second (encoder) tier can answer
//!   for the uncertain band only.
//! - [`fusion`]: weighted evidence on the logit scale into one risk in [0, 1], with reasons.
//!
//! This crate only runs trained models: training, calibration, metrics, `soi eval` and
//! `soi bench` live in `soi-learn`, so the pipeline stages that depend on this seam never compile
//! candle. The model file is read (and written, for `soi-learn`) with the `safetensors` crate alone.
//!
//! `soi run`, `soi score` and the distributed scorer call nothing but [`Scorer`], so the scorer
//! behind it can change without touching the stages. [`load_default`] builds the shipped one.

pub mod config;
mod error;
pub mod fast;
pub mod fusion;
mod head;
pub mod paths;
pub mod prob;
pub mod scorer;
pub mod signals;
pub mod tier;

use std::path::Path;
use std::sync::Arc;

use soi_model::{Listing, Verdict};

pub use config::ScoringConfig;
pub use error::ScoreError;
pub use head::Head;
pub use scorer::SoiScorer;
pub use tier::{HeadProbs, SecondTier, TextTier, LISTING_HEADS};

/// Scores batches of listings. Implementations are loaded once and shared between threads.
pub trait Scorer: Send + Sync {
    /// Name and version of the model, written into every verdict.
    fn model(&self) -> &str;
    /// One verdict per listing, in the same order.
    fn score(&self, listings: &[Listing]) -> Vec<Verdict>;
}

/// The scoring config, read like every other config from the pipelines folder (`soi
/// --pipelines`; `None`: the repository's `pipelines/`): `SOI_SCORING_CONFIG` when set, else
/// `scoring.toml` there, else the compiled-in copy.
pub fn load_config(pipelines: Option<&Path>) -> Result<ScoringConfig, ScoreError> {
    match paths::scoring_config(pipelines) {
        Some(p) => ScoringConfig::from_file(&p),
        None => {
            tracing::info!("no scoring.toml in the pipelines folder; using the compiled-in copy");
            ScoringConfig::builtin()
        }
    }
}

/// The shipped scorer: the scoring config of `pipelines` (see [`load_config`]), the blocklist
/// when its file is present, and the trained fast tier from `models/<model>/` (found via
/// `SOI_MODELS_DIR` or the repository). Without a model folder it scores with the signals alone
/// and says so in the log.
pub fn load_default(pipelines: Option<&Path>) -> Result<Box<dyn Scorer>, ScoreError> {
    load_default_with(load_config(pipelines)?, None)
}

/// The scorer for `cfg` with a second tier for the uncertain band (the encoder, built by
/// `soi-encoder` from the same scoring config).
pub fn load_default_with(
    cfg: ScoringConfig,
    second: Option<Arc<dyn SecondTier>>,
) -> Result<Box<dyn Scorer>, ScoreError> {
    let root = paths::repo_root();
    let blocklist = match cfg.blocklist_path(root.as_deref()) {
        Some(p) if p.is_file() => Some(signals::Blocklist::load(&p)?),
        Some(p) => {
            tracing::warn!(path = %p.display(), "blocklist file not found; blocklist signal off");
            None
        }
        None => None,
    };
    let fast = load_fast_tier(&cfg.model)?;
    let mut s = SoiScorer::new(cfg);
    if let Some(b) = blocklist {
        s = s.with_blocklist(b);
    }
    if let Some(t) = fast {
        s = s.with_fast_tier(t);
    }
    if let Some(t) = second {
        s = s.with_second_tier(t);
    }
    Ok(Box::new(s))
}

/// The fast tier named `name` from the models folder, or `None` when there is no such folder.
pub fn load_fast_tier(name: &str) -> Result<Option<Arc<dyn TextTier>>, ScoreError> {
    let Some(dir) = paths::models_dir().map(|d| d.join(name)) else {
        tracing::warn!("no models folder found; scoring with signals only");
        return Ok(None);
    };
    if !dir.join("config.json").is_file() {
        tracing::warn!(dir = %dir.display(), "no trained model; scoring with signals only");
        return Ok(None);
    }
    Ok(Some(Arc::new(fast::FastModel::load(&dir)?)))
}

/// The trained fast model named `name` (the scoring config's `model`, as a rule) from the models
/// folder; an error when it is missing.
pub fn load_model(name: &str) -> Result<fast::FastModel, ScoreError> {
    let dir = paths::models_dir()
        .map(|d| d.join(name))
        .ok_or_else(|| ScoreError::Model {
            path: name.to_string(),
            why: "no models folder found (set SOI_MODELS_DIR)".into(),
        })?;
    fast::FastModel::load(&dir)
}
