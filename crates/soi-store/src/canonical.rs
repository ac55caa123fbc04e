//! What a stored row holds and how its content hash is taken, the same way for every store, so
//! that "this row changed" means the same thing in SQLite and in ClickHouse.

use serde::de::DeserializeOwned;
use soi_model::{Listing, Seller, Verdict};

use crate::{content_hash, StoreError};

/// Fields that change on every observation or scoring without the content changing.
const LISTING_VOLATILE: &[&str] = &["observed_at"];
const VERDICT_VOLATILE: &[&str] = &["scored_at"];

/// The listing as stored (its seller reduced to the reference: seller facts live in their own
/// table) and its content hash.
pub fn stored_listing(l: &Listing) -> (Listing, String) {
    let mut stored = l.clone();
    if let Some(s) = stored.seller.as_mut() {
        *s = Seller::new(&s.marketplace, &s.id);
    }
    let hash = content_hash(&stored, LISTING_VOLATILE);
    (stored, hash)
}

/// The verdict as stored (marketplace filled from its listing) and its content hash.
pub fn stored_verdict(l: &Listing, v: &Verdict) -> (Verdict, String) {
    let mut v = v.clone();
    if v.marketplace.is_empty() {
        v.marketplace = l.marketplace.clone();
    }
    let hash = content_hash(&v, VERDICT_VOLATILE);
    (v, hash)
}

/// A stored JSON body of `table` read back; one that does not parse is a
/// [`StoreError::Corrupt`] naming the table and the row's key.
pub fn parse_stored<T: DeserializeOwned>(
    table: &'static str,
    key: &str,
    body: &str,
) -> Result<T, StoreError> {
    serde_json::from_str(body).map_err(|e| StoreError::Corrupt {
        table,
        key: key.to_string(),
        why: e.to_string(),
    })
}
