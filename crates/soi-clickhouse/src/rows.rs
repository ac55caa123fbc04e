//! Row types as they travel to and from ClickHouse (RowBinary: field order = column order).

use clickhouse::Row;
use serde::{Deserialize, Serialize};

#[derive(Debug, Row, Serialize)]
pub struct ListingRow {
    pub marketplace: String,
    pub id: String,
    pub seller_id: String,
    pub title: String,
    pub observed_at: u32,
    pub evidence_sha256: String,
    pub body: String,
    pub content_hash: String,
    pub version: u64,
}

#[derive(Debug, Row, Serialize)]
pub struct SellerRow {
    pub marketplace: String,
    pub id: String,
    pub name: String,
    pub country: String,
    pub cross_border: u8,
    pub body: String,
    pub content_hash: String,
    pub version: u64,
}

#[derive(Debug, Row, Serialize)]
pub struct VerdictRow {
    pub marketplace: String,
    pub listing_id: String,
    pub seller_id: String,
    pub risk: f64,
    pub model: String,
    pub scored_at: u32,
    pub body: String,
    pub content_hash: String,
    pub version: u64,
}

/// `(key, content_hash)` of a stored row, key = `marketplace/id`.
#[derive(Debug, Row, Deserialize)]
pub struct KeyHash {
    pub key: String,
    pub content_hash: String,
}

/// `(key, body)` of a stored row.
#[derive(Debug, Row, Deserialize)]
pub struct KeyBody {
    pub key: String,
    pub body: String,
}

#[derive(Debug, Row, Deserialize)]
pub struct SellerAgg {
    pub marketplace: String,
    pub seller_id: String,
    pub flagged: u64,
    pub total: u64,
    pub max_risk: f64,
    pub mean_risk: f64,
    pub first_seen: u32,
    pub last_seen: u32,
    pub name: String,
    pub country: String,
    pub cross_border: u8,
}

#[derive(Debug, Row, Deserialize)]
pub struct Count {
    pub n: u64,
}

/// The stored bodies of one report row.
#[derive(Debug, Row, Deserialize)]
pub struct ReportBodies {
    pub marketplace: String,
    pub listing_id: String,
    pub listing: String,
    pub verdict: String,
    pub seller: String,
}
