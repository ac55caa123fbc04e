//! Seller-account linking for `soi`.
//!
//! Why: a scam operation rarely runs one account. When a shop is taken down it reopens under a
//! new name, on the same marketplace or the next one, and keeps the things it cannot easily
//! change: the phone and Zalo number buyers are lured to, the bank account or e-wallet the
//! "deposit" goes to, its own website, its shop name, and the description it copies from account
//! to account. An analyst who can see that twenty accounts share one bank account can act on the
//! operation, not on one listing.
//!
//! How:
//! - [`keys`] extracts a listing's strong identifiers ([`LinkKey`]: a [`LinkKind`], a normalised
//!   value, the quoted [`Evidence`]) from its title, description and seller name, with
//!   `soi_text::extract`. Weak evidence never makes a key: a bare "Zalo" or "MoMo" without a
//!   number, a marketplace's or a platform's domain ([`domain`]), a generic shop name
//!   ([`shopname`]), a text too short to be distinctive.
//! - [`minhash`] turns descriptions into MinHash signatures and LSH band keys, so copied text
//!   with a word changed is found without comparing every pair.
//! - [`Linker`] takes listings as they arrive and joins sellers that share a key in a union-find,
//!   keeping per key only its first holder; [`Linker::cluster`] answers "who else is this seller"
//!   with every [`Link`] and the evidence on both sides.
//!
//! The crate does no I/O and holds no model: it is fed listings by the pipeline or a batch job.

pub mod complaint;
pub mod domain;
mod error;
mod intern;
pub mod keys;
mod linker;
pub mod minhash;
pub mod shopname;
pub mod synth;
mod types;
mod unionfind;

pub use error::LinkError;
pub use keys::{extract, keys, Extracted};
pub use linker::{Linker, Stats};
pub use types::{Cluster, Evidence, Link, LinkKey, LinkKind, SellerKey, Side};
