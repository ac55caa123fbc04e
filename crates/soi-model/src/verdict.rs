use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{check_date, check_id, ModelError};

/// Most characters a reason quotes as `evidence`.
pub const MAX_EVIDENCE_CHARS: usize = 200;

/// Why a listing was flagged, and exactly where the evidence is.
///
/// `start`/`end` are character offsets into the text of `field` on the listing (see
/// [`crate::Listing::field_text`]); `evidence` repeats the quoted characters so that a reader of the
/// verdict alone sees them: at most [`MAX_EVIDENCE_CHARS`] of them (the start of the span), so a
/// verdict stays small however long the span is; `start`/`end` still cover the whole span.
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
    /// 1970-01-01 ..= 2099-12-31 (see [`crate::EARLIEST`]).
    #[serde(default = "Utc::now", deserialize_with = "crate::bounds::scored_at")]
    pub scored_at: DateTime<Utc>,
}

impl Verdict {
    /// The store and bus key: `marketplace/listing_id`.
    pub fn key(&self) -> String {
        format!("{}/{}", self.marketplace, self.listing_id)
    }

    /// Checks a verdict received from outside: ids that make an unambiguous key, a risk in
    /// [0, 1], `scored_at` in range.
    pub fn validate(&self) -> Result<(), ModelError> {
        check_id("listing_id", &self.listing_id)?;
        check_id("marketplace", &self.marketplace)?;
        if let Some(s) = &self.seller_id {
            check_id("seller_id", s)?;
        }
        if !(0.0..=1.0).contains(&self.risk) {
            return Err(ModelError::Invalid {
                field: "risk",
                why: format!("{} is not in [0, 1]", self.risk),
            });
        }
        check_date("scored_at", &self.scored_at)
    }
}
