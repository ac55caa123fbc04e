//! A JSON API source (shaped like Shopee's search API) mapped onto listings and sellers.

mod common;

use common::{not_found, run, site};
use hyper::StatusCode;
use soi_crawl::serve::reply;

const PAGE_1: &str = r#"{"error": 0, "data": {"items": [
  {"item_basic": {"itemid": 111, "name": "Tai nghe chính hãng giá sốc", "price": 15000000000,
    "images": ["a", "b", "c"], "catid": "Điện tử",
    "shop": {"shopid": 9, "name": "Global Deals", "country": "CN", "ship_from": "Mainland China",
             "follower_count": 12, "is_official_shop": false, "ctime": 1735689600}}},
  {"item_basic": {"itemid": 112, "name": "Ốp lưng", "price": "25000",
    "shop": {"shopid": 10, "country": "VN"}}},
  {"item_basic": {"name": "no id"}}
]}}"#;

const SHOPISH: &str = r#"
id = "shopish"
country = "VN"
currency = "VND"
base_url = "http://127.0.0.1:1"
[limits]
allow_private = true
requests_per_second = 100.0

[[api]]
name = "search"
url = "{base}/api/v4/search?page={page}"
start_page = 1
pages = 5
items = "data.items"
price_divisor = 100000
listing_url = "{base}/product/{seller_id}/{id}"
[api.fields]
id = "item_basic.itemid"
title = "item_basic.name"
price = "item_basic.price"
images = "item_basic.images"
category = "item_basic.catid"
"seller.id" = "item_basic.shop.shopid"
"seller.name" = "item_basic.shop.name"
"seller.country" = "item_basic.shop.country"
"seller.ship_from" = "item_basic.shop.ship_from"
"seller.followers" = "item_basic.shop.follower_count"
"seller.official" = "item_basic.shop.is_official_shop"
"seller.joined_at" = "item_basic.shop.ctime"
"#;

#[tokio::test]
async fn json_api_items_are_mapped_to_listings_and_sellers() {
    let (srv, hits) = site(|p, _| match p {
        "/robots.txt" => not_found(),
        "/api/v4/search?page=1" => reply(StatusCode::OK, "application/json", PAGE_1),
        "/api/v4/search?page=2" => reply(
            StatusCode::OK,
            "application/json",
            r#"{"data":{"items":[]}}"#,
        ),
        _ => not_found(),
    })
    .await;
    let cfg =
        soi_crawl::MarketplaceConfig::parse(SHOPISH, std::path::Path::new("shopish.toml")).unwrap();
    let state = tempfile::tempdir().unwrap();
    let (report, bus) = run(&cfg, &srv.base_url(), state.path()).await;
    let l = bus.listings();
    assert_eq!(l.len(), 2, "{report:#?}");
    let a = &l[0];
    assert_eq!(a.key(), "shopish/111");
    assert_eq!(a.price, Some(150_000.0));
    assert_eq!(a.currency.as_deref(), Some("VND"));
    assert_eq!(a.images_count, Some(3));
    assert_eq!(a.category.as_deref(), Some("Điện tử"));
    assert_eq!(
        a.url.as_deref(),
        Some(format!("{}/product/9/111", srv.base_url()).as_str())
    );
    assert!(a.evidence_sha256.is_some() && a.observed_at.is_some());
    let s = a.seller.as_ref().unwrap();
    assert_eq!(s.id, "9");
    assert_eq!(s.country.as_deref(), Some("CN"));
    assert!(s.cross_border, "a CN seller on a VN marketplace");
    assert_eq!(s.ship_from.as_deref(), Some("Mainland China"));
    assert_eq!(s.followers, Some(12));
    assert_eq!(s.joined_at.map(|d| d.timestamp()), Some(1_735_689_600));
    assert_eq!(l[1].price, Some(0.25), "string prices are divided too");
    assert!(!l[1].seller.as_ref().unwrap().cross_border);
    assert!(report
        .problems
        .iter()
        .any(|p| p.message.contains("without `id`")));
    let paths: Vec<String> = hits.lock().unwrap().iter().map(|h| h.1.clone()).collect();
    assert!(paths.contains(&"/api/v4/search?page=2".to_string()));
    assert!(
        !paths.contains(&"/api/v4/search?page=3".to_string()),
        "stops at an empty page"
    );
}

/// An API page the server answers 304 for while the evidence of its earlier body is gone (a
/// wiped or moved store) is fetched again in full: read as an empty body it would end the crawl
/// of that source there, and an item new on a later page would be lost.
#[tokio::test]
async fn api_page_answered_304_without_its_evidence_is_fetched_again() {
    const NEW: &str =
        r#"{"data":{"items":[{"item_basic":{"itemid":113,"name":"Mới","price":"1000"}}]}}"#;
    const EMPTY: &str = r#"{"data":{"items":[]}}"#;
    let with_etag = |body: &'static str| {
        let mut r = reply(StatusCode::OK, "application/json", body);
        r.headers_mut()
            .insert("etag", hyper::header::HeaderValue::from_static("\"v1\""));
        r
    };
    let (srv, hits) = site(move |p, nth| match (p, nth) {
        ("/robots.txt", _) => not_found(),
        // First crawl: the page; second crawl: "not modified", then the page again in full.
        ("/api/v4/search?page=1", 1) => reply(StatusCode::NOT_MODIFIED, "application/json", ""),
        ("/api/v4/search?page=1", _) => with_etag(PAGE_1),
        // Empty at the first crawl; one new item at the second.
        ("/api/v4/search?page=2", 0) => reply(StatusCode::OK, "application/json", EMPTY),
        ("/api/v4/search?page=2", _) => reply(StatusCode::OK, "application/json", NEW),
        _ => reply(StatusCode::OK, "application/json", EMPTY),
    })
    .await;
    let cfg =
        soi_crawl::MarketplaceConfig::parse(SHOPISH, std::path::Path::new("shopish.toml")).unwrap();
    let state = tempfile::tempdir().unwrap();
    let (_, first) = run(&cfg, &srv.base_url(), state.path()).await;
    assert_eq!(first.listings().len(), 2);
    std::fs::remove_dir_all(state.path().join("evidence")).unwrap();

    let (report, second) = run(&cfg, &srv.base_url(), state.path()).await;
    assert!(report.problems.is_empty(), "{:#?}", report.problems);
    let keys: Vec<String> = second.listings().iter().map(|l| l.key()).collect();
    assert_eq!(
        keys,
        ["shopish/113"],
        "page 1 unchanged, page 2's new item kept: {report:#?}"
    );
    let page1 = hits
        .lock()
        .unwrap()
        .iter()
        .filter(|h| h.1 == "/api/v4/search?page=1")
        .count();
    assert_eq!(page1, 3, "200, then 304, then the full page again");
}
