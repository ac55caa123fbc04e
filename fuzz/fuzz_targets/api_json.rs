//! Embedded and API JSON mapped onto listings and sellers by field paths: any document gives
//! items, and every listing the mapping accepts validates.
#![no_main]
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use soi_crawl::extract::{api, Ctx};
use soi_crawl::{Compiled, MarketplaceConfig};

const CONFIG: &str = r#"
id = "apiish"
country = "VN"
currency = "VND"
base_url = "http://127.0.0.1:1"
[[api]]
name = "search"
url = "{base}/api?page={page}"
items = "data.items"
price_divisor = 100000
listing_url = "{base}/product/{seller_id}/{id}"
[api.fields]
id = "item.itemid"
title = "item.name"
description = "item.desc"
price = "item.price"
images = "item.images"
category = "item.cat[0]"
"seller.id" = "item.shop.id"
"seller.name" = "item.shop.name"
"seller.country" = "item.shop.country"
"seller.followers" = "item.shop.followers"
"seller.official" = "item.shop.official"
"seller.joined_at" = "item.shop.ctime"
"#;

fn config() -> &'static Compiled {
    static C: OnceLock<Compiled> = OnceLock::new();
    C.get_or_init(|| {
        let cfg = MarketplaceConfig::parse(CONFIG, std::path::Path::new("apiish.toml"))
            .expect("config");
        Compiled::new(cfg).expect("config compiles")
    })
}

fuzz_target!(|data: &[u8]| {
    let p = soi_fuzz::parts(data, 2);
    let Ok(doc) = serde_json::from_str::<serde_json::Value>(&p[0]) else {
        return;
    };
    let _ = api::parse_path(&p[1]).map(|_| api::get(&doc, &p[1]));
    let c = config();
    let src = c.config.api[0].mapping();
    let url = url::Url::parse("http://127.0.0.1:1/api?page=1").expect("url");
    let ctx = Ctx::new(c, &url);
    for item in api::page_items(&doc, &src) {
        if let Ok(l) = api::listing(item, &src, &ctx, "http://127.0.0.1:1") {
            soi_fuzz::assert_publishable(&l, "API listing");
        }
        if let Ok(s) = api::seller(item, &src, &ctx) {
            assert!(!s.id.trim().is_empty(), "API seller without id: {s:?}");
        }
    }
});
