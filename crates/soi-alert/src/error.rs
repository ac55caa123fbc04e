//! Errors of the alert side, by what failed: the config, the store, a route, a signature.

use thiserror::Error;

/// Why loading alert rules, building a payload or dispatching failed.
#[derive(Debug, Error)]
pub enum AlertError {
    #[error("cannot read {path}: {why}")]
    Read { path: String, why: String },
    #[error("{path}: {why}")]
    Config { path: String, why: String },
    #[error("store: {0}")]
    Store(#[from] soi_store::StoreError),
    #[error("route `{route}`: {why}")]
    Route { route: String, why: String },
    #[error("signature: {0}")]
    Signature(String),
    /// A time computed by the dispatcher left chrono's range.
    #[error("time out of range: {0}")]
    TimeRange(String),
}
