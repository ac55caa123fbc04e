use thiserror::Error;

/// Why a ClickHouse operation failed.
#[derive(Debug, Error)]
pub enum ClickHouseError {
    #[error("bad store address `{0}`: expected clickhouse://HOST:PORT/DATABASE")]
    Address(String),
    #[error("clickhouse: {0}")]
    Client(#[from] clickhouse::error::Error),
    #[error("clickhouse unreachable for {secs}s, giving up: {last}")]
    Unavailable { secs: u64, last: String },
}

impl From<ClickHouseError> for soi_store::StoreError {
    fn from(e: ClickHouseError) -> Self {
        soi_store::StoreError::Backend(e.to_string())
    }
}
