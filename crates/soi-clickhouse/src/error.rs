use thiserror::Error;

/// Why a ClickHouse operation failed.
#[derive(Debug, Error)]
pub enum ClickHouseError {
    #[error("bad store address `{0}`: expected clickhouse://HOST:PORT/DATABASE")]
    Address(String),
    #[error(transparent)]
    Client(#[from] clickhouse::error::Error),
    #[error("unreachable for {secs}s, giving up: {last}")]
    Unavailable { secs: u64, last: String },
}

impl From<ClickHouseError> for soi_store::StoreError {
    fn from(e: ClickHouseError) -> Self {
        // Shown as `clickhouse: ...`. Refusals of a record's own content are not told apart yet:
        // the sink retries every ClickHouse error as an outage.
        soi_store::StoreError::Engine {
            engine: "clickhouse",
            source: Box::new(e),
            content: false,
        }
    }
}
