//! Where the encoder checkpoint lives by default: `SOI_ENCODER_DIR`, else the cache folder that
//! `deploy/fetch-encoder.sh` fills (`.cache/models/all-MiniLM-L6-v2` in the repository).

use std::path::PathBuf;

/// The folder name `deploy/fetch-encoder.sh` writes.
pub const DEFAULT_CHECKPOINT: &str = "all-MiniLM-L6-v2";

/// The default checkpoint folder (it may not exist yet).
pub fn default_model_dir() -> Option<PathBuf> {
    if let Ok(d) = std::env::var("SOI_ENCODER_DIR") {
        return Some(PathBuf::from(d));
    }
    soi_score::paths::repo_root().map(|r| r.join(".cache").join("models").join(DEFAULT_CHECKPOINT))
}
