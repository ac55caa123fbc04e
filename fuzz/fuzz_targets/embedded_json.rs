//! JSON embedded in pages: the `NAME =` scanner on any script text, and `[[embedded]]` sources
//! (a `script` element and a `window.pageData` assignment) on any page. What the scanner
//! returns is a balanced object or array inside the text; listings read validate.
#![no_main]
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use soi_crawl::extract::assign::{assigned, is_name};
use soi_crawl::extract::{extract_page, PageRole};
use soi_crawl::{Compiled, MarketplaceConfig};

const CONFIG: &str = r#"
id = "embeddedish"
country = "VN"
currency = "VND"
seeds = ["https://shop.example.vn/"]
[limits]
max_items_per_page = 50
[[embedded]]
name = "next"
script = "script#__NEXT_DATA__"
items = "props.items"
listing_url = "{base}/{url_path}"
[embedded.fields]
id = "id"
title = "name"
price = "price"
description = "desc"
"seller.id" = "seller.id"
"seller.ship_from" = "seller.location"
"seller.joined_at" = "seller.joined"
[[embedded]]
name = "page"
assign = "window.pageData"
items = "mods.listItems"
[embedded.fields]
id = "itemId"
title = "name"
url = "productUrl"
"seller.id" = "sellerId"
"#;

fn config() -> &'static Compiled {
    static C: OnceLock<Compiled> = OnceLock::new();
    C.get_or_init(|| {
        let cfg = MarketplaceConfig::parse(CONFIG, std::path::Path::new("embeddedish.toml"))
            .expect("config");
        Compiled::new(cfg).expect("config compiles")
    })
}

fuzz_target!(|data: &[u8]| {
    let p = soi_fuzz::parts(data, 3);
    if is_name(&p[1]) {
        if let Ok(v) = assigned(&p[0], &p[1], 4096) {
            assert!(v.len() <= 4096, "over the cap");
            assert!(p[0].contains(v), "not a slice of the script");
            let (first, last) = (v.as_bytes()[0], v.as_bytes()[v.len() - 1]);
            assert!(
                (first == b'{' && last == b'}') || (first == b'[' && last == b']'),
                "not an object or array: {v:?}"
            );
        }
    }
    let html = format!(
        "<html><head><script id=\"__NEXT_DATA__\" type=\"application/json\">{}</script>\
         <script>{}</script></head><body></body></html>",
        p[0], p[2]
    );
    let url = url::Url::parse("https://shop.example.vn/c/1?page=2").expect("url");
    let out = extract_page(config(), &url, &html, PageRole::default());
    assert!(out.listings.len() <= 50, "over the per-page cap");
    for l in &out.listings {
        soi_fuzz::assert_publishable(l, "embedded listing");
    }
});
