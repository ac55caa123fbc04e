//! A hostile list page with more cards than `limits.max_items_per_page`: the crawl keeps the
//! cap, counts the rest in its report and goes on.

mod common;

use common::{html, not_found, site, try_run, Collect};

fn cards(n: usize) -> String {
    let cards: String = (0..n)
        .map(|i| {
            format!(
                r#"<div class="card"><a class="t" href="/item/{i}">Áo {i}</a><b>{i}000đ</b></div>"#
            )
        })
        .collect();
    format!("<html><body>{cards}</body></html>")
}

fn config(limits: &str) -> soi_crawl::MarketplaceConfig {
    let text = format!(
        r#"
id = "t"
country = "VN"
currency = "VND"
base_url = "http://127.0.0.1:1"
seeds = ["{{base}}/search"]
[links]
listing = ['^/item/']
[limits]
allow_private = true
requests_per_second = 200.0
{limits}
[extract.listing]
container = "div.card"
pages = ['^/search']
[extract.listing.fields]
title = "a.t"
url = "a.t @href"
price = "b"
"#
    );
    soi_crawl::MarketplaceConfig::parse(&text, std::path::Path::new("t.toml")).unwrap()
}

#[tokio::test]
async fn cards_over_the_per_page_cap_are_counted_and_left_out() {
    let page = cards(620);
    let (srv, _) = site(move |p, _| match p {
        "/search" => html(&page),
        _ => not_found(),
    })
    .await;
    let state = tempfile::tempdir().unwrap();
    let bus = Collect::default();
    let report = try_run(
        &config("robots = false\nmax_pages = 1"),
        &srv.base_url(),
        state.path(),
        &bus,
    )
    .await
    .unwrap();
    assert_eq!(bus.listings().len(), 500, "the default cap");
    assert_eq!((report.listings, report.items_over_cap), (500, 120));
    assert!(
        report.problems.iter().any(|p| p
            .message
            .contains("120 listings or sellers over the cap of 500")),
        "{:?}",
        report.problems
    );
    let state = tempfile::tempdir().unwrap();
    let bus = Collect::default();
    let report = try_run(
        &config("robots = false\nmax_pages = 1\nmax_items_per_page = 7"),
        &srv.base_url(),
        state.path(),
        &bus,
    )
    .await
    .unwrap();
    assert_eq!((bus.listings().len(), report.items_over_cap), (7, 613));
}
