//! Verdict history and the stored-listing walk ([`crate::history`]).

use super::{at, batch, rescored, scored, scored_at};
use crate::{HistoryOf, ListingScan, Store};

fn models(v: &[soi_model::Verdict]) -> Vec<(String, String, f64)> {
    v.iter()
        .map(|v| (v.listing_id.clone(), v.model.clone(), v.risk))
        .collect()
}

fn row(id: &str, model: &str, risk: f64) -> (String, String, f64) {
    (id.to_string(), model.to_string(), risk)
}

/// A replaced verdict stays in the history with its model, oldest first, the current verdict
/// last; a replay adds nothing; a listing that moved to another seller keeps its old verdict
/// under the old seller. Needs an empty store.
pub async fn rescoring_keeps_the_verdict_history(store: &dyn Store) {
    store.put_scored(batch()).await.expect("first write");
    store.put_scored(batch()).await.expect("replay");
    let one = |model: &str, risk: f64| {
        let mut s = scored("1", "a", "VN", risk, "off_platform_contact");
        s.verdict.model = model.into();
        s
    };
    store
        .put_scored(vec![one("test-v2", 0.2)])
        .await
        .expect("rescore");
    store
        .put_scored(vec![one("test-v3", 0.6)])
        .await
        .expect("rescore again");
    let h = store
        .verdict_history("demo", HistoryOf::Listing("1"))
        .await
        .expect("listing history");
    assert_eq!(
        models(&h),
        [
            row("1", "test", 0.9),
            row("1", "test-v2", 0.2),
            row("1", "test-v3", 0.6)
        ],
        "listing 1's verdicts, oldest first"
    );
    let current = store
        .listing(Some("demo"), "1")
        .await
        .expect("read")
        .and_then(|d| d.verdict)
        .expect("verdict");
    assert_eq!(
        h.last(),
        Some(&current),
        "the history ends with the current verdict"
    );
    let a = store
        .verdict_history("demo", HistoryOf::Seller("a"))
        .await
        .expect("seller history");
    assert_eq!(
        models(&a),
        [
            row("1", "test", 0.9),
            row("1", "test-v2", 0.2),
            row("1", "test-v3", 0.6),
            row("2", "test", 0.8)
        ]
    );
    store.put_scored(rescored()).await.expect("listing 3 moves");
    let b = store
        .verdict_history("demo", HistoryOf::Seller("b"))
        .await
        .expect("b");
    assert_eq!(
        models(&b),
        [row("3", "test", 0.7)],
        "b keeps what it was flagged for"
    );
    let c = store
        .verdict_history("demo", HistoryOf::Seller("c"))
        .await
        .expect("c");
    assert_eq!(models(&c), [row("3", "test", 0.95), row("4", "test", 0.1)]);
    let none = store
        .verdict_history("other", HistoryOf::Listing("1"))
        .await
        .expect("other marketplace");
    assert!(none.is_empty());
}

/// The walk pages through every stored listing in key order with its verdict and seller;
/// `since` leaves out listings observed before it but keeps those with no observation time.
/// Needs an empty store.
pub async fn stored_listings_are_walked_in_key_order(store: &dyn Store) {
    store.put_scored(batch()).await.expect("batch");
    store
        .put_scored(vec![scored_at("old", "a", 0.9, -24 * 30)])
        .await
        .expect("old");
    let mut unseen = scored("5", "b", "CN", 0.3, "x");
    unseen.listing.observed_at = None;
    store.put_scored(vec![unseen]).await.expect("unobserved");
    let walk = |since, marketplace: Option<&str>| {
        let marketplace = marketplace.map(str::to_string);
        async move {
            let mut pages = vec![];
            let mut after = None;
            loop {
                let q = ListingScan {
                    since,
                    marketplace: marketplace.clone(),
                    after: after.clone(),
                    limit: 2,
                };
                let page = store.stored_listings(&q).await.expect("page");
                if page.is_empty() {
                    break pages;
                }
                assert!(page.len() <= 2, "a page holds at most its limit");
                let last = page.last().map(|d| d.listing.clone()).unwrap_or_default();
                after = Some((last.marketplace, last.id));
                pages.extend(page);
            }
        }
    };
    let all = walk(None, None).await;
    let ids: Vec<&str> = all.iter().map(|d| d.listing.id.as_str()).collect();
    assert_eq!(ids, ["1", "2", "3", "4", "5", "old"]);
    let first = &all[0];
    assert_eq!(first.verdict.as_ref().map(|v| v.risk), Some(0.9));
    let seller = first.seller.as_ref().expect("seller of listing 1");
    assert_eq!(
        (seller.id.as_str(), seller.country.as_deref()),
        ("a", Some("VN"))
    );
    let recent = walk(Some(at(0)), None).await;
    let ids: Vec<&str> = recent.iter().map(|d| d.listing.id.as_str()).collect();
    assert_eq!(
        ids,
        ["1", "2", "3", "4", "5"],
        "observed before `since`: left out"
    );
    assert!(walk(None, Some("other")).await.is_empty());
    assert_eq!(walk(None, Some("demo")).await.len(), 6);
    let zero = ListingScan {
        limit: 0,
        ..Default::default()
    };
    assert!(store
        .stored_listings(&zero)
        .await
        .expect("empty")
        .is_empty());
}
