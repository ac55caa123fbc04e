//! Listings, sellers and verdicts: idempotent writes, the flagged-sellers query, seller merging.

use chrono::Utc;
use soi_model::{Scored, Seller};

use super::{batch, scored};
use crate::{SellerQuery, Store, StoreCounts};

/// Writing the same input twice changes nothing; a real change is written. Needs an empty store.
pub async fn same_input_twice_changes_nothing(store: &dyn Store) {
    let first = store.put_scored(batch()).await.expect("first write");
    assert_eq!(first, 4 + 4 + 3, "4 listings, 4 verdicts, 3 sellers");
    let again = store.put_scored(batch()).await.expect("replay");
    assert_eq!(again, 0, "a replay with fresh timestamps changed rows");
    assert_eq!(
        store.counts().await.expect("counts"),
        StoreCounts {
            listings: 4,
            sellers: 3,
            verdicts: 4
        }
    );
    let mut changed = batch();
    changed[0].verdict.risk = 0.95;
    assert_eq!(store.put_scored(changed).await.expect("change"), 1);
    let d = store
        .listing(Some("demo"), "1")
        .await
        .expect("read")
        .expect("listing 1");
    assert_eq!(d.verdict.expect("verdict").risk, 0.95);
}

/// Filters and reason summaries of the flagged-sellers query. Needs a store holding [`batch`].
pub async fn flagged_sellers_filters_and_reasons(store: &dyn Store) {
    let all = store
        .flagged_sellers(&SellerQuery::default())
        .await
        .expect("query");
    let ids: Vec<_> = all.iter().map(|s| s.seller_id.as_str()).collect();
    assert_eq!(ids, ["a", "b"]);
    assert_eq!(all[0].flagged_listings, 2);
    assert_eq!(all[0].total_listings, 2);
    assert_eq!(all[0].reasons[0].code, "off_platform_contact");
    assert_eq!(all[0].reasons[0].listings, 2);
    assert_eq!(all[0].reasons[0].example_evidence, "ib zalo");
    assert_eq!(all[1].country.as_deref(), Some("CN"));
    let q = |f: fn(&mut SellerQuery)| {
        let mut q = SellerQuery::default();
        f(&mut q);
        q
    };
    let cn = store
        .flagged_sellers(&q(|q| q.country = Some("cn".into())))
        .await
        .expect("query");
    assert_eq!(cn.len(), 1);
    assert_eq!(cn[0].seller_id, "b");
    let strict = store
        .flagged_sellers(&q(|q| q.min_risk = 0.85))
        .await
        .expect("query");
    assert_eq!(strict.len(), 1);
    let other = store
        .flagged_sellers(&q(|q| q.marketplace = Some("other".into())))
        .await
        .expect("query");
    assert!(other.is_empty());
    let future = store
        .flagged_sellers(&q(|q| {
            q.since = Some(Utc::now() + chrono::Duration::days(1))
        }))
        .await
        .expect("query");
    assert!(future.is_empty());
    let past = store
        .flagged_sellers(&q(|q| {
            q.until = Some(Utc::now() - chrono::Duration::days(1))
        }))
        .await
        .expect("query");
    assert!(past.is_empty());
    let page = |offset: usize, limit: usize| SellerQuery {
        offset,
        limit,
        ..SellerQuery::default()
    };
    let second = store.flagged_sellers(&page(1, 1)).await.expect("page 2");
    let ids: Vec<_> = second.iter().map(|s| s.seller_id.as_str()).collect();
    assert_eq!(ids, ["b"], "the second row alone");
    assert_eq!(second[0].reasons[0].code, "deposit_before_delivery");
    assert!(store
        .flagged_sellers(&page(2, 5))
        .await
        .expect("page 3")
        .is_empty());
    let both = store.flagged_sellers(&page(0, 5)).await.expect("one page");
    assert_eq!(both, all, "offset 0 is the unpaged answer");
}

/// The flagged-sellers query reads each listing's latest verdict only: a listing rescored below
/// the threshold stops counting as flagged and the seller's max risk falls; a listing rescored
/// under another seller counts for that seller alone, so its former seller drops out. Needs an
/// empty store; leaves it holding [`batch`] then [`rescored`].
pub async fn rescoring_moves_the_seller_summary(store: &dyn Store) {
    store.put_scored(batch()).await.expect("first scoring");
    let before = store
        .flagged_sellers(&SellerQuery::default())
        .await
        .expect("query");
    assert_eq!(
        (before[0].seller_id.as_str(), before[0].flagged_listings),
        ("a", 2)
    );
    assert_eq!(store.put_scored(rescored()).await.expect("rescore"), 3);
    let after = store
        .flagged_sellers(&SellerQuery::default())
        .await
        .expect("query");
    let row = |s: &crate::SellerSummary| {
        (
            s.seller_id.clone(),
            s.flagged_listings,
            s.total_listings,
            s.max_risk,
            s.reasons.iter().map(|r| r.listings).sum::<usize>(),
        )
    };
    let got: Vec<_> = after.iter().map(row).collect();
    assert_eq!(
        got,
        [
            ("c".to_string(), 1, 2, 0.95, 1),
            ("a".to_string(), 1, 2, 0.8, 1),
        ],
        "seller summaries after rescoring (seller, flagged, total, max risk, reason listings)"
    );
    assert!((after[1].mean_risk - 0.8).abs() < 1e-9, "{:?}", after[1]);
    let d = store
        .listing(Some("demo"), "1")
        .await
        .expect("read")
        .expect("listing 1");
    assert_eq!(d.verdict.expect("verdict").risk, 0.2);
}

/// [`batch`] rescored: listing 1 of `a` falls below the threshold (0.9 to 0.2), and listing 3,
/// `b`'s only one, is now sold by `c` and scored 0.95.
pub fn rescored() -> Vec<Scored> {
    vec![
        scored("1", "a", "VN", 0.2, "none"),
        scored("3", "c", "VN", 0.95, "deposit_before_delivery"),
    ]
}

/// Facts from a seller page survive later partial sightings in listings. Needs an empty store.
pub async fn seller_page_facts_survive_partial_sightings(store: &dyn Store) {
    let mut full = Seller::new("demo", "a");
    full.country = Some("CN".into());
    full.followers = Some(12);
    full.cross_border = true;
    store.put_sellers(vec![full]).await.expect("sellers");
    store
        .put_scored(vec![bare("1", "a", false)])
        .await
        .expect("scored");
    let d = store
        .listing(None, "1")
        .await
        .expect("read")
        .expect("listing");
    let s = d.seller.expect("seller");
    assert_eq!(s.followers, Some(12));
    assert!(s.cross_border);
    assert_eq!(d.verdict.expect("verdict").risk, 0.9);
    assert!(store
        .listing(Some("other"), "1")
        .await
        .expect("read")
        .is_none());
}

/// A scored listing whose embedded seller is a bare reference (id and name, no facts), with all
/// three flags set to `flags`.
fn bare(id: &str, seller: &str, flags: bool) -> Scored {
    let mut s = scored(id, seller, "", 0.9, "x");
    if let Some(x) = s.listing.seller.as_mut() {
        x.country = None;
        x.name = Some(format!("Shop {seller}"));
        (x.cross_border, x.official, x.verified) = (flags, flags, flags);
    }
    s
}

async fn seller_of(store: &dyn Store, listing: &str) -> Seller {
    store
        .listing(None, listing)
        .await
        .expect("read")
        .expect("listing")
        .seller
        .expect("seller")
}

fn flags(s: &Seller) -> (bool, bool, bool) {
    (s.cross_border, s.official, s.verified)
}

/// `cross_border`, `official` and `verified` follow the latest sighting that states the seller's
/// facts: one forged sighting cannot set them for good, and a bare reference (id and name only)
/// neither sets nor clears them. Needs an empty store.
pub async fn forged_seller_flags_do_not_stick(store: &dyn Store) {
    let mut forged = scored("1", "a", "CN", 0.9, "x");
    if let Some(s) = forged.listing.seller.as_mut() {
        (s.cross_border, s.official, s.verified) = (true, true, true);
    }
    store.put_scored(vec![forged]).await.expect("forged");
    assert_eq!(flags(&seller_of(store, "1").await), (true, true, true));
    // The seller page says otherwise, and wins.
    let mut page = Seller::new("demo", "a");
    page.country = Some("VN".into());
    page.followers = Some(3);
    store.put_sellers(vec![page]).await.expect("page");
    let s = seller_of(store, "1").await;
    assert_eq!(
        flags(&s),
        (false, false, false),
        "forged flags stuck: {s:?}"
    );
    // A bare reference claiming the flags changes nothing.
    store
        .put_scored(vec![bare("2", "a", true)])
        .await
        .expect("bare");
    let s = seller_of(store, "2").await;
    assert_eq!(flags(&s), (false, false, false), "{s:?}");
    assert_eq!(s.country.as_deref(), Some("VN"));
    // Nor does it for a seller seen for the first time.
    store
        .put_scored(vec![bare("3", "new", true)])
        .await
        .expect("first");
    let s = seller_of(store, "3").await;
    assert_eq!(flags(&s), (false, false, false), "{s:?}");
}

/// A seller's listings by key, within one marketplace when asked; none for an unknown seller.
pub async fn seller_listings_are_found_by_seller(store: &dyn Store) {
    store.put_scored(super::batch()).await.expect("write");
    let keys = |m: Option<&'static str>, s: &'static str| async move {
        store.seller_listings(m, s).await.expect("seller listings")
    };
    let demo = |id: &str| ("demo".to_string(), id.to_string());
    assert_eq!(keys(None, "a").await, vec![demo("1"), demo("2")]);
    assert_eq!(keys(Some("demo"), "b").await, vec![demo("3")]);
    assert_eq!(keys(Some("other"), "a").await, vec![]);
    assert_eq!(keys(None, "nobody").await, vec![]);
    // The seller page's one call answers the same listings, each as `listing` answers it.
    let details = store
        .seller_details("demo", "a")
        .await
        .expect("seller details");
    let ids: Vec<&str> = details.iter().map(|d| d.listing.id.as_str()).collect();
    assert_eq!(ids, vec!["1", "2"]);
    for d in &details {
        let one = store
            .listing(Some("demo"), &d.listing.id)
            .await
            .expect("listing");
        assert_eq!(one.as_ref(), Some(d), "seller_details and listing differ");
    }
    assert!(store
        .seller_details("other", "a")
        .await
        .expect("details")
        .is_empty());
}
