use thiserror::Error;

/// Everything that can go wrong while loading a scorer or running its model.
#[derive(Debug, Error)]
pub enum ScoreError {
    #[error("reading {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("scoring config {path}: {why}")]
    Config { path: String, why: String },
    #[error("model {path}: {why}")]
    Model { path: String, why: String },
    #[error("unknown head `{0}`")]
    UnknownHead(String),
    #[error(transparent)]
    Json(#[from] serde_json::Error),
}

impl ScoreError {
    pub(crate) fn io(path: impl AsRef<std::path::Path>, source: std::io::Error) -> ScoreError {
        ScoreError::Io {
            path: path.as_ref().display().to_string(),
            source,
        }
    }
}
