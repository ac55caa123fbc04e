//! Where the models and the scoring config live: `SOI_MODELS_DIR` first, then `models/` in the
//! repository found above the current directory or above the running binary; the scoring config
//! in the pipelines folder the caller names (`soi --pipelines`). Nothing here looks at
//! `../shared`: a deployed scorer carries its own model.

use std::path::{Path, PathBuf};

/// The repository root: the first directory above the current directory or the executable that
/// has both `models/` and `pipelines/`.
pub fn repo_root() -> Option<PathBuf> {
    let mut starts = Vec::new();
    if let Ok(d) = std::env::current_dir() {
        starts.push(d);
    }
    if let Ok(exe) = std::env::current_exe() {
        if let Some(d) = exe.parent() {
            starts.push(d.to_path_buf());
        }
    }
    // The crate's own location, for tests and `cargo run` from anywhere in the workspace.
    starts.push(PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    starts.into_iter().find_map(|s| {
        s.ancestors()
            .find(|d| d.join("models").is_dir() && d.join("pipelines").is_dir())
            .map(Path::to_path_buf)
    })
}

/// The folder holding model folders: `SOI_MODELS_DIR`, else `<repo>/models`.
pub fn models_dir() -> Option<PathBuf> {
    if let Ok(d) = std::env::var("SOI_MODELS_DIR") {
        return Some(PathBuf::from(d));
    }
    repo_root().map(|r| r.join("models"))
}

/// The scoring config file: `SOI_SCORING_CONFIG`, else `scoring.toml` in `pipelines` (`None`:
/// `<repo>/pipelines`) when it is there.
pub fn scoring_config(pipelines: Option<&Path>) -> Option<PathBuf> {
    if let Ok(p) = std::env::var("SOI_SCORING_CONFIG") {
        return Some(PathBuf::from(p));
    }
    let dir = match pipelines {
        Some(d) => d.to_path_buf(),
        None => repo_root()?.join("pipelines"),
    };
    Some(dir.join("scoring.toml")).filter(|p| p.is_file())
}
