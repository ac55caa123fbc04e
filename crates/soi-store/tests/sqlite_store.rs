//! The embedded store against a real SQLite file: idempotent upserts, seller merging, queries.

use soi_model::{Listing, Reason, Scored, Seller, Verdict};
use soi_store::{SellerQuery, SqliteStore, Store, StoreCounts};

fn scored(id: &str, seller: &str, country: &str, risk: f64, code: &str) -> Scored {
    let mut s = Seller::new("demo", seller);
    s.country = Some(country.into());
    let listing = Listing {
        id: id.into(),
        marketplace: "demo".into(),
        title: format!("listing {id} ib zalo"),
        seller: Some(s),
        observed_at: Some(chrono::Utc::now()),
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
        scored_at: chrono::Utc::now(),
        ..Default::default()
    };
    Scored { listing, verdict }
}

fn batch() -> Vec<Scored> {
    vec![
        scored("1", "a", "VN", 0.9, "off_platform_contact"),
        scored("2", "a", "VN", 0.8, "off_platform_contact"),
        scored("3", "b", "CN", 0.7, "deposit_before_delivery"),
        scored("4", "c", "VN", 0.1, "none"),
    ]
}

#[tokio::test]
async fn same_input_twice_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("soi.db");
    let store = SqliteStore::open(&path).unwrap();
    let first = store.put_scored(batch()).await.unwrap();
    assert_eq!(first, 4 + 4 + 3, "4 listings, 4 verdicts, 3 sellers");
    // Fresh timestamps on the replay must not count as changes.
    let again = store.put_scored(batch()).await.unwrap();
    assert_eq!(again, 0);
    drop(store);
    // Reopening re-runs migrations as a no-op.
    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(
        store.counts().await.unwrap(),
        StoreCounts {
            listings: 4,
            sellers: 3,
            verdicts: 4
        }
    );
    // A real change is written.
    let mut changed = batch();
    changed[0].verdict.risk = 0.95;
    assert_eq!(store.put_scored(changed).await.unwrap(), 1);
}

#[tokio::test]
async fn flagged_sellers_filters_and_reasons() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("soi.db")).unwrap();
    store.put_scored(batch()).await.unwrap();
    let all = store
        .flagged_sellers(&SellerQuery::default())
        .await
        .unwrap();
    let ids: Vec<_> = all.iter().map(|s| s.seller_id.as_str()).collect();
    assert_eq!(ids, ["a", "b"]);
    assert_eq!(all[0].flagged_listings, 2);
    assert_eq!(all[0].reasons[0].code, "off_platform_contact");
    assert_eq!(all[0].reasons[0].listings, 2);
    assert_eq!(all[0].reasons[0].example_evidence, "ib zalo");
    let cn = store
        .flagged_sellers(&SellerQuery {
            country: Some("cn".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(cn.len(), 1);
    assert_eq!(cn[0].seller_id, "b");
    let strict = store
        .flagged_sellers(&SellerQuery {
            min_risk: 0.85,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(strict.len(), 1);
    let future = store
        .flagged_sellers(&SellerQuery {
            since: Some(chrono::Utc::now() + chrono::Duration::days(1)),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(future.is_empty());
}

#[tokio::test]
async fn seller_page_facts_survive_partial_sightings() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("soi.db")).unwrap();
    let mut full = Seller::new("demo", "a");
    full.country = Some("CN".into());
    full.followers = Some(12);
    full.cross_border = true;
    store.put_sellers(vec![full]).await.unwrap();
    store
        .put_scored(vec![scored("1", "a", "CN", 0.9, "x")])
        .await
        .unwrap();
    let d = store.listing(None, "1").await.unwrap().unwrap();
    let s = d.seller.unwrap();
    assert_eq!(s.followers, Some(12));
    assert!(s.cross_border);
    assert_eq!(d.verdict.unwrap().risk, 0.9);
    assert!(store.listing(Some("other"), "1").await.unwrap().is_none());
}
