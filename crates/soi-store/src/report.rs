//! The report seam: the rows a cross-border report is built from.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::Serialize;
use soi_model::{Listing, Seller, Verdict};

use crate::{parse_stored, StoreError};

/// Which flagged listings of cross-border sellers a report covers.
#[derive(Debug, Clone)]
pub struct ReportQuery {
    /// Listings observed (else scored) at or after this time.
    pub from: DateTime<Utc>,
    /// ... and before this time.
    pub to: DateTime<Utc>,
    /// Seller country (ISO alpha-2), any when `None`.
    pub country: Option<String>,
    pub marketplace: Option<String>,
    /// Listings at or above this risk count as flagged.
    pub min_risk: f64,
}

/// One flagged listing of a cross-border seller, with its verdict and seller.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportRow {
    pub listing: Listing,
    pub verdict: Verdict,
    pub seller: Seller,
}

impl ReportRow {
    /// The row from the stored JSON bodies of listing `key` (`marketplace/id`), its verdict and
    /// its seller; a body that does not parse is a [`StoreError::Corrupt`] naming its table.
    pub fn from_bodies(
        key: &str,
        listing: &str,
        verdict: &str,
        seller: &str,
    ) -> Result<ReportRow, StoreError> {
        Ok(ReportRow {
            listing: parse_stored("listings", key, listing)?,
            verdict: parse_stored("verdicts", key, verdict)?,
            seller: parse_stored("sellers", key, seller)?,
        })
    }

    /// The time the report files this listing under: when it was observed, else scored.
    pub fn seen_at(&self) -> DateTime<Utc> {
        self.listing.observed_at.unwrap_or(self.verdict.scored_at)
    }
}

impl ReportQuery {
    /// Whether `row` falls in the query's time range (`from` included, `to` excluded). Stores
    /// filter the time on parsed times, so rows written with any RFC 3339 spelling compare
    /// correctly.
    pub fn covers(&self, row: &ReportRow) -> bool {
        let t = row.seen_at();
        t >= self.from && t < self.to
    }
}

#[async_trait]
pub trait ReportSource: Send + Sync {
    /// Flagged listings of cross-border sellers, ordered by marketplace, seller and listing id.
    async fn cross_border_rows(&self, q: &ReportQuery) -> Result<Vec<ReportRow>, StoreError>;
}
