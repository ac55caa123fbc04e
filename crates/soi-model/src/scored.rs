use serde::{Deserialize, Serialize};

use crate::{Listing, ModelError, Verdict};

/// A listing together with the verdict the scorer gave it: what the score stage hands to the sink,
/// so that the listing and its verdict are stored in one step and can never drift apart.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Scored {
    pub listing: Listing,
    pub verdict: Verdict,
}

impl Scored {
    /// Checks both halves ([`Listing::validate`], [`Verdict::validate`]).
    pub fn validate(&self) -> Result<(), ModelError> {
        self.listing.validate()?;
        self.verdict.validate()
    }
}
