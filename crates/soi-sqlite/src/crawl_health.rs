//! Extraction health rows ([`CrawlHealthStore`]) in the embedded file: one JSON body per crawl,
//! keyed by marketplace and time (microseconds, so two crawls never share a key); the first row
//! of a key is kept.

use async_trait::async_trait;
use rusqlite::params;
use soi_store::{CrawlHealthRow, CrawlHealthStore, StoreError};

use crate::console::{at, body, rows};
use crate::SqliteStore;

#[async_trait]
impl CrawlHealthStore for SqliteStore {
    async fn put_crawl_health(&self, row: &CrawlHealthRow) -> Result<(), StoreError> {
        let (m, t, b) = (row.marketplace.clone(), at(&row.at), body(row)?);
        self.with_conn(move |c| {
            c.execute(
                "INSERT OR IGNORE INTO crawl_health (marketplace, at, body) VALUES (?1, ?2, ?3)",
                params![m, t, b],
            )?;
            Ok(())
        })
        .await
    }

    async fn crawl_health(
        &self,
        marketplace: Option<&str>,
        limit: usize,
    ) -> Result<Vec<CrawlHealthRow>, StoreError> {
        let m = marketplace.map(str::to_string);
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.with_read(move |c| match &m {
            Some(m) => rows(
                c,
                "crawl_health",
                "SELECT marketplace || '/' || at, body FROM crawl_health WHERE marketplace = ?1
                 ORDER BY at DESC LIMIT ?2",
                params![m, limit],
            ),
            None => rows(
                c,
                "crawl_health",
                "SELECT marketplace || '/' || at, body FROM crawl_health
                 ORDER BY at DESC, marketplace LIMIT ?1",
                params![limit],
            ),
        })
        .await
    }
}
