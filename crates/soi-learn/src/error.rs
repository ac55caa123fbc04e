use thiserror::Error;

/// Everything that can go wrong while training, calibrating, evaluating or benchmarking a tier.
#[derive(Debug, Error)]
pub enum LearnError {
    #[error("reading {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("training config {path}: {why}")]
    Config { path: String, why: String },
    #[error("data {path}: {why}")]
    Data { path: String, why: String },
    #[error("training: {0}")]
    Train(String),
    #[error(transparent)]
    Score(#[from] soi_score::ScoreError),
    #[error(transparent)]
    Candle(#[from] candle_core::Error),
    #[error(transparent)]
    Json(#[from] serde_json::Error),
}

impl LearnError {
    pub(crate) fn io(path: impl AsRef<std::path::Path>, source: std::io::Error) -> LearnError {
        LearnError::Io {
            path: path.as_ref().display().to_string(),
            source,
        }
    }
}
