//! What the tests against a real ClickHouse server share: a fresh database per test.

use soi_clickhouse::{ClickHouseOptions, ClickHouseStore};

/// A fresh, empty database named for the test, or `None` (skip) without a server.
pub async fn options(name: &str) -> Option<ClickHouseOptions> {
    soi_clickhouse::fresh_test_database(name)
        .await
        .expect("test database")
}

/// A store on [`options`]' fresh database, or `None` (skip) without a server.
pub async fn store(name: &str) -> Option<ClickHouseStore> {
    let opts = options(name).await?;
    Some(ClickHouseStore::connect(opts).await.expect("reconnect"))
}
