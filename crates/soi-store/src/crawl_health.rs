//! Extraction health in the store: one row per marketplace and crawl with how many pages and
//! items it read, the fill rate of every field, and the warnings it raised when a rate fell well
//! below its recent level (computed by the crawler, `soi_crawl::health`).
//!
//! Why in the store as well as in the crawler's state file: the crawler's state lives on the
//! machine that crawls; the store is where analysts and dashboards look. A marketplace that
//! changed its layout shows there as a falling fill rate, with the crawl that first saw it.

use std::collections::BTreeMap;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::StoreError;

/// One crawl's extraction figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CrawlHealthRow {
    pub marketplace: String,
    /// When the crawl ended.
    pub at: DateTime<Utc>,
    pub pages: usize,
    pub listings: usize,
    pub sellers: usize,
    pub items_per_page: f64,
    /// `listing.price`, `seller.country`, ...: the share of records with the field filled.
    pub fill: BTreeMap<String, f64>,
    /// The warnings of this crawl, one sentence each (empty when healthy).
    pub warnings: Vec<String>,
}

/// Crawl health rows, on either store.
#[async_trait]
pub trait CrawlHealthStore: Send + Sync {
    /// Stores one crawl's row; the same marketplace and time again replaces nothing (first kept).
    async fn put_crawl_health(&self, row: &CrawlHealthRow) -> Result<(), StoreError>;
    /// The newest rows first, of one marketplace or all, at most `limit`.
    async fn crawl_health(
        &self,
        marketplace: Option<&str>,
        limit: usize,
    ) -> Result<Vec<CrawlHealthRow>, StoreError>;
}
