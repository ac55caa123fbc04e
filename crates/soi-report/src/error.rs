use thiserror::Error;

/// Why a report could not be written.
#[derive(Debug, Error)]
pub enum ReportError {
    #[error("store: {0}")]
    Store(#[from] soi_store::StoreError),
    #[error("cannot write {path}: {why}")]
    Write { path: String, why: String },
    #[error("invalid report request: {0}")]
    Request(String),
}
