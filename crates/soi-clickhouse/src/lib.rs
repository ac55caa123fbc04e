//! The ClickHouse implementation of the store seam, for when one SQLite file is not enough.
//!
//! Why it is built this way:
//! - **Same answers as the embedded store.** Every table is a `ReplacingMergeTree` keyed by
//!   `(marketplace, id)` with a version column, and every analyst query reads with `FINAL`, so a
//!   replayed message (at-least-once delivery) collapses onto its key. Writes first read the
//!   content hashes of the batch's keys and insert only rows whose content changed, exactly like
//!   the embedded store, so "rows changed" means the same thing in both.
//! - **Reports read the same rows**: [`soi_store::ReportSource`] answers what the embedded
//!   store answers for a cross-border report (same filters, same order).
//! - **Seller facts are merged, not replaced**: the seller rows of a batch are read, merged with
//!   [`soi_store::merge_seller`] and written back whole.
//! - **Analysts query a per-seller summary** (`seller_risk_summary`), a view over each listing's
//!   latest verdict (`verdicts FINAL`), as the flagged-sellers query and SQLite count: a listing
//!   rescored below the threshold stops counting, and replays do not inflate anything. An
//!   incremental aggregate cannot do this (it cannot take back a superseded version).
//! - **Outages are waited out.** Every call retries with exponential backoff while the server is
//!   unreachable, up to a configurable limit; the sink holds its batch meanwhile, which holds the
//!   bus (backpressure) instead of buffering without bound.
//! - **The analysts' console keeps its records here too** ([`soi_store::ConsoleStore`]): users,
//!   labels, case versions and the hash-chained audit log, as JSON bodies (`console` says why).
//! - **Seller links are kept here too** ([`soi_store::LinkStore`]): each identifier's first
//!   holder, the near-text signatures and the links, first row kept (`links` says why).
//! - **Hotline complaints are kept here too** ([`soi_store::ComplaintStore`]): each complaint's
//!   latest version as a JSON body, and the sellers it names, each link once (`complaints` says
//!   why).
//! - **SQL that old and new servers accept**: Debian's 18.16 and current releases (no
//!   `DateTime64`, no window functions, one `JOIN` per `SELECT`, `ANY` joins with `USING`). Rows
//!   travel as RowBinary without schema validation (18.16 lacks the metadata the check needs).

mod admin;
mod client;
mod complaints;
mod console;
mod crawl_health;
mod details;
mod drift;
mod error;
mod history;
mod links;
mod migrate;
mod read;
mod report;
mod rows;
mod write;

pub use admin::{fresh_test_database, SellerRisk};
pub use client::{ClickHouseOptions, ClickHouseStore};
pub use error::ClickHouseError;
