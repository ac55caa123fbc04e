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
    /// A row that must be written once (an audit row, a case version) is already stored.
    #[error("{table} already holds {key}")]
    Exists { table: &'static str, key: String },
}

impl From<ClickHouseError> for soi_store::StoreError {
    fn from(e: ClickHouseError) -> Self {
        if let ClickHouseError::Exists { table, key } = e {
            // Writing it again cannot succeed: the key is taken.
            return soi_store::StoreError::Content {
                key: format!("{table} {key}"),
                why: "already stored".into(),
            };
        }
        // Shown as `clickhouse: ...`. Other refusals of a record's own content are not told
        // apart yet: the sink retries every other ClickHouse error as an outage.
        soi_store::StoreError::Engine {
            engine: "clickhouse",
            source: Box::new(e),
            content: false,
        }
    }
}
