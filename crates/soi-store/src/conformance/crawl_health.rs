//! [`crate::CrawlHealthStore`]: rows read back exactly, newest first, per marketplace, limited;
//! the same crawl stored twice is one row.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use crate::crawl_health::CrawlHealthRow;
use crate::CrawlHealthStore;

fn row(market: &str, secs: i64, price_fill: f64, warnings: &[&str]) -> CrawlHealthRow {
    CrawlHealthRow {
        marketplace: market.into(),
        at: DateTime::<Utc>::from_timestamp(1_780_000_000 + secs, 0).expect("time"),
        pages: 12,
        listings: 240,
        sellers: 31,
        items_per_page: 20.0,
        fill: BTreeMap::from([
            ("listing.price".to_string(), price_fill),
            ("seller.country".to_string(), 0.75),
        ]),
        warnings: warnings.iter().map(|w| w.to_string()).collect(),
    }
}

/// The whole section, on an empty store.
pub async fn crawl_health_rows_read_back_newest_first(s: &dyn CrawlHealthStore) {
    assert!(s.crawl_health(None, 10).await.expect("read").is_empty());
    let first = row("tiki", 0, 0.98, &[]);
    let second = row(
        "tiki",
        3600,
        0.31,
        &["`listing.price` filled in 31% of records, down from 98%"],
    );
    let other = row("shopee", 1800, 0.9, &[]);
    for r in [&first, &second, &other, &second] {
        s.put_crawl_health(r).await.expect("put");
    }
    let tiki = s.crawl_health(Some("tiki"), 10).await.expect("read");
    assert_eq!(
        tiki,
        vec![second.clone(), first.clone()],
        "newest first, once each"
    );
    let all = s.crawl_health(None, 2).await.expect("read");
    assert_eq!(all, vec![second, other], "all marketplaces, limited");
}
