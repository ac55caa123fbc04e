//! Seller facts: a shop that joined days ago, or that lists far more than its age explains, is
//! typical of hit-and-run scam shops.

use std::collections::HashMap;

use soi_model::Listing;

use super::Hit;
use crate::config::ScoringConfig;

pub(crate) fn age_and_velocity(
    l: &Listing,
    cfg: &ScoringConfig,
    seller_counts: &HashMap<String, usize>,
) -> Vec<Hit> {
    let Some(s) = &l.seller else {
        return Vec::new();
    };
    let Some(joined) = s.joined_at else {
        return Vec::new();
    };
    let now = l.observed_at.unwrap_or_else(chrono::Utc::now);
    let days = (now - joined).num_days().max(0);
    let mut out = Vec::new();
    if days < cfg.seller.new_days {
        out.push(Hit {
            code: "new_seller",
            source: "seller",
            field: "title".into(),
            start: 0,
            end: 0,
            strength: 1.0 - days as f64 / cfg.seller.new_days.max(1) as f64,
            message: format!("The shop joined {days} days before this listing was seen."),
            message_vi: format!("Shop mới tham gia {days} ngày trước khi tin đăng được ghi nhận."),
            evidence: Some(format!("seller.joined_at={}", joined.format("%Y-%m-%d"))),
        });
    }
    let n = seller_counts.get(&s.key()).copied().unwrap_or(0) as f64;
    let per_day = n / (days.max(1) as f64);
    if per_day > cfg.seller.velocity_per_day {
        out.push(Hit {
            code: "high_listing_velocity",
            source: "seller",
            field: "title".into(),
            start: 0,
            end: 0,
            strength: (per_day / cfg.seller.velocity_per_day / 4.0).min(1.0),
            message: format!("{n} listings from a shop {days} days old."),
            message_vi: format!("{n} tin đăng từ một shop mới {days} ngày tuổi."),
            evidence: Some(format!("listings={n}, seller_age_days={days}")),
        });
    }
    out
}
