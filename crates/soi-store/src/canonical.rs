//! What a stored row holds and how its content hash is taken, the same way for every store, so
//! that "this row changed" means the same thing in SQLite and in ClickHouse.

use soi_model::{Listing, Seller, Verdict};

use crate::content_hash;

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
