//! Signals beside the text classifiers: rules that read the listing, its entities and its seller
//! and say exactly where their evidence is.
//!
//! Each signal returns [`Hit`]s; fusion turns them into weighted reasons. A signal never decides a
//! risk on its own: the weights live in `pipelines/scoring.toml`.

pub mod blocklist;
mod contact;
mod cross_border;
mod phrases;
pub mod price;
mod seller;

use soi_model::Listing;
use soi_text::{Entity, Folded};

pub use blocklist::Blocklist;
pub use price::PriceBook;

use crate::config::ScoringConfig;

/// One piece of evidence for a reason code.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub code: &'static str,
    /// The signal that produced it.
    pub source: &'static str,
    /// Listing field the span points into (see `Listing::field_text`).
    pub field: String,
    /// Character span in that field.
    pub start: usize,
    pub end: usize,
    /// 0..1, multiplied by the code's weight.
    pub strength: f64,
    pub message: String,
    pub message_vi: String,
    /// Quoted evidence when it is not simply the span (e.g. a seller attribute).
    pub evidence: Option<String>,
}

/// A text field of a listing, folded once and shared by the signals.
pub struct FieldText<'a> {
    pub field: &'static str,
    pub text: &'a str,
    pub folded: Folded,
    pub entities: Vec<Entity>,
}

impl<'a> FieldText<'a> {
    pub fn new(field: &'static str, text: &'a str) -> FieldText<'a> {
        FieldText {
            field,
            text,
            folded: Folded::new(text),
            entities: soi_text::extract(text),
        }
    }

    /// Character span in the original text of a byte range of the folded text.
    pub fn span(&self, b0: usize, b1: usize) -> (usize, usize) {
        self.folded.orig_span(b0, b1)
    }
}

/// The listing's own text fields (title, description), folded and with entities.
pub fn fields(l: &Listing) -> Vec<FieldText<'_>> {
    let mut v = vec![FieldText::new("title", &l.title)];
    if let Some(d) = l.description.as_deref() {
        if !d.trim().is_empty() {
            v.push(FieldText::new("description", d));
        }
    }
    v
}

/// What the batch-level signals need: per-category batch medians and per-seller counts.
pub struct BatchContext {
    pub prices: PriceBook,
    pub seller_counts: std::collections::HashMap<String, usize>,
}

impl BatchContext {
    pub fn new(listings: &[Listing], cfg: &ScoringConfig) -> BatchContext {
        let mut seller_counts = std::collections::HashMap::new();
        for l in listings {
            if let Some(s) = &l.seller {
                *seller_counts.entry(s.key()).or_insert(0) += 1;
            }
        }
        BatchContext {
            prices: PriceBook::new(listings, cfg),
            seller_counts,
        }
    }
}

/// Runs every signal on one listing.
pub fn run_all(
    l: &Listing,
    fields: &[FieldText<'_>],
    cfg: &ScoringConfig,
    batch: &BatchContext,
    blocklist: Option<&Blocklist>,
) -> Vec<Hit> {
    let mut hits = Vec::new();
    hits.extend(contact::off_platform(fields));
    hits.extend(phrases::deposit(fields));
    hits.extend(phrases::giveaway(fields));
    hits.extend(phrases::health(fields));
    hits.extend(price::genuine_low_price(l, fields, cfg, &batch.prices));
    hits.extend(cross_border::posing_local(l, fields));
    hits.extend(blocklist::domains(l, fields, blocklist));
    hits.extend(seller::age_and_velocity(l, cfg, &batch.seller_counts));
    hits
}
