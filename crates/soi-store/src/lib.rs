//! The store seam: where listings, sellers and verdicts land and where analysts' queries read.
//!
//! Why a trait: the embedded default is one SQLite file on disk (`soi-sqlite`: no server to run,
//! WAL so readers never block the writer), and at scale the same queries run on ClickHouse
//! (`soi-clickhouse`). The CLI and the sink stage only see [`Store`]. This crate holds only the
//! seam: the traits, the row shapes, the rules every store shares (canonical rows, content
//! hashes, seller merging, reason summaries), the errors, and — behind the `conformance` feature —
//! the checks every implementation's tests run.
//!
//! Writes are idempotent upserts keyed by `(marketplace, id)`. A row is rewritten only when its
//! content changed; volatile fields (when a page was observed, when a verdict was computed) do
//! not count as a change. So replaying the same input, or running the same crawl twice, leaves
//! the store exactly as it was — which is what at-least-once delivery needs.

//!
//! Two more seams sit beside [`Store`]: [`AlertOutbox`] (alerts are queued by `put_scored` in the
//! same transaction as the verdict that raised them, when the store was given [`AlertRules`];
//! the dispatcher in `soi-alert` drains them) and [`ReportSource`] (the rows of cross-border
//! reports). They are separate traits so that `Store`'s other implementations need not grow them.

pub mod alert;
mod canonical;
pub mod complaints;
#[cfg(feature = "conformance")]
pub mod conformance;
pub mod console;
pub mod crawl_health;
pub mod drift;
mod error;
mod hash;
pub mod history;
pub mod links;
mod merge;
mod outbox;
mod query;
mod reasons;
mod report;

pub use alert::{
    Alert, AlertQuery, AlertRule, AlertRules, AlertState, Attempt, Delivery, DeliveryLogEntry,
    DeliveryStatus, RuleKind, Severity, Tlp,
};
pub use canonical::{parse_stored, stored_listing, stored_verdict};
pub use complaints::ComplaintStore;
pub use console::ConsoleStore;
pub use crawl_health::{CrawlHealthRow, CrawlHealthStore};
pub use error::StoreError;
pub use hash::content_hash;
pub use history::{order_history, HistoryOf, ListingScan};
pub use links::LinkStore;
pub use merge::{first_sighting, merge_seller};
pub use outbox::{AlertOutbox, OutboxCounts};
pub use query::{ListingDetail, ReasonSummary, SellerQuery, SellerSummary, StoreCounts};
pub use reasons::summarize_reasons;
pub use report::{ReportQuery, ReportRow, ReportSource};

use async_trait::async_trait;
use soi_model::{Scored, Seller};

/// What the sink writes and the analysts' tools read.
#[async_trait]
pub trait Store: Send + Sync {
    /// Stores listings with their verdicts (and the sellers embedded in them) in one step.
    /// Returns how many rows changed.
    async fn put_scored(&self, batch: Vec<Scored>) -> Result<usize, StoreError>;
    /// Stores seller facts, merged with what is known of each seller. Returns rows changed.
    async fn put_sellers(&self, batch: Vec<Seller>) -> Result<usize, StoreError>;
    /// Sellers with flagged listings, riskiest first.
    async fn flagged_sellers(&self, q: &SellerQuery) -> Result<Vec<SellerSummary>, StoreError>;
    /// One listing with its verdict and seller. `marketplace` may be omitted when the id is
    /// unique across marketplaces.
    async fn listing(
        &self,
        marketplace: Option<&str>,
        id: &str,
    ) -> Result<Option<ListingDetail>, StoreError>;
    /// The keys `(marketplace, id)` of a seller's listings, in key order; `marketplace` may be
    /// omitted when the seller id is unique across marketplaces.
    async fn seller_listings(
        &self,
        marketplace: Option<&str>,
        seller_id: &str,
    ) -> Result<Vec<(String, String)>, StoreError>;
    /// Every listing of one seller with its verdict, in key order (the console's seller page).
    /// The default asks [`Store::seller_listings`] and then [`Store::listing`] per key; a store
    /// answers it in one round trip where it can.
    async fn seller_details(
        &self,
        marketplace: &str,
        seller_id: &str,
    ) -> Result<Vec<ListingDetail>, StoreError> {
        let mut out = vec![];
        for (m, id) in self.seller_listings(Some(marketplace), seller_id).await? {
            if let Some(d) = self.listing(Some(&m), &id).await? {
                out.push(d);
            }
        }
        Ok(out)
    }
    /// Every verdict the store has held for one listing or for a seller's listings ([`history`]):
    /// by listing id, each listing's oldest first and its current verdict last.
    async fn verdict_history(
        &self,
        marketplace: &str,
        of: HistoryOf<'_>,
    ) -> Result<Vec<soi_model::Verdict>, StoreError>;
    /// One page of stored listings in key order, each with its current verdict and seller
    /// (the walk `soi rescore` makes, [`ListingScan`]).
    async fn stored_listings(&self, q: &ListingScan) -> Result<Vec<ListingDetail>, StoreError>;
    /// Row counts per table.
    async fn counts(&self) -> Result<StoreCounts, StoreError>;
    /// The score distribution per marketplace, head and UTC day from `since` on, each listing
    /// counted once by its latest verdict ([`drift`]).
    async fn score_days(
        &self,
        since: chrono::NaiveDate,
    ) -> Result<Vec<drift::ScoreDay>, StoreError>;
    /// Whether the store answers now, asked once without waiting out an outage (readiness
    /// probes). An embedded file store is there while its process is.
    async fn ping(&self) -> Result<(), StoreError> {
        Ok(())
    }
}
