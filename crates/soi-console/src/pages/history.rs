//! Verdict history as the seller and listing pages show it: for each listing scored more than
//! once (`soi rescore` after a model change), every verdict the store held, oldest first, with
//! its model, so an analyst sees what the store said before and by which model.

use soi_model::Verdict;

use super::{pct, when};

/// One earlier or current verdict.
pub struct HistoryRow {
    pub listing_id: String,
    pub when: String,
    pub model: String,
    pub risk: String,
    pub reasons: String,
    /// The listing's current verdict (the last of its history).
    pub current: bool,
}

/// The rows of the listings in `history` (history order) that have more than one verdict.
pub fn rows(history: &[Verdict]) -> Vec<HistoryRow> {
    let mut out = vec![];
    for group in history.chunk_by(|a, b| a.listing_id == b.listing_id) {
        if group.len() < 2 {
            continue;
        }
        for (i, v) in group.iter().enumerate() {
            let mut codes: Vec<&str> = v.reasons.iter().map(|r| r.code.as_str()).collect();
            codes.dedup();
            out.push(HistoryRow {
                listing_id: v.listing_id.clone(),
                when: when(&v.scored_at),
                model: v.model.clone(),
                risk: pct(v.risk),
                reasons: codes.join(", "),
                current: i + 1 == group.len(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(id: &str, model: &str, risk: f64) -> Verdict {
        Verdict {
            listing_id: id.into(),
            model: model.into(),
            risk,
            ..Default::default()
        }
    }

    #[test]
    fn only_listings_scored_more_than_once_are_shown_with_the_current_last() {
        let r = rows(&[v("1", "a", 0.9), v("1", "b", 0.2), v("2", "a", 0.7)]);
        let got: Vec<(&str, &str, &str, bool)> = r
            .iter()
            .map(|r| {
                (
                    r.listing_id.as_str(),
                    r.model.as_str(),
                    r.risk.as_str(),
                    r.current,
                )
            })
            .collect();
        assert_eq!(got, [("1", "a", "90%", false), ("1", "b", "20%", true)]);
    }
}
