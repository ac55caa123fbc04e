//! `[[embedded]]` sources on pages that go wrong: a broken assignment, a script that is not
//! JSON, more items than the per-page cap, and config mistakes named at load.

mod common;

use soi_crawl::extract::{extract_page, PageRole};
use soi_crawl::{Compiled, MarketplaceConfig};
use url::Url;

const CONFIG: &str = r#"
id = "emb"
country = "VN"
currency = "VND"
seeds = ["https://shop.example.vn/"]
[limits]
max_items_per_page = 3
[[embedded]]
name = "catalog"
assign = "window.pageData"
items = "mods.listItems"
[embedded.fields]
id = "itemId"
title = "name"
[[embedded]]
name = "next"
script = "script#__NEXT_DATA__"
items = "props.items"
[embedded.fields]
id = "id"
title = "name"
"#;

fn extract(html: &str) -> soi_crawl::extract::PageExtract {
    let cfg = MarketplaceConfig::parse(CONFIG, std::path::Path::new("emb.toml")).unwrap();
    let c = Compiled::new(cfg).unwrap();
    let url = Url::parse("https://shop.example.vn/c/1").unwrap();
    extract_page(&c, &url, html, PageRole::default())
}

#[test]
fn broken_embedded_json_is_a_named_problem() {
    let out = extract(
        r#"<script>window.pageData = {"mods": {"listItems": [1, 2}};</script>
           <script id="__NEXT_DATA__">{"props": </script>"#,
    );
    assert!(out.listings.is_empty());
    assert_eq!(out.problems.len(), 2, "{:?}", out.problems);
    assert!(
        out.problems[0].starts_with("embedded `catalog`: the value assigned to `window.pageData`")
            && out.problems[0].contains("closes `[` with `}`"),
        "{}",
        out.problems[0]
    );
    assert!(
        out.problems[1].starts_with("embedded `next`: `script#__NEXT_DATA__` is not JSON"),
        "{}",
        out.problems[1]
    );
}

#[test]
fn items_over_the_cap_are_counted_not_read() {
    let items: Vec<String> = (0..10)
        .map(|i| format!(r#"{{"itemId": {i}, "name": "m {i}"}}"#))
        .collect();
    let html = format!(
        r#"<script>window.pageData = {{"mods": {{"listItems": [{}]}}}};</script>
           <script id="__NEXT_DATA__">{{"props": {{"items": [{{"id": "n", "name": "x"}}]}}}}</script>"#,
        items.join(",")
    );
    let out = extract(&html);
    assert_eq!(out.listings.len(), 3);
    assert_eq!(
        out.over_cap, 8,
        "7 catalog items past the cap, then the script's one"
    );
}

#[test]
fn config_mistakes_are_named() {
    let bad = CONFIG
        .replace(
            r#"assign = "window.pageData""#,
            r#"assign = "window pageData""#,
        )
        .replace(
            r#"items = "props.items""#,
            "items = \"props.items\"\nlisting_url = \"{base}/{a..b}\"",
        );
    let e = MarketplaceConfig::parse(&bad, std::path::Path::new("emb.toml")).unwrap_err();
    assert!(
        e.problem
            .contains("embedded `catalog`: assign `window pageData`"),
        "{e}"
    );
    assert_eq!(e.line, Some(10));
    let both = CONFIG.replace(
        r#"script = "script#__NEXT_DATA__""#,
        "script = \"script\"\nassign = \"x\"",
    );
    let e = MarketplaceConfig::parse(&both, std::path::Path::new("emb.toml")).unwrap_err();
    assert!(e.problem.contains("exactly one of `script`"), "{e}");
}
