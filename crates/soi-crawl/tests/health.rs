//! Extraction health across crawls: a layout change that empties a field is warned about, in
//! the report (which `soi crawl` prints) and in the crawl state that keeps the recent levels.

mod common;

use common::{html, not_found, site};

/// A list page of `n` cards; `priced` says whether the cards still carry the price class the
/// config reads (the "layout change" renames it).
fn cards(n: usize, crawl: usize, priced: bool) -> String {
    let class = if priced { "price" } else { "price-v2" };
    let cards: String = (0..n)
        .map(|i| {
            format!(
                r#"<div class="card" data-sku="sku-{i}"><a href="/p/{i}">Món hàng {i} (lần {crawl})</a><span class="{class}">{}.000đ</span></div>"#,
                100 + i
            )
        })
        .collect();
    format!("<html><body>{cards}</body></html>")
}

const CONFIG: &str = r#"
id = "cards"
country = "VN"
currency = "VND"
base_url = "http://127.0.0.1:1"
seeds = ["{base}/list"]
[limits]
allow_private = true
requests_per_second = 200.0
[extract.listing]
container = "div.card"
pages = ['^/list']
[extract.listing.fields]
id = "@data-sku"
title = "a"
url = "a @href"
price = "span.price"
"#;

#[tokio::test]
async fn a_layout_change_that_empties_a_field_is_warned() {
    // Each crawl sees new titles (so the page is new content); the fourth lost its prices.
    let (srv, _) = site(|p, nth| match p {
        "/list" => html(&cards(10, nth, nth < 3)),
        _ => not_found(),
    })
    .await;
    let cfg =
        soi_crawl::MarketplaceConfig::parse(CONFIG, std::path::Path::new("cards.toml")).unwrap();
    let state = tempfile::tempdir().unwrap();
    for crawl in 0..3 {
        let (report, bus) = common::run(&cfg, &srv.base_url(), state.path()).await;
        let l = bus.listings();
        assert_eq!(l.len(), 10, "crawl {crawl}: {report:#?}");
        assert_eq!(
            l[3].id, "sku-3",
            "`@data-sku` reads the container's own attribute"
        );
        assert_eq!(l[3].price, Some(103_000.0));
        assert!(
            report.health_warnings.is_empty(),
            "{:?}",
            report.health_warnings
        );
        let h = report.health.unwrap();
        assert_eq!((h.items_per_page, h.fill["listing.price"]), (10.0, 1.0));
    }
    let (report, bus) = common::run(&cfg, &srv.base_url(), state.path()).await;
    assert_eq!(bus.listings().len(), 10);
    let w = &report.health_warnings;
    let fields: Vec<&str> = w.iter().map(|w| w.field.as_str()).collect();
    // The currency came with the price ("103.000đ"), so it went with it; titles and URLs stayed.
    assert_eq!(fields, ["listing.currency", "listing.price"], "{w:?}");
    assert_eq!((w[1].now, w[1].recent), (0.0, 1.0));
    assert!(w[1].message.contains("layout"), "{}", w[1].message);
    let saved: serde_json::Value =
        serde_json::from_slice(&std::fs::read(state.path().join("crawl/cards.json")).unwrap())
            .unwrap();
    assert_eq!(
        saved["health"].as_array().unwrap().len(),
        4,
        "kept in the crawl state"
    );
}
