//! The report source: flagged listings of cross-border sellers, filtered by time, country,
//! marketplace and risk, ordered by marketplace, seller and listing id, with their seller facts.
//!
//! The store under test must be empty.

use chrono::Duration;
use soi_model::Seller;

use super::{at, scored_at};
use crate::{ReportQuery, ReportSource, Store};

fn seller(marketplace: &str, id: &str, country: &str, cross_border: bool) -> Seller {
    let mut s = Seller::new(marketplace, id);
    s.country = Some(country.into());
    s.followers = Some(7);
    s.cross_border = cross_border;
    s
}

/// Writes the listings and sellers [`cross_border_rows_filter_and_order`] reads.
async fn fill<S: Store + ?Sized>(store: &S) {
    let mut no_observation = scored_at("13", "x", 0.7, 48);
    no_observation.listing.observed_at = None;
    let mut elsewhere = scored_at("50", "x", 0.9, 0);
    elsewhere.listing.marketplace = "bazaar".into();
    elsewhere.verdict.marketplace = "bazaar".into();
    if let Some(s) = elsewhere.listing.seller.as_mut() {
        s.marketplace = "bazaar".into();
    }
    let listings = vec![
        scored_at("10", "x", 0.9, 0),
        scored_at("11", "x", 0.6, 24),
        scored_at("12", "x", 0.2, 0),
        no_observation,
        scored_at("20", "y", 0.95, 0),
        scored_at("30", "z", 0.8, 0),
        scored_at("31", "z", 0.9, 24 * 40),
        elsewhere,
    ];
    store.put_scored(listings).await.expect("listings");
    // The seller pages come last: their facts (and flags) win over the listings' sightings.
    let sellers = vec![
        seller("demo", "x", "CN", true),
        seller("demo", "y", "VN", false),
        seller("demo", "z", "TH", true),
        seller("bazaar", "x", "CN", true),
    ];
    store.put_sellers(sellers).await.expect("sellers");
}

/// Keys `marketplace/id` of the rows `q` answers.
async fn keys<S: ReportSource + ?Sized>(store: &S, q: &ReportQuery) -> Vec<String> {
    store
        .cross_border_rows(q)
        .await
        .expect("report rows")
        .iter()
        .map(|r| r.listing.key())
        .collect()
}

/// The filters, the order and the rows' content of [`ReportSource::cross_border_rows`].
pub async fn cross_border_rows_filter_and_order<S>(store: &S)
where
    S: Store + ReportSource + ?Sized,
{
    fill(store).await;
    let all = ReportQuery {
        from: at(-1),
        to: at(24 * 30),
        country: None,
        marketplace: None,
        min_risk: 0.5,
    };
    assert_eq!(
        keys(store, &all).await,
        ["bazaar/50", "demo/10", "demo/11", "demo/13", "demo/30"],
        "flagged, cross-border, in range (13 by its scoring time), by marketplace, seller, id"
    );
    let rows = store.cross_border_rows(&all).await.expect("rows");
    let r = &rows[1];
    assert_eq!(r.seller.country.as_deref(), Some("CN"));
    assert_eq!((r.seller.followers, r.seller.cross_border), (Some(7), true));
    assert_eq!(r.verdict.risk, 0.9);
    assert_eq!(r.verdict.reasons[0].evidence, "ib zalo");
    assert_eq!(r.listing.title, "listing 10 ib zalo");
    assert_eq!(r.listing.observed_at, Some(at(0)));
    assert_eq!(rows[3].seen_at(), at(48));

    let q = |f: fn(&mut ReportQuery)| {
        let mut q = all.clone();
        f(&mut q);
        q
    };
    assert_eq!(
        keys(store, &q(|q| q.country = Some("th".into()))).await,
        ["demo/30"]
    );
    assert_eq!(
        keys(store, &q(|q| q.marketplace = Some("demo".into()))).await,
        ["demo/10", "demo/11", "demo/13", "demo/30"]
    );
    assert_eq!(
        keys(store, &q(|q| q.min_risk = 0.85)).await,
        ["bazaar/50", "demo/10"]
    );
    assert_eq!(
        keys(store, &q(|q| (q.from, q.to) = (at(0), at(24)))).await,
        ["bazaar/50", "demo/10", "demo/30"],
        "from included, to excluded"
    );
    assert_eq!(
        keys(store, &q(|q| q.from = at(0) + Duration::seconds(1))).await,
        ["demo/11", "demo/13"]
    );
    assert!(keys(store, &q(|q| q.marketplace = Some("other".into())))
        .await
        .is_empty());
}
