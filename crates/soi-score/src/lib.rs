//! The scoring core (seam only; filled in by the scoring-core work).
//!
//! Every listing passes through a [`Scorer`]. `soi run`, `soi score` and the distributed scorer
//! call nothing else, so the scorer behind it can change (rules, the fast n-gram tier, the encoder
//! cascade) without touching the stages.

use soi_model::{Listing, Verdict};

/// Scores batches of listings. Implementations are loaded once and shared between threads.
pub trait Scorer: Send + Sync {
    /// Name and version of the model, written into every verdict.
    fn model(&self) -> &str;
    /// One verdict per listing, in the same order.
    fn score(&self, listings: &[Listing]) -> Vec<Verdict>;
}
