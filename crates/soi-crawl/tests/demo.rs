//! The bundled demo marketplace, crawled end to end over a real loopback server.

mod common;

use common::{pipelines, Collect};
use soi_crawl::{crawl, load_marketplace, serve_local_site, CrawlOptions, EvidenceStore};

#[tokio::test]
async fn demo_marketplace_crawls_fully_through_json_ld() {
    let cfg = load_marketplace(&pipelines(), "demo").expect("demo.toml loads");
    let (server, base) = serve_local_site(&cfg).await.unwrap().expect("local site");
    let state = tempfile::tempdir().unwrap();
    let mut opts = CrawlOptions::new(state.path());
    opts.base_url = Some(base);
    let evidence = EvidenceStore::open(state.path().join("evidence")).unwrap();
    let bus = Collect::default();
    let report = crawl(&cfg, &opts, &bus, &evidence, &|_| {}).await.unwrap();
    let listings = bus.listings();
    let sellers = bus.sellers();
    let site = pipelines().join("demo-site");
    let n_listings = std::fs::read_dir(site.join("listings")).unwrap().count();
    let n_sellers = std::fs::read_dir(site.join("sellers")).unwrap().count();
    assert!(report.errors.is_empty(), "{:#?}", report.errors);
    assert!(report.problems.is_empty(), "{:#?}", report.problems);
    assert_eq!(listings.len(), n_listings, "{report:#?}");
    assert_eq!(sellers.len(), n_sellers);
    for l in &listings {
        assert_eq!(l.marketplace, "demo");
        assert!(!l.title.is_empty() && l.price.is_some(), "{l:?}");
        assert_eq!(l.currency.as_deref(), Some("VND"));
        assert!(l.url.as_deref().unwrap().starts_with("http://127.0.0.1:"));
        assert!(l.observed_at.is_some());
        let sha = l.evidence_sha256.as_deref().unwrap();
        assert!(!evidence.body(sha).unwrap().is_empty());
        assert!(l.seller.is_some(), "{l:?}");
    }
    for s in &sellers {
        assert!(s.country.is_some() && s.name.is_some(), "{s:?}");
        assert_eq!(s.cross_border, s.country.as_deref() != Some("VN"));
    }
    let s01 = sellers.iter().find(|s| s.id == "s01").unwrap();
    assert_eq!(s01.followers, Some(120_500));
    assert!(s01.official && s01.verified);
    assert_eq!(s01.ship_from.as_deref(), Some("TP. Hồ Chí Minh"));
    assert_eq!(s01.rating_count, Some(12_840));

    // A second crawl: nothing changed, nothing emitted.
    let again = Collect::default();
    let report = crawl(&cfg, &opts, &again, &evidence, &|_| {})
        .await
        .unwrap();
    assert_eq!(again.listings().len(), 0, "{report:#?}");
    assert_eq!(again.sellers().len(), 0);
    assert_eq!(
        report.pages_fetched, 0,
        "every page answered 304 to a conditional GET"
    );
    assert!(report.pages_unchanged > n_listings);

    // Evidence wiped but crawl state kept: 304s cannot be trusted for links, so every page is
    // fetched again in full and the crawl still reaches every listing.
    let fresh = EvidenceStore::open(state.path().join("evidence-2")).unwrap();
    let third = Collect::default();
    let report = crawl(&cfg, &opts, &third, &fresh, &|_| {}).await.unwrap();
    assert_eq!(
        report.pages_fetched,
        n_listings + n_sellers + 3,
        "{report:#?}"
    );
    assert_eq!(third.listings().len(), 0, "same bodies as last time");
    server.shutdown().await;
}
