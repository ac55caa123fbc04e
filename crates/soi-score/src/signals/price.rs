//! Price far below the category's median. The median comes from data: a reference table per
//! category in `pipelines/scoring.toml`, replaced by the robust median of the batch when enough
//! listings of that category are scored together. With a "chính hãng" / "authentic" claim this is
//! the classic counterfeit pattern.

use soi_model::Listing;
use soi_text::EntityKind;

use super::phrases::GENUINE;
use super::{FieldText, Hit};
use crate::config::ScoringConfig;

/// Category medians for one batch.
pub struct PriceBook {
    /// Median in VND per reference category (index into `cfg.price.reference`).
    medians: Vec<f64>,
    /// Where each median came from ("batch of N" or "reference table").
    origin: Vec<String>,
}

/// Folded text padded so keywords match whole words: " dien thoai iphone 15 ".
fn words(s: &str) -> String {
    let f = soi_text::fold(s);
    let mut out = String::with_capacity(f.len() + 2);
    out.push(' ');
    for c in f.chars() {
        out.push(if c.is_alphanumeric() { c } else { ' ' });
    }
    out.push(' ');
    out
}

/// The reference category of a listing: from its title first, then from its category field.
pub fn category_of(l: &Listing, cfg: &ScoringConfig) -> Option<usize> {
    let find = |text: &str| {
        let w = words(text);
        cfg.price
            .reference
            .iter()
            .position(|r| r.keywords.iter().any(|k| has_words(&w, k.trim())))
    };
    find(&l.title).or_else(|| l.category.as_deref().and_then(find))
}

/// Does the padded text `w` (" a b c ") contain `k` as whole words? No allocation.
fn has_words(w: &str, k: &str) -> bool {
    !k.is_empty()
        && w.match_indices(k)
            .any(|(i, _)| w[..i].ends_with(' ') && w[i + k.len()..].starts_with(' '))
}

/// The listing's price in VND: the price field, else the first price written in the text.
pub fn price_vnd(l: &Listing, fields: &[FieldText<'_>], cfg: &ScoringConfig) -> Option<f64> {
    let fx = |cur: &str| cfg.price.fx.get(&cur.to_ascii_uppercase()).copied();
    if let Some(p) = l.price {
        let cur = l.currency.as_deref().unwrap_or("VND");
        return fx(cur).map(|r| p * r);
    }
    fields.iter().flat_map(|f| f.entities.iter()).find_map(|e| {
        (e.kind == EntityKind::Price)
            .then(|| e.amount.zip(e.detail.as_deref().and_then(fx)))
            .flatten()
            .map(|(a, r)| a * r)
    })
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

impl PriceBook {
    pub fn new(listings: &[Listing], cfg: &ScoringConfig) -> PriceBook {
        let refs = &cfg.price.reference;
        let mut seen: Vec<Vec<f64>> = vec![Vec::new(); refs.len()];
        for l in listings {
            if let (Some(c), Some(p)) = (category_of(l, cfg), l.price) {
                let r = cfg
                    .price
                    .fx
                    .get(&l.currency.as_deref().unwrap_or("VND").to_ascii_uppercase());
                if let Some(r) = r {
                    if p > 0.0 {
                        seen[c].push(p * r);
                    }
                }
            }
        }
        let mut medians = Vec::with_capacity(refs.len());
        let mut origin = Vec::with_capacity(refs.len());
        for (r, v) in refs.iter().zip(seen.iter_mut()) {
            if v.len() >= cfg.price.min_batch.max(1) {
                medians.push(median(v));
                origin.push(format!("median of {} listings in this batch", v.len()));
            } else {
                medians.push(r.median_vnd);
                origin.push("reference median".into());
            }
        }
        PriceBook { medians, origin }
    }
}

fn vnd(x: f64) -> String {
    let s = format!("{:.0}", x.round());
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push('.');
        }
        out.push(c);
    }
    out + "đ"
}

pub(crate) fn genuine_low_price(
    l: &Listing,
    fields: &[FieldText<'_>],
    cfg: &ScoringConfig,
    book: &PriceBook,
) -> Vec<Hit> {
    let Some(cat) = category_of(l, cfg) else {
        return Vec::new();
    };
    let Some(price) = price_vnd(l, fields, cfg) else {
        return Vec::new();
    };
    let (Some(&med), Some(origin)) = (book.medians.get(cat), book.origin.get(cat)) else {
        return Vec::new();
    };
    if med <= 0.0 || price <= 0.0 {
        return Vec::new();
    }
    let ratio = price / med;
    let low = cfg.price.low_ratio;
    if ratio >= low {
        return Vec::new();
    }
    let strength = 0.5 + 0.5 * (1.0 - ratio / low).clamp(0.0, 1.0);
    let name = &cfg.price.reference[cat].name;
    let pct = (ratio * 100.0).round();
    let facts = format!("price {} vs {name} {origin} {}", vnd(price), vnd(med));
    let claim = fields.iter().find_map(|f| GENUINE.find(f).map(|b| (f, b)));
    let hit = if let Some((f, (b0, b1))) = claim {
        let (start, end) = f.span(b0, b1);
        Hit {
            code: "genuine_claim_low_price",
            source: "price",
            field: f.field.to_string(),
            start,
            end,
            strength,
            message: format!("Claims genuine goods at {pct}% of the category's median price ({facts})."),
            message_vi: format!(
                "Tuyên bố hàng chính hãng nhưng giá chỉ bằng {pct}% giá trung vị của danh mục ({facts})."
            ),
            evidence: None,
        }
    } else {
        Hit {
            code: "price_far_below_median",
            source: "price",
            field: "title".into(),
            start: 0,
            end: 0,
            strength,
            message: format!("Price is {pct}% of the category's median ({facts})."),
            message_vi: format!("Giá chỉ bằng {pct}% giá trung vị của danh mục ({facts})."),
            evidence: Some(facts),
        }
    };
    vec![hit]
}
