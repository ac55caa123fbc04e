//! The scorer, with the encoder tier for the uncertain band when the feature `encoder` is on.

use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use soi_score::Scorer;

/// The shipped scorer: the fast tier and, where its checkpoint is present, the encoder tier.
#[cfg(feature = "encoder")]
pub fn load_scorer(pipelines: &Path) -> anyhow::Result<Arc<dyn Scorer>> {
    Ok(Arc::from(
        soi_encoder::load_scorer(Some(pipelines)).context("loading the scorer")?,
    ))
}

/// The shipped scorer without the encoder tier (this soi was built without it).
#[cfg(not(feature = "encoder"))]
pub fn load_scorer(pipelines: &Path) -> anyhow::Result<Arc<dyn Scorer>> {
    // One read of the scoring config: it says whether the encoder was asked for and builds
    // the scorer.
    let cfg = soi_score::load_config(Some(pipelines)).context("loading the scoring config")?;
    if cfg.encoder.enabled {
        tracing::warn!(
            "built without the `encoder` feature: scoring with the fast tier only, \
             the encoder tier is off"
        );
    }
    Ok(Arc::from(
        soi_score::load_default_with(cfg, None).context("loading the scorer")?,
    ))
}
