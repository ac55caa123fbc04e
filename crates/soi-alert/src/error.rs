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
}
