//! The report's one error type: what could not be read, written or asked for.

use thiserror::Error;

/// Why a report could not be written.
#[derive(Debug, Error)]
pub enum ReportError {
    #[error("store: {0}")]
    Store(#[from] soi_store::StoreError),
    #[error("cannot write {path}: {why}")]
    Write { path: String, why: String },
    /// A path that would land outside the output folder (never written).
    #[error("refusing to write {path}: it is not inside the output folder {out}")]
    Escape { out: String, path: String },
    /// Two files of one report on the same path (compared without case).
    #[error("refusing to write {path} twice in one report")]
    Clash { path: String },
    #[error("invalid report request: {0}")]
    Request(String),
}
