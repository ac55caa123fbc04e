use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Why a listing was flagged, and exactly where the evidence is.
///
/// `start`/`end` are character offsets into the text of `field` on the listing (see
/// [`crate::Listing::field_text`]); `evidence` repeats the quoted characters so that a reader of the
/// verdict alone sees them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Reason {
    /// Stable machine code, e.g. `off_platform_contact`, `deposit_before_delivery`.
    pub code: String,
    /// English message for the analyst.
    pub message: String,
    /// Vietnamese message for the analyst.
    #[serde(default)]
    pub message_vi: String,
    pub field: String,
    pub start: usize,
    pub end: usize,
    #[serde(default)]
    pub evidence: String,
    /// The head or signal that produced this reason.
    #[serde(default)]
    pub source: String,
    /// How much this reason added to the risk (on the logit scale of the fusion).
    #[serde(default)]
    pub contribution: f64,
}

/// The scorer's judgement on one listing.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    pub listing_id: String,
    #[serde(default)]
    pub marketplace: String,
    pub seller_id: Option<String>,
    /// Calibrated risk in [0, 1].
    pub risk: f64,
    /// Per-head probabilities, e.g. `scam`, `misleading_claim`.
    pub heads: BTreeMap<String, f64>,
    pub reasons: Vec<Reason>,
    /// Model name and version that produced the verdict.
    pub model: String,
    #[serde(default = "Utc::now")]
    pub scored_at: DateTime<Utc>,
}

impl Verdict {
    /// The store and bus key: `marketplace/listing_id`.
    pub fn key(&self) -> String {
        format!("{}/{}", self.marketplace, self.listing_id)
    }
}
