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

/// For tests: the default checkpoint when it has been fetched; otherwise `None` with a message
/// saying why the test skips, or a panic when `SOI_REQUIRE_DATA=1` (CI), where skipping would
/// hide a missing step.
pub fn test_checkpoint() -> Option<PathBuf> {
    let dir = default_model_dir()?;
    if dir.join("model.safetensors").is_file() {
        return Some(dir);
    }
    let why = format!(
        "no encoder at {} (run deploy/fetch-encoder.sh)",
        dir.display()
    );
    assert!(
        std::env::var("SOI_REQUIRE_DATA").as_deref() != Ok("1"),
        "SOI_REQUIRE_DATA=1 but {why}"
    );
    eprintln!("skipped: {why}");
    None
}
