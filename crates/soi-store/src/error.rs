//! Store errors, typed so that callers can tell a record the store refuses (dead-letter it) from a
//! store that is failing (retry later).

use thiserror::Error;

/// Why a store operation failed.
#[derive(Debug, Error)]
pub enum StoreError {
    /// The engine behind a store (SQLite, ClickHouse) failed. `content` is set when it refused
    /// the records for their own content (a value too big, a constraint): writing them again
    /// cannot succeed.
    #[error("{engine}: {source}")]
    Engine {
        engine: &'static str,
        source: Box<dyn std::error::Error + Send + Sync>,
        content: bool,
    },
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
    #[error("store task failed: {0}")]
    Task(String),
    /// A record cannot be stored because of its own content (a time the store cannot represent
    /// or compute with, a row too large). Writing the same record again cannot succeed, so the
    /// sink dead-letters it instead of retrying its batch forever.
    #[error("cannot store {key}: {why}")]
    Content { key: String, why: String },
    /// A time computed from the caller's arguments (not from a stored record) is out of range.
    #[error("time out of range: {0}")]
    TimeRange(String),
}

impl StoreError {
    /// Whether the error comes from the content of the records written (retrying them as they are
    /// cannot help) rather than from the store (connection, disk, lock: retrying may help).
    pub fn is_content(&self) -> bool {
        match self {
            StoreError::Content { .. } => true,
            StoreError::Engine { content, .. } => *content,
            _ => false,
        }
    }
}
