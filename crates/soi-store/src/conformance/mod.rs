//! The behaviour every store implementation must show, as reusable checks, in three sections:
//! [`listings`] and [`scores`] ([`crate::Store`]), [`outbox`] ([`crate::AlertOutbox`]) and [`report`]
//! ([`crate::ReportSource`]).
//!
//! Why here: "same queries, same answers" across the embedded store and ClickHouse is a promise
//! of the seam, so the seam owns the check and each implementation's tests run the sections it
//! implements against a real instance. Each check panics with a message naming what differs.
//! Behind the `conformance` feature, so that only tests compile it.

pub mod complaints;
pub mod console;
pub mod crawl_health;
pub mod history;
pub mod links;
pub mod listings;
pub mod outbox;
pub mod report;
pub mod scores;

pub use history::{rescoring_keeps_the_verdict_history, stored_listings_are_walked_in_key_order};
pub use listings::{
    flagged_sellers_filters_and_reasons, forged_seller_flags_do_not_stick, rescored,
    rescoring_moves_the_seller_summary, same_input_twice_changes_nothing,
    seller_listings_are_found_by_seller, seller_page_facts_survive_partial_sightings,
};
pub use scores::score_days_count_each_listings_latest_verdict;

use chrono::{DateTime, TimeZone, Utc};
use soi_model::{Listing, Reason, Scored, Seller, Verdict};

/// A scored listing of marketplace `demo` for the checks.
pub fn scored(id: &str, seller: &str, country: &str, risk: f64, code: &str) -> Scored {
    let mut s = Seller::new("demo", seller);
    s.country = Some(country.into());
    let listing = Listing {
        id: id.into(),
        marketplace: "demo".into(),
        title: format!("listing {id} ib zalo"),
        seller: Some(s),
        observed_at: Some(Utc::now()),
        ..Default::default()
    };
    let verdict = Verdict {
        listing_id: id.into(),
        marketplace: "demo".into(),
        seller_id: Some(seller.into()),
        risk,
        reasons: vec![Reason {
            code: code.into(),
            message: "m".into(),
            field: "title".into(),
            start: 11,
            end: 18,
            evidence: "ib zalo".into(),
            ..Default::default()
        }],
        model: "test".into(),
        scored_at: Utc::now(),
        ..Default::default()
    };
    Scored { listing, verdict }
}

/// Four listings of three sellers; `c` has nothing flagged.
pub fn batch() -> Vec<Scored> {
    vec![
        scored("1", "a", "VN", 0.9, "off_platform_contact"),
        scored("2", "a", "VN", 0.8, "off_platform_contact"),
        scored("3", "b", "CN", 0.7, "deposit_before_delivery"),
        scored("4", "c", "VN", 0.1, "none"),
    ]
}

/// 2026-11-20 08:00 UTC plus `hours`: a fixed time, in whole seconds, for checks that compare
/// times read back with times written.
pub fn at(hours: i64) -> DateTime<Utc> {
    let t0 = Utc.with_ymd_and_hms(2026, 11, 20, 8, 0, 0).single();
    t0.unwrap_or_default() + chrono::Duration::hours(hours)
}

/// [`scored`] observed and scored at [`at`]`(hours)`.
pub fn scored_at(id: &str, seller: &str, risk: f64, hours: i64) -> Scored {
    let mut s = scored(id, seller, "VN", risk, "off_platform_contact");
    s.listing.observed_at = Some(at(hours));
    s.verdict.scored_at = at(hours);
    s
}
