//! The classifier heads by name. Every tier, the fusion, the training sets and the model files
//! speak of the same five heads; an enum makes a misspelt head a compile error in code and a clear
//! error in a model or config file, instead of a head silently never matching. Serialised as the
//! snake_case names the verdicts and model files have always used (`"scam"`, `"review_spam_type"`).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::ScoreError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Head {
    /// Scam text (listing title and description).
    Scam,
    /// Misleading sales pressure (listing text).
    MisleadingClaim,
    /// A spam review (binary).
    ReviewSpam,
    /// ViSpamReviews' `SpamLabel`: none, fake review, brand-only, irrelevant/ads.
    ReviewSpamType,
    /// A deceptive (fake positive) review.
    DeceptiveReview,
}

impl Head {
    /// Every head, in the order of the fast model's lanes.
    pub const ALL: [Head; 5] = [
        Head::Scam,
        Head::MisleadingClaim,
        Head::ReviewSpam,
        Head::ReviewSpamType,
        Head::DeceptiveReview,
    ];

    /// The name in verdicts, model files and configs.
    pub fn as_str(self) -> &'static str {
        match self {
            Head::Scam => "scam",
            Head::MisleadingClaim => "misleading_claim",
            Head::ReviewSpam => "review_spam",
            Head::ReviewSpamType => "review_spam_type",
            Head::DeceptiveReview => "deceptive_review",
        }
    }

    /// Number of classes: 2 for the binary heads.
    pub fn classes(self) -> usize {
        match self {
            Head::ReviewSpamType => 4,
            _ => 2,
        }
    }

    /// The `source` of the reasons this head gives (`head:scam`).
    pub fn source(self) -> &'static str {
        match self {
            Head::Scam => "head:scam",
            Head::MisleadingClaim => "head:misleading_claim",
            Head::ReviewSpam => "head:review_spam",
            Head::ReviewSpamType => "head:review_spam_type",
            Head::DeceptiveReview => "head:deceptive_review",
        }
    }
}

impl fmt::Display for Head {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Head {
    type Err = ScoreError;

    fn from_str(s: &str) -> Result<Head, ScoreError> {
        Head::ALL
            .into_iter()
            .find(|h| h.as_str() == s)
            .ok_or_else(|| ScoreError::UnknownHead(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_through_text_and_serde() {
        for h in Head::ALL {
            assert_eq!(h.as_str().parse::<Head>().unwrap(), h);
            let json = serde_json::to_string(&h).unwrap();
            assert_eq!(json, format!("\"{}\"", h.as_str()));
            assert_eq!(serde_json::from_str::<Head>(&json).unwrap(), h);
            assert_eq!(h.source(), format!("head:{h}"));
        }
        assert!(matches!(
            "Scam".parse::<Head>(),
            Err(ScoreError::UnknownHead(n)) if n == "Scam"
        ));
    }
}
