//! Where seller links live: the identifiers seen so far (each with its first holder), the
//! near-text signatures of the listings that hold a text band, and the links found between
//! sellers, with the quoted evidence on both sides.
//!
//! Why the store and not memory: linking has to be incremental (a listing crawled today must link
//! to a seller seen last month) and survive restarts, on one machine and on many. So the state of
//! the union-find's blocking keys is kept in the store ([`KeyHolder`], first holder only: memory
//! and rows grow with distinct identifiers, not with pairs), the link stage asks it for the holders
//! of a batch's keys in one call and writes what it found in one call ([`LinkBatch`]). Clusters are
//! the connected components of the stored links: read by walking them from one seller
//! ([`network`]) or by joining every linked pair ([`LinkStore::link_pairs`]).
//!
//! Every write is idempotent: a key keeps its first holder, a link (the same two sellers, kind and
//! value) is stored once, so a batch delivered twice changes nothing.

mod network;
mod types;

pub use network::{cluster_sizes, network, Network};
pub use types::{kind_words, KeyHolder, LinkBatch, LinkRow, LinkSide, ListingSignature, SellerRef};

use async_trait::async_trait;

use crate::StoreError;

/// The link state, on either store.
#[async_trait]
pub trait LinkStore: Send + Sync {
    /// The holders of these `(kind, value)` keys; keys nobody holds yet are absent.
    async fn key_holders(&self, keys: &[(String, String)]) -> Result<Vec<KeyHolder>, StoreError>;
    /// The stored signatures of these `(marketplace, listing_id)` listings.
    async fn signatures(
        &self,
        listings: &[(String, String)],
    ) -> Result<Vec<ListingSignature>, StoreError>;
    /// Writes what one batch found. A key already held keeps its holder, a signature already
    /// stored is kept, a link already stored is not stored again. Returns the links new here.
    async fn put_link_batch(&self, batch: &LinkBatch) -> Result<usize, StoreError>;
    /// Every link with one of these sellers on either side, oldest first.
    async fn links_touching(&self, sellers: &[SellerRef]) -> Result<Vec<LinkRow>, StoreError>;
    /// Every distinct pair of linked sellers (for cluster sizes).
    async fn link_pairs(&self) -> Result<Vec<(SellerRef, SellerRef)>, StoreError>;
}
