//! Extraction health rows ([`CrawlHealthStore`]) in ClickHouse (migration 7): the row's JSON as
//! `body`, keyed by marketplace and time in microseconds. The first row of a key is kept: `keep`
//! falls with every write, and reads take `argMax(body, keep)` per key, so a second write of
//! the same crawl never shows, before or after a merge.

use async_trait::async_trait;
use clickhouse::Row;
use serde::Serialize;
use soi_store::{parse_stored, CrawlHealthRow, CrawlHealthStore, StoreError};

use crate::rows::KeyBody;
use crate::write::next_version;
use crate::ClickHouseStore;

#[derive(Debug, Row, Serialize)]
struct HealthRow {
    marketplace: String,
    at: i64,
    body: String,
    keep: u64,
}

/// The newest rows first, each key once (its first write).
const HEALTH_SQL: &str = "SELECT concat(marketplace, '/', toString(at)) AS key,
        argMax(body, keep) AS first FROM crawl_health
     WHERE (? = 0 OR marketplace = ?)
     GROUP BY marketplace, at ORDER BY at DESC, marketplace LIMIT ?";

#[async_trait]
impl CrawlHealthStore for ClickHouseStore {
    async fn put_crawl_health(&self, row: &CrawlHealthRow) -> Result<(), StoreError> {
        let key = format!("crawl health {}/{}", row.marketplace, row.at);
        let body = serde_json::to_string(row).map_err(|e| StoreError::Content {
            key: key.clone(),
            why: e.to_string(),
        })?;
        let r = HealthRow {
            marketplace: row.marketplace.clone(),
            at: row.at.timestamp_micros(),
            body,
            keep: u64::MAX - next_version(),
        };
        tracing::debug!(%key, "writing crawl health");
        Ok(self.insert_rows("crawl_health", &[r]).await?)
    }

    async fn crawl_health(
        &self,
        marketplace: Option<&str>,
        limit: usize,
    ) -> Result<Vec<CrawlHealthRow>, StoreError> {
        let (one, m) = (
            u8::from(marketplace.is_some()),
            marketplace.unwrap_or_default(),
        );
        let limit = u64::try_from(limit).unwrap_or(u64::MAX);
        let rows: Vec<KeyBody> = self
            .retry("crawl health read", || {
                self.client
                    .query(HEALTH_SQL)
                    .bind(one)
                    .bind(m)
                    .bind(limit)
                    .fetch_all::<KeyBody>()
            })
            .await?;
        rows.iter()
            .map(|r| parse_stored("crawl_health", &r.key, &r.body))
            .collect()
    }
}
