//! The ClickHouse store (feature `clickhouse`).

use std::sync::Arc;

use soi_store::Store;

/// Connects to `clickhouse://HOST:PORT/DATABASE`, creating the schema if needed.
#[cfg(feature = "clickhouse")]
pub async fn connect(url: &str) -> anyhow::Result<Arc<dyn Store>> {
    use anyhow::Context;
    let opts = soi_clickhouse::ClickHouseOptions::from_url(url)?;
    let store = soi_clickhouse::ClickHouseStore::connect(opts)
        .await
        .with_context(|| format!("connecting to {url}"))?;
    Ok(Arc::new(store))
}

#[cfg(not(feature = "clickhouse"))]
pub async fn connect(_url: &str) -> anyhow::Result<Arc<dyn Store>> {
    Err(super::missing("clickhouse", "a clickhouse:// store"))
}
