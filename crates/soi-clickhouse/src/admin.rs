//! Operations beside the `Store` seam: the per-seller summary, and cleaning up test databases.

use clickhouse::Row;
use serde::Deserialize;

use crate::{ClickHouseError, ClickHouseStore};

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
