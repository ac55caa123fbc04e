//! What the stage tests share: a scorer simple enough to predict, and listing messages.

use soi_model::{Envelope, Kind, Listing, Seller, Verdict};
use soi_score::Scorer;

/// Risk is the share of "x" characters in the title: enough to tell listings apart.
pub struct CountingScorer;

impl Scorer for CountingScorer {
    fn model(&self) -> &str {
        "counting"
    }
    fn score(&self, listings: &[Listing]) -> Vec<Verdict> {
        listings
            .iter()
            .map(|l| Verdict {
                listing_id: l.id.clone(),
                marketplace: l.marketplace.clone(),
                seller_id: l.seller_id().map(str::to_string),
                risk: l.title.matches('x').count() as f64 / l.title.len().max(1) as f64,
                model: self.model().into(),
                ..Default::default()
            })
            .collect()
    }
}

/// The message of listing `l{i}` of marketplace `demo` (seller `s{i % 3}`); even ones score 1.0.
pub fn listing(i: usize) -> Vec<u8> {
    let l = Listing {
        id: format!("l{i}"),
        marketplace: "demo".into(),
        title: if i.is_multiple_of(2) {
            "xxxx".into()
        } else {
            "ok".into()
        },
        seller: Some(Seller::new("", &format!("s{}", i % 3))),
        ..Default::default()
    };
    Envelope::new(Kind::Listing, l.key(), l).to_bytes()
}
