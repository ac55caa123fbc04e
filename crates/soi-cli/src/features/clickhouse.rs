//! The ClickHouse store (feature `clickhouse`).

use std::sync::Arc;

use soi_store::{ConsoleStore, Store};

/// Connects to `clickhouse://HOST:PORT/DATABASE`, creating the schema if needed; the same
/// store serves the pipeline's rows and the console's.
#[cfg(feature = "clickhouse")]
pub async fn connect_both(url: &str) -> anyhow::Result<(Arc<dyn Store>, Arc<dyn ConsoleStore>)> {
    use anyhow::Context;
    let opts = soi_clickhouse::ClickHouseOptions::from_url(url)?;
    let store = soi_clickhouse::ClickHouseStore::connect(opts)
        .await
        .with_context(|| format!("connecting to {url}"))?;
    let store = Arc::new(store);
    Ok((store.clone(), store))
}

#[cfg(not(feature = "clickhouse"))]
pub async fn connect_both(_url: &str) -> anyhow::Result<(Arc<dyn Store>, Arc<dyn ConsoleStore>)> {
    Err(super::missing("clickhouse", "a clickhouse:// store"))
}
