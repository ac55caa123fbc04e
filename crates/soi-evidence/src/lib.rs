//! Evidence that holds up: soi's captured pages, sealed into signed batches with trusted time.
//!
//! The evidence store (`soi_crawl::evidence`) keeps every fetched page by sha256, which proves a
//! body did not change since soi stored it, but not *when* it was captured or *by whom*. This crate
//! adds both, the way web archives do:
//!
//! - **Who**: the installation's Ed25519 key ([`keys`]) signs each batch's [`manifest`] (the sha256,
//!   URL, time and status of every capture in it), so a recipient with only the public key can check
//!   that the list is the one this installation made.
//! - **When**: an RFC 3161 time-stamping authority named in `pipelines/evidence.toml` ([`config`])
//!   timestamps the manifest's sha256 ([`tsa`], [`tsp`], [`token`]). A TSA cannot be asked to
//!   backdate, so the token proves the captures existed by then. With no TSA configured the batches
//!   are signed only.
//! - **Batches** ([`seal`], [`batches`]): one per crawl, and at most every `batch_minutes` within a
//!   long crawl, through the store's capture hook. A crawl with the TSA down still captures and
//!   signs; the batch waits for its token until the next crawl or `soi evidence timestamp`
//!   ([`timestamp`]).
//! - **Anyone can check** ([`verify`]): every body's hash, every manifest's signature and every
//!   timestamp token, each failure named by capture or batch and by check.
//! - **Packages** ([`package`], [`package_verify`]): a listing's captures as a signed WACZ 1.1.1
//!   file with the batches that cover them, checkable away from this installation.
//! - **Chain of custody** ([`custody`]): every export, package and verification appended to
//!   `evidence/custody.jsonl` (who, where, when, what, which hashes, outcome), each entry chained
//!   to the one before by sha256, so an edited or removed entry is named.

pub mod batches;
pub mod config;
pub mod crawl;
pub mod custody;
pub mod datapackage;
mod error;
pub mod keys;
pub mod manifest;
pub mod package;
pub mod package_read;
pub mod package_verify;
pub mod seal;
pub mod timestamp;
pub mod token;
pub mod tsa;
pub mod tsp;
pub mod verify;

pub use batches::Batches;
pub use config::{EvidenceConfig, TsaConfig};
pub use crawl::CrawlEvidence;
pub use error::{
    ChainBreak, ConfigError, CustodyError, Error, KeyError, PackageError, SealError,
    TimestampError, TspError,
};
pub use manifest::{Capture, Manifest};
pub use package::{PackageRequest, PackageSummary};
pub use package_verify::{verify_package, verify_package_file};
pub use seal::Sealer;
pub use verify::{verify_all, Check, Failure, Report, Subject};
