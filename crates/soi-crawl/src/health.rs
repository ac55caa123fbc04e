//! Extraction health: per marketplace and crawl, how often each field was filled and how many
//! items a page gave, compared with the recent crawls.
//!
//! Why: when a marketplace changes its layout nothing fails; extraction quietly yields fewer
//! fields (no price, no seller country) or fewer cards per page, and the scores downstream get
//! worse without anyone noticing. Each crawl's figures are kept in the crawl state (the last
//! [`HISTORY`] crawls); a rate that falls below [`DROP`] times its recent level (the median of
//! the last [`RECENT`] crawls that had enough items) is a warning in the log and the report.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use soi_model::{Listing, Seller};

/// Crawls kept in the state.
pub const HISTORY: usize = 20;
/// Crawls the recent level is the median of.
pub const RECENT: usize = 5;
/// A rate below this share of its recent level warns.
pub const DROP: f64 = 0.5;
/// Fewer items than this (of a kind) in a crawl are too few to judge or to count as a level.
pub const MIN_ITEMS: usize = 5;
/// Recent levels below this are not watched (a field a marketplace rarely fills).
pub const MIN_LEVEL: f64 = 0.2;

/// One crawl's figures.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Health {
    pub at: DateTime<Utc>,
    /// Pages (and API answers) that were read for items: new content only.
    pub pages: usize,
    pub listings: usize,
    pub sellers: usize,
    pub items_per_page: f64,
    /// `listing.price`, `listing.seller.country`, `seller.followers`...: the share of listings
    /// (or of sellers) with that field filled, 0 to 1.
    pub fill: BTreeMap<String, f64>,
}

/// A rate that fell well below its recent level.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HealthWarning {
    /// A `fill` key, or `items_per_page`.
    pub field: String,
    pub now: f64,
    pub recent: f64,
    pub message: String,
}

/// Counts over one crawl.
#[derive(Debug, Default)]
pub struct Tally {
    pages: usize,
    listings: usize,
    sellers: usize,
    filled: BTreeMap<&'static str, usize>,
}

impl Tally {
    /// Counts one page's records (before the model's boundary checks: what extraction gave).
    pub fn page(&mut self, listings: &[Listing], sellers: &[Seller]) {
        self.pages += 1;
        self.listings += listings.len();
        self.sellers += sellers.len();
        for l in listings {
            for (k, on) in listing_fields(l) {
                *self.filled.entry(k).or_default() += usize::from(on);
            }
        }
        for s in sellers {
            for (k, on) in seller_fields(s, "seller.") {
                *self.filled.entry(k).or_default() += usize::from(on);
            }
        }
    }

    /// The crawl's figures, or `None` when no page was read.
    pub fn finish(self, at: DateTime<Utc>) -> Option<Health> {
        if self.pages == 0 {
            return None;
        }
        let fill = self
            .filled
            .iter()
            .map(|(k, n)| {
                let of = if k.starts_with("listing.") {
                    self.listings
                } else {
                    self.sellers
                };
                (k.to_string(), *n as f64 / of.max(1) as f64)
            })
            .collect();
        Some(Health {
            at,
            pages: self.pages,
            listings: self.listings,
            sellers: self.sellers,
            items_per_page: (self.listings + self.sellers) as f64 / self.pages as f64,
            fill,
        })
    }
}

fn listing_fields(l: &Listing) -> Vec<(&'static str, bool)> {
    let mut v = vec![
        ("listing.title", !l.title.trim().is_empty()),
        ("listing.url", l.url.is_some()),
        ("listing.description", l.description.is_some()),
        ("listing.price", l.price.is_some()),
        ("listing.currency", l.currency.is_some()),
        ("listing.category", l.category.is_some()),
        ("listing.images", l.images_count.is_some_and(|n| n > 0)),
        ("listing.reviews", !l.reviews.is_empty()),
        ("listing.seller", l.seller.is_some()),
    ];
    match &l.seller {
        Some(s) => v.extend(seller_fields(s, "listing.seller.")),
        None => v.extend(
            seller_fields(&Seller::default(), "listing.seller.")
                .into_iter()
                .map(|(k, _)| (k, false)),
        ),
    }
    v
}

fn seller_fields(s: &Seller, prefix: &str) -> Vec<(&'static str, bool)> {
    let facts = [
        ("name", s.name.is_some()),
        ("country", s.country.is_some()),
        ("ship_from", s.ship_from.is_some()),
        ("joined_at", s.joined_at.is_some()),
        ("rating", s.rating.is_some()),
        ("followers", s.followers.is_some()),
    ];
    facts
        .into_iter()
        .map(|(k, on)| (field_key(prefix, k), on))
        .collect()
}

/// Interned `prefix + field` keys (a fixed set), so tallies need no allocation per record.
fn field_key(prefix: &str, field: &str) -> &'static str {
    const KEYS: &[&str] = &[
        "listing.seller.name",
        "listing.seller.country",
        "listing.seller.ship_from",
        "listing.seller.joined_at",
        "listing.seller.rating",
        "listing.seller.followers",
        "seller.name",
        "seller.country",
        "seller.ship_from",
        "seller.joined_at",
        "seller.rating",
        "seller.followers",
    ];
    KEYS.iter()
        .find(|k| k.strip_prefix(prefix) == Some(field))
        .copied()
        .unwrap_or("other")
}

/// The warnings for `now` against the recent crawls in `history` (oldest first).
pub fn compare(history: &[Health], now: &Health) -> Vec<HealthWarning> {
    let mut out = vec![];
    let enough = |h: &Health, key: &str| {
        let n = if key.starts_with("listing.") {
            h.listings
        } else if key.starts_with("seller.") {
            h.sellers
        } else {
            h.listings + h.sellers
        };
        n >= MIN_ITEMS
    };
    let mut check = |key: &str, now_v: f64, of: &dyn Fn(&Health) -> Option<f64>| {
        if !enough(now, key) && key != "items_per_page" {
            return;
        }
        let mut recent: Vec<f64> = history
            .iter()
            .rev()
            .filter(|h| enough(h, key))
            .filter_map(of)
            .take(RECENT)
            .collect();
        if recent.is_empty() {
            return;
        }
        recent.sort_by(f64::total_cmp);
        let level = recent[recent.len() / 2];
        let watched = key == "items_per_page" || level >= MIN_LEVEL;
        if watched && now_v < level * DROP {
            out.push(HealthWarning {
                field: key.to_string(),
                now: now_v,
                recent: level,
                message: if key == "items_per_page" {
                    format!("{now_v:.1} items per page, down from {level:.1} in recent crawls: did the layout change?")
                } else {
                    format!(
                        "`{key}` filled in {:.0}% of records, down from {:.0}% in recent crawls: did the layout change?",
                        now_v * 100.0,
                        level * 100.0
                    )
                },
            });
        }
    };
    check("items_per_page", now.items_per_page, &|h| {
        Some(h.items_per_page)
    });
    for (key, v) in &now.fill {
        check(key, *v, &|h| h.fill.get(key).copied());
    }
    out
}

impl Health {
    /// One line for a summary: items per page and the fill rate of each field seen.
    pub fn summary(&self) -> String {
        let rates: Vec<String> = self
            .fill
            .iter()
            .filter(|(k, _)| {
                (k.starts_with("listing.") && self.listings > 0)
                    || (k.starts_with("seller.") && self.sellers > 0)
            })
            .map(|(k, v)| format!("{k} {:.0}%", v * 100.0))
            .collect();
        format!(
            "extraction: {:.1} items per page over {} pages; filled: {}",
            self.items_per_page,
            self.pages,
            rates.join(", ")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listing(price: bool) -> Listing {
        Listing {
            id: "1".into(),
            title: "t".into(),
            price: price.then_some(1.0),
            ..Default::default()
        }
    }

    fn crawl(n: usize, priced: usize) -> Health {
        let mut t = Tally::default();
        let ls: Vec<Listing> = (0..n).map(|i| listing(i < priced)).collect();
        t.page(&ls, &[]);
        t.finish(Utc::now()).unwrap()
    }

    #[test]
    fn a_rate_well_below_its_recent_level_warns() {
        let history = vec![crawl(10, 10), crawl(10, 9), crawl(10, 10)];
        assert!(compare(&history, &crawl(10, 8)).is_empty());
        let w = compare(&history, &crawl(10, 2));
        assert_eq!(w.len(), 1, "{w:?}");
        assert_eq!(w[0].field, "listing.price");
        assert_eq!((w[0].now, w[0].recent), (0.2, 1.0));
        let w = compare(&history, &crawl(3, 0));
        assert_eq!(w.len(), 1, "too few listings to judge fields: {w:?}");
        assert_eq!(w[0].field, "items_per_page");
        assert!(
            compare(&[], &crawl(10, 0)).is_empty(),
            "no history, no level"
        );
    }
}
