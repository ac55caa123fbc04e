//! The scoring config (`pipelines/scoring.toml`): fusion weights, thresholds, the uncertain band,
//! reference prices per category and the blocklist path. A copy is compiled in, so a binary
//! without the repository still scores the same way.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::{Head, ScoreError};

/// The config shipped with the repository, compiled in.
pub const DEFAULT_SCORING_TOML: &str = include_str!("../../../pipelines/scoring.toml");

#[derive(Debug, Clone, Deserialize)]
pub struct ScoringConfig {
    pub model: String,
    pub flag_threshold: f64,
    pub bias: f64,
    pub band: Band,
    /// Logit weight per signal reason code.
    pub weights: BTreeMap<String, f64>,
    /// Logit weight per head reason code (`scam_text`, `misleading_text`, ...).
    pub head_weights: BTreeMap<String, f64>,
    pub price: PriceConfig,
    #[serde(default)]
    pub blocklist: BlocklistConfig,
    pub seller: SellerConfig,
    /// Fallback head thresholds when the model carries none.
    #[serde(default)]
    pub heads: BTreeMap<Head, f64>,
    /// Probability above which a head's answer is evidence in the fusion.
    #[serde(default)]
    pub head_gates: BTreeMap<Head, f64>,
    #[serde(default)]
    pub reviews: ReviewConfig,
    #[serde(default)]
    pub encoder: EncoderSettings,
}

/// The encoder tier (`[encoder]`): used for listings in the band when its checkpoint and heads
/// are present.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EncoderSettings {
    pub enabled: bool,
    /// Heads folder name under the models folder.
    pub heads: String,
    /// Threads the encoder runs on.
    pub threads: usize,
    /// Tokens accepted and not yet answered before the encoder answers "overloaded".
    pub max_queued_tokens: usize,
}

impl Default for EncoderSettings {
    fn default() -> Self {
        EncoderSettings {
            enabled: false,
            heads: "soi-encoder-v1".into(),
            threads: 1,
            max_queued_tokens: 65536,
        }
    }
}

/// When the seller's reviews count as evidence.
#[derive(Debug, Clone, Deserialize)]
pub struct ReviewConfig {
    pub min_reviews: usize,
    pub min_rate: f64,
    pub deceptive_min_words: usize,
}

impl Default for ReviewConfig {
    fn default() -> Self {
        ReviewConfig {
            min_reviews: 3,
            min_rate: 0.5,
            deceptive_min_words: 40,
        }
    }
}

/// The uncertain band handed to a second tier.
#[derive(Debug, Clone, Copy, Deserialize)]
pub struct Band {
    pub low: f64,
    pub high: f64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PriceConfig {
    pub low_ratio: f64,
    pub min_batch: usize,
    pub fx: BTreeMap<String, f64>,
    #[serde(default)]
    pub reference: Vec<PriceReference>,
}

/// A category's reference median price and the keywords that select it.
#[derive(Debug, Clone, Deserialize)]
pub struct PriceReference {
    pub name: String,
    pub median_vnd: f64,
    pub keywords: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct BlocklistConfig {
    #[serde(default)]
    pub path: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SellerConfig {
    pub new_days: i64,
    pub velocity_per_day: f64,
}

impl ScoringConfig {
    /// Parses a config from TOML text.
    pub fn from_toml(text: &str, origin: &str) -> Result<ScoringConfig, ScoreError> {
        toml::from_str(text).map_err(|e| ScoreError::Config {
            path: origin.to_string(),
            why: e.to_string(),
        })
    }

    /// Reads a config file.
    pub fn from_file(path: &Path) -> Result<ScoringConfig, ScoreError> {
        let text = std::fs::read_to_string(path).map_err(|e| ScoreError::io(path, e))?;
        Self::from_toml(&text, &path.display().to_string())
    }

    /// The compiled-in config (checked by a unit test).
    pub fn builtin() -> Result<ScoringConfig, ScoreError> {
        Self::from_toml(DEFAULT_SCORING_TOML, "builtin")
    }

    /// The weight of a reason code (0 when the config does not name it).
    pub fn weight(&self, code: &str) -> f64 {
        self.weights
            .get(code)
            .or_else(|| self.head_weights.get(code))
            .copied()
            .unwrap_or(0.0)
    }

    /// The blocklist path resolved against `root` (the repository root); `SOI_BLOCKLIST` wins.
    pub fn blocklist_path(&self, root: Option<&Path>) -> Option<PathBuf> {
        if let Ok(p) = std::env::var("SOI_BLOCKLIST") {
            return Some(PathBuf::from(p));
        }
        let p = PathBuf::from(self.blocklist.path.as_ref()?);
        if p.is_absolute() {
            return Some(p);
        }
        root.map(|r| r.join(p))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_config_parses() {
        let c = ScoringConfig::builtin().unwrap();
        assert!(c.weight("off_platform_contact") > 0.0);
        assert!(c.band.low < c.band.high);
        assert!(c.price.reference.iter().any(|r| r.name == "smartphone"));
        assert_eq!(c.head_gates.get(&Head::Scam), Some(&0.8));
    }

    #[test]
    fn a_misspelt_head_is_a_config_error() {
        let text = DEFAULT_SCORING_TOML.replace("[head_gates]\nscam =", "[head_gates]\nsacm =");
        assert_ne!(text, DEFAULT_SCORING_TOML);
        let e = ScoringConfig::from_toml(&text, "t")
            .unwrap_err()
            .to_string();
        assert!(e.contains("sacm"), "{e}");
    }
}
