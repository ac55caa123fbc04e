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
//!
//! Everything from outside passes the same boundary ([`Listing::prepare`], [`Seller::prepare`],
//! the deserialisers): text fields are capped, countries are ISO alpha-2 or unknown, ids cannot
//! make keys ambiguous and dates lie in a sane range, so no later stage has to guard against a
//! hostile record.

mod bounds;
mod caps;
mod complaint;
mod country;
mod envelope;
mod error;
mod listing;
mod scored;
mod seller;
mod span;
mod verdict;

pub use bounds::{check_date, check_id, escape_id, EARLIEST, LATEST, MAX_ID_CHARS};
pub use caps::{
    cap_string, MAX_DESCRIPTION_CHARS, MAX_LABEL_CHARS, MAX_REVIEWS, MAX_REVIEW_CHARS,
    MAX_TITLE_CHARS, MAX_URL_CHARS,
};
pub use complaint::Complaint;
pub use country::{country_code, ISO_3166_ALPHA2};
pub use envelope::{Envelope, Kind, SCHEMA_VERSION};
pub use error::ModelError;
pub use listing::{Listing, Review};
pub use scored::Scored;
pub use seller::Seller;
pub use span::{char_len, char_slice, char_span_of_bytes, truncate_chars};
pub use verdict::{Reason, Verdict, MAX_EVIDENCE_CHARS};
