use thiserror::Error;

/// Everything that can go wrong while loading or running an encoder or its heads.
#[derive(Debug, Error)]
pub enum EncoderError {
    #[error("reading {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    /// A model folder that lacks a file, or whose files do not describe a supported encoder.
    #[error("encoder folder {dir}: {why}")]
    Folder { dir: String, why: String },
    #[error("tokenizer {path}: {why}")]
    Tokenizer { path: String, why: String },
    #[error("heads {path}: {why}")]
    Heads { path: String, why: String },
    #[error("data {path}: {why}")]
    Data { path: String, why: String },
    /// The queue in front of the model is full: the caller should back off, not wait.
    #[error("encoder overloaded: {queued} tokens queued, limit {limit}")]
    Overloaded { queued: usize, limit: usize },
    #[error("encoder worker stopped")]
    Closed,
    /// The worker panicked on the batch holding this request; it keeps serving later ones.
    #[error("encoder worker failed on this batch: {why}")]
    Worker { why: String },
    #[error(transparent)]
    Candle(#[from] candle_core::Error),
    #[error(transparent)]
    Score(#[from] soi_score::ScoreError),
    #[error(transparent)]
    Learn(#[from] soi_learn::LearnError),
    #[error(transparent)]
    Json(#[from] serde_json::Error),
}

impl EncoderError {
    pub(crate) fn io(path: impl AsRef<std::path::Path>, source: std::io::Error) -> EncoderError {
        EncoderError::Io {
            path: path.as_ref().display().to_string(),
            source,
        }
    }

    pub(crate) fn folder(dir: impl AsRef<std::path::Path>, why: impl Into<String>) -> EncoderError {
        EncoderError::Folder {
            dir: dir.as_ref().display().to_string(),
            why: why.into(),
        }
    }
}
