//! What `soi sellers` and `soi run` add to the store's seller summaries: how many accounts each
//! seller is linked to, and the hotline complaints naming it.

use std::collections::HashMap;

use anyhow::Context;
use soi_store::links::{cluster_sizes, SellerRef};
use soi_store::SellerSummary;

use crate::global::Stores;
use crate::output::SellerSignals;

/// The signals of the sellers shown: every cluster size (from every linked pair), the complaint
/// counts, and the newest complaint of each shown seller that has one.
pub async fn seller_signals(
    all: &Stores,
    shown: &[SellerSummary],
) -> anyhow::Result<SellerSignals> {
    let pairs = all
        .links
        .link_pairs()
        .await
        .context("reading seller links")?;
    let counts: HashMap<SellerRef, usize> = all
        .complaints
        .complaint_counts()
        .await
        .context("counting complaints")?
        .into_iter()
        .collect();
    let named: Vec<SellerRef> = shown
        .iter()
        .map(|s| SellerRef::new(&s.marketplace, &s.seller_id))
        .filter(|s| counts.contains_key(s))
        .collect();
    let mut complaints = HashMap::new();
    if !named.is_empty() {
        let rows = all
            .complaints
            .complaints_of(&named)
            .await
            .context("reading complaints")?;
        // Newest first: the first row per seller is its newest complaint.
        for row in rows {
            let seller = row.link.seller.clone();
            let n = counts.get(&seller).copied().unwrap_or(1);
            complaints.entry(seller).or_insert((n, row));
        }
    }
    Ok(SellerSignals {
        clusters: cluster_sizes(&pairs),
        complaints,
    })
}
