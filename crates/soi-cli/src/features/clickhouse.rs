//! The ClickHouse store (feature `clickhouse`).

use crate::global::Stores;

/// Connects to `clickhouse://HOST:PORT/DATABASE`, creating the schema if needed; the same
/// store serves the pipeline's rows, the console's, the seller links and the reports.
#[cfg(feature = "clickhouse")]
pub async fn connect_all(url: &str) -> anyhow::Result<Stores> {
    use anyhow::Context;
    use std::sync::Arc;
    let opts = soi_clickhouse::ClickHouseOptions::from_url(url)?;
    let store = soi_clickhouse::ClickHouseStore::connect(opts)
        .await
        .with_context(|| format!("connecting to {url}"))?;
    let store = Arc::new(store);
    Ok(Stores {
        store: store.clone(),
        console: store.clone(),
        links: store.clone(),
        complaints: store.clone(),
        crawl_health: store.clone(),
        report: store,
    })
}

#[cfg(not(feature = "clickhouse"))]
pub async fn connect_all(_url: &str) -> anyhow::Result<Stores> {
    Err(super::missing("clickhouse", "a clickhouse:// store"))
}
