//! Operations beside the `Store` seam: the per-seller summary, and cleaning up test databases.

use clickhouse::Row;
use serde::Deserialize;

use crate::{ClickHouseError, ClickHouseOptions, ClickHouseStore};

/// One row of the per-seller summary (`seller_risk_summary`) of each listing's latest verdict.
#[derive(Debug, Clone, Row, Deserialize, serde::Serialize)]
pub struct SellerRisk {
    pub marketplace: String,
    pub seller_id: String,
    pub listings: u64,
    pub flagged_listings: u64,
    pub max_risk: f64,
    pub last_scored: u32,
}

impl ClickHouseStore {
    /// The per-seller summary of each listing's latest verdict, riskiest first; flagged means
    /// risk at or above 0.5, the flagged-sellers query's default.
    pub async fn seller_risk_summary(&self) -> Result<Vec<SellerRisk>, ClickHouseError> {
        self.retry("seller summary", || {
            self.client
                .query(
                    "SELECT marketplace, seller_id, listings, flagged_listings, max_risk,
                            toUInt32(last_scored) AS last_scored
                     FROM seller_risk_summary ORDER BY max_risk DESC, seller_id",
                )
                .fetch_all::<SellerRisk>()
        })
        .await
    }

    /// Drops this store's database (tests and benchmarks start from nothing).
    pub async fn drop_all_for_tests(&self) -> Result<(), ClickHouseError> {
        let sql = format!("DROP DATABASE IF EXISTS {}", self.opts.database);
        let root = clickhouse::Client::default()
            .with_url(&self.opts.url)
            .with_validation(false);
        self.retry("drop database", || root.query(&sql).execute())
            .await
    }
}

/// For tests against a real server: a fresh, empty database named for the test (and the
/// process) on the server at `SOI_TEST_CLICKHOUSE` (started by `deploy/engines/start.sh`), with a
/// 30-second outage limit. `None`, with a message, when the variable is unset; a panic instead
/// under `SOI_REQUIRE_ENGINES=1`, where skipping would hide a missing engine.
#[doc(hidden)]
pub async fn fresh_test_database(name: &str) -> Result<Option<ClickHouseOptions>, ClickHouseError> {
    let Ok(url) = std::env::var("SOI_TEST_CLICKHOUSE") else {
        assert!(
            std::env::var("SOI_REQUIRE_ENGINES").as_deref() != Ok("1"),
            "SOI_TEST_CLICKHOUSE is not set; start the engines with deploy/engines/start.sh"
        );
        eprintln!("skipping: SOI_TEST_CLICKHOUSE not set (deploy/engines/start.sh starts one)");
        return Ok(None);
    };
    let base = url.rsplit_once('/').map(|(b, _)| b).unwrap_or(&url);
    let db = format!("soi_t_{name}_{}", std::process::id());
    let mut opts = ClickHouseOptions::from_url(&format!("{base}/{db}"))?;
    opts.max_outage = std::time::Duration::from_secs(30);
    let s = ClickHouseStore::connect(opts).await?;
    s.drop_all_for_tests().await?;
    Ok(Some(s.options().clone()))
}
