//! What can go wrong when a listing is added to the [`crate::Linker`].

use thiserror::Error;

/// Errors of the linker. Linking never fails on the text itself: a listing with nothing to link
/// on simply adds no keys.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum LinkError {
    /// The listing carries no seller, and none was given: there is nobody to link.
    #[error("listing `{listing}` has no seller to link")]
    NoSeller { listing: String },
    /// More sellers or listings than the compact 32-bit indexes hold (about 4 billion).
    #[error("too many {what} for one linker (limit {limit})")]
    Capacity { what: &'static str, limit: u32 },
}
