//! The domain model every `soi` stage speaks: listings, sellers, reviews, verdicts and the reasons
//! behind a verdict.
//!
//! Why a crate of its own: the crawler, the scorer, the store, the bus and outside systems that call
//! `soi score` all exchange these records, so their field names are a contract. Keeping them in one
//! small crate with no I/O lets every stage depend on it without dragging in the others.
//!
//! Every record travels as JSON. Messages on the bus are wrapped in an [`Envelope`] that carries a
//! schema version, so a consumer can refuse (and dead-letter) a message from a newer producer
//! instead of misreading it.

mod envelope;
mod error;
mod listing;
mod scored;
mod seller;
mod span;
mod verdict;

pub use envelope::{Envelope, Kind, SCHEMA_VERSION};
pub use error::ModelError;
pub use listing::{Listing, Review};
pub use scored::Scored;
pub use seller::Seller;
pub use span::{char_len, char_slice, char_span_of_bytes};
pub use verdict::{Reason, Verdict};
