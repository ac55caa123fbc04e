use thiserror::Error;

/// Why a store operation failed.
#[derive(Debug, Error)]
pub enum StoreError {
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("cannot open store at {path}: {why}")]
    Open { path: String, why: String },
    #[error("corrupt row in {table} ({key}): {why}")]
    Corrupt {
        table: &'static str,
        key: String,
        why: String,
    },
    #[error("listing id `{0}` exists on several marketplaces ({1}); name the marketplace")]
    Ambiguous(String, String),
    /// A server-backed store (ClickHouse) failed or stayed unreachable.
    #[error("store backend: {0}")]
    Backend(String),
    #[error("store task failed: {0}")]
    Task(String),
}
