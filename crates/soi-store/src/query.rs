//! What analysts ask the store, and what it answers.

use chrono::{DateTime, Utc};
use serde::Serialize;
use soi_model::{Listing, Seller, Verdict};

/// Filters for the flagged-sellers query. Every filter is optional; `min_risk` defaults to the
/// flag threshold.
#[derive(Debug, Clone)]
pub struct SellerQuery {
    /// Only listings at or above this risk count as flagged.
    pub min_risk: f64,
    pub marketplace: Option<String>,
    /// Seller country, ISO alpha-2.
    pub country: Option<String>,
    /// Listings observed at or after this time.
    pub since: Option<DateTime<Utc>>,
    /// Listings observed before this time.
    pub until: Option<DateTime<Utc>>,
    /// Sellers skipped before the first one answered, in the query's order: page `k` of `n`
    /// rows is `offset = k * n` (the skipped rows' reasons are never read).
    pub offset: usize,
    pub limit: usize,
}

impl Default for SellerQuery {
    fn default() -> Self {
        SellerQuery {
            min_risk: 0.5,
            marketplace: None,
            country: None,
            since: None,
            until: None,
            offset: 0,
            limit: 50,
        }
    }
}

/// One reason code as it appears across a seller's flagged listings, with one quoted example.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReasonSummary {
    pub code: String,
    pub message: String,
    pub message_vi: String,
    /// Flagged listings of this seller that carry the reason.
    pub listings: usize,
    pub example_listing_id: String,
    pub example_field: String,
    pub example_evidence: String,
}

/// A seller with at least one flagged listing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SellerSummary {
    pub marketplace: String,
    pub seller_id: String,
    pub name: Option<String>,
    pub country: Option<String>,
    pub cross_border: bool,
    pub flagged_listings: usize,
    pub total_listings: usize,
    pub max_risk: f64,
    pub mean_risk: f64,
    pub first_seen: Option<DateTime<Utc>>,
    pub last_seen: Option<DateTime<Utc>>,
    /// Most frequent first.
    pub reasons: Vec<ReasonSummary>,
}

/// A listing with everything known about it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ListingDetail {
    pub listing: Listing,
    pub verdict: Option<Verdict>,
    pub seller: Option<Seller>,
}

/// Row counts per table.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct StoreCounts {
    pub listings: u64,
    pub sellers: u64,
    pub verdicts: u64,
}
