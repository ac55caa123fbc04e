//! STIX 2.1 bundles for CERTs and police systems, built from stored listings, sellers and
//! verdicts. Used by alert payloads (one listing) and by cross-border reports (many).
//!
//! Every id is derived from stable keys (see [`ids`]) and every timestamp from the data, so the
//! same input always gives the same bytes.

mod builder;
pub mod ids;
mod indicators;
pub mod tlp;

pub use builder::BundleBuilder;

use chrono::{DateTime, SecondsFormat, Utc};

/// STIX timestamp: RFC 3339, UTC, milliseconds.
pub fn stix_time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}
