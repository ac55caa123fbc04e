//! What the tests against a real ClickHouse server share: a fresh database per test.

use soi_clickhouse::{ClickHouseOptions, ClickHouseStore};

/// A fresh, empty database named for the test, or `None` (skip) without a server.
pub async fn options(name: &str) -> Option<ClickHouseOptions> {
    let Ok(url) = std::env::var("SOI_TEST_CLICKHOUSE") else {
        assert!(
            std::env::var("SOI_REQUIRE_ENGINES").as_deref() != Ok("1"),
            "SOI_TEST_CLICKHOUSE is not set; start the engines with deploy/engines/start.sh"
        );
        eprintln!("skipping: SOI_TEST_CLICKHOUSE not set (deploy/engines/start.sh starts one)");
        return None;
    };
    let base = url.rsplit_once('/').map(|(b, _)| b).unwrap_or(&url);
    let db = format!("soi_t_{name}_{}", std::process::id());
    let mut opts = ClickHouseOptions::from_url(&format!("{base}/{db}")).expect("url");
    opts.max_outage = std::time::Duration::from_secs(30);
    let s = ClickHouseStore::connect(opts).await.expect("connect");
    s.drop_all_for_tests().await.expect("clean database");
    Some(s.options().clone())
}

/// A store on [`options`]' fresh database, or `None` (skip) without a server.
pub async fn store(name: &str) -> Option<ClickHouseStore> {
    let opts = options(name).await?;
    Some(ClickHouseStore::connect(opts).await.expect("reconnect"))
}
