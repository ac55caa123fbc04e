//! Verdict history, and the walk over stored listings that rescoring needs.
//!
//! Why: a verdict is rewritten when a listing is scored again and the answer changed (a new
//! model, a new policy). Analysts and courts still need to see what the store said before, and
//! by which model: a seller flagged last month and cleared today must not look as if it had
//! never been flagged. So every store keeps each verdict it replaces, with its model version,
//! and answers a listing's or a seller's history oldest first, the current verdict last.
//!
//! `soi rescore --since DATE` walks the stored listings in key order ([`ListingScan`]), scores
//! each again and writes the verdicts through [`crate::Store::put_scored`], which keeps the
//! replaced ones here.

use chrono::{DateTime, Utc};
use soi_model::Verdict;

/// Whose verdicts [`crate::Store::verdict_history`] returns (on one marketplace).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HistoryOf<'a> {
    /// One listing, by id.
    Listing(&'a str),
    /// Every listing of one seller, by seller id.
    Seller(&'a str),
}

impl<'a> HistoryOf<'a> {
    /// The verdict column the history is looked up by (`listing_id` or `seller_id`, as both
    /// stores name it) and the id to look up.
    pub fn key(self) -> (&'static str, &'a str) {
        match self {
            HistoryOf::Listing(id) => ("listing_id", id),
            HistoryOf::Seller(id) => ("seller_id", id),
        }
    }
}

/// One page of stored listings in key order ([`crate::Store::stored_listings`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListingScan {
    /// Listings observed at or after this time; a listing with no observation time is always
    /// included (the store cannot tell when it was seen, and rescoring it again is harmless).
    pub since: Option<DateTime<Utc>>,
    pub marketplace: Option<String>,
    /// Only listings after this key `(marketplace, id)`: the last key of the previous page.
    pub after: Option<(String, String)>,
    /// Listings per page; 0 answers nothing.
    pub limit: usize,
}

/// Puts verdicts read in the store's write order into history order: by listing id, and within
/// a listing in write order (a stable sort), with exact repeats of one write dropped (a retried
/// insert may have written a row twice).
pub fn order_history(mut v: Vec<Verdict>) -> Vec<Verdict> {
    v.sort_by(|a, b| a.listing_id.cmp(&b.listing_id));
    v.dedup();
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(id: &str, model: &str, risk: f64) -> Verdict {
        Verdict {
            listing_id: id.into(),
            marketplace: "m".into(),
            model: model.into(),
            risk,
            ..Default::default()
        }
    }

    #[test]
    fn history_is_by_listing_in_write_order_without_repeats() {
        let got = order_history(vec![
            v("2", "a", 0.1),
            v("1", "a", 0.9),
            v("1", "b", 0.2),
            v("1", "b", 0.2),
            v("2", "b", 0.7),
            v("1", "a", 0.9),
        ]);
        let keys: Vec<(&str, &str)> = got
            .iter()
            .map(|v| (v.listing_id.as_str(), v.model.as_str()))
            .collect();
        assert_eq!(
            keys,
            [("1", "a"), ("1", "b"), ("1", "a"), ("2", "a"), ("2", "b")]
        );
    }
}
