//! Classifier tiers. The fast n-gram tier answers for every text; a second tier (the encoder, in
//! `soi-encoder`) answers only for listings whose fused risk falls in the uncertain band.

use crate::Head;

/// Calibrated head probabilities for one text. A tier leaves out the heads it does not have.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct HeadProbs {
    pub scam: Option<f64>,
    pub misleading_claim: Option<f64>,
    pub review_spam: Option<f64>,
    /// Probabilities of ViSpamReviews' `SpamLabel`: none, fake review, brand-only, irrelevant/ads.
    pub review_spam_type: Option<[f64; 4]>,
    pub deceptive_review: Option<f64>,
}

impl HeadProbs {
    /// A binary head (`None` for the multi-class `review_spam_type`).
    pub fn get(&self, head: Head) -> Option<f64> {
        match head {
            Head::Scam => self.scam,
            Head::MisleadingClaim => self.misleading_claim,
            Head::ReviewSpam => self.review_spam,
            Head::DeceptiveReview => self.deceptive_review,
            Head::ReviewSpamType => None,
        }
    }

    /// Sets a binary head (the multi-class `review_spam_type` is left alone).
    pub fn set(&mut self, head: Head, p: Option<f64>) {
        match head {
            Head::Scam => self.scam = p,
            Head::MisleadingClaim => self.misleading_claim = p,
            Head::ReviewSpam => self.review_spam = p,
            Head::DeceptiveReview => self.deceptive_review = p,
            Head::ReviewSpamType => {}
        }
    }

    /// Overwrites the heads `other` has.
    pub fn merge(&mut self, other: &HeadProbs) {
        self.scam = other.scam.or(self.scam);
        self.misleading_claim = other.misleading_claim.or(self.misleading_claim);
        self.review_spam = other.review_spam.or(self.review_spam);
        self.review_spam_type = other.review_spam_type.or(self.review_spam_type);
        self.deceptive_review = other.deceptive_review.or(self.deceptive_review);
    }
}

/// A text classifier that answers for every text (the fast tier).
pub trait TextTier: Send + Sync {
    fn name(&self) -> &str;
    /// Calibrated probabilities for one text.
    fn predict(&self, text: &str) -> HeadProbs;
    /// The decision threshold tuned for a binary head.
    fn threshold(&self, _head: Head) -> Option<f64> {
        None
    }
    /// A threshold tuned for `head` on one marketplace's analyst labels, when there is one.
    fn marketplace_threshold(&self, _head: Head, _marketplace: &str) -> Option<f64> {
        None
    }
    /// The byte range of `text` that pushed `head` up the most (the evidence of a head reason).
    fn top_span(&self, _head: Head, _text: &str) -> Option<(usize, usize)> {
        None
    }
}

/// The heads the scorer reads on a listing's own text (title and description); the review heads
/// read the listing's reviews. Only these are handed to a second tier.
pub const LISTING_HEADS: [Head; 2] = [Head::Scam, Head::MisleadingClaim];

/// A slower tier consulted only for listings in the uncertain band (the seam for the encoder,
/// `soi-encoder`).
pub trait SecondTier: Send + Sync {
    fn name(&self) -> &str;
    /// The cascade's probabilities for each text, given the fast tier's (`fast[i]` for
    /// `texts[i]`): the tier decides how far to trust itself over the fast tier, and whether to
    /// read a text at all. `None` for a text means the tier did not weigh in (the fast tier's
    /// answer stands and no reason mentions the tier); heads left `None` in an answer keep the
    /// fast tier's.
    fn predict_batch(&self, texts: &[&str], fast: &[HeadProbs]) -> Vec<Option<HeadProbs>>;
}
