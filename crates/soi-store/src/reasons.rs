//! Summarising the reasons across a seller's flagged listings, the same way for every store.

use std::collections::{BTreeMap, BTreeSet};

use soi_model::Verdict;

use crate::ReasonSummary;

/// Reason codes over `verdicts` (riskiest first, as `(listing_id, verdict)`), most frequent
/// first; each carries the evidence of the first (riskiest) listing that has it.
pub fn summarize_reasons(
    verdicts: impl IntoIterator<Item = (String, Verdict)>,
) -> Vec<ReasonSummary> {
    let mut by_code: BTreeMap<String, ReasonSummary> = BTreeMap::new();
    for (id, v) in verdicts {
        let mut seen = BTreeSet::new();
        for r in v.reasons {
            if !seen.insert(r.code.clone()) {
                continue;
            }
            by_code
                .entry(r.code.clone())
                .and_modify(|e| e.listings += 1)
                .or_insert(ReasonSummary {
                    code: r.code,
                    message: r.message,
                    message_vi: r.message_vi,
                    listings: 1,
                    example_listing_id: id.clone(),
                    example_field: r.field,
                    example_evidence: r.evidence,
                });
        }
    }
    let mut v: Vec<_> = by_code.into_values().collect();
    v.sort_by(|a, b| b.listings.cmp(&a.listings).then(a.code.cmp(&b.code)));
    v
}
