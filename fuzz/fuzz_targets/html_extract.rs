//! HTML extraction (CSS rules, JSON-LD, microdata, OpenGraph, links) with the shipped
//! marketplace configs: any page gives listings that validate, sellers with ids, and links.
#![no_main]
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use soi_crawl::extract::{extract_page, PageRole};
use soi_crawl::Compiled;

/// The generic schema.org reader (demo) and CSS rules (amazon-com), as shipped.
fn configs() -> &'static [Compiled] {
    static C: OnceLock<Vec<Compiled>> = OnceLock::new();
    C.get_or_init(|| {
        ["demo", "amazon-com"]
            .iter()
            .map(|n| {
                let dir = soi_fuzz::repo_root().join("pipelines");
                let cfg = soi_crawl::load_marketplace(&dir, n).expect("shipped config loads");
                Compiled::new(cfg).expect("shipped config compiles")
            })
            .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    let html = String::from_utf8_lossy(data);
    let url = url::Url::parse("https://shop.example.vn/listings/a-1.html?x=1").expect("url");
    let role = PageRole {
        listing: true,
        seller: true,
    };
    for c in configs() {
        let out = extract_page(c, &url, &html, role);
        for l in &out.listings {
            soi_fuzz::assert_publishable(l, "extracted listing");
        }
        for s in &out.sellers {
            assert!(!s.id.trim().is_empty(), "extracted seller without id: {s:?}");
        }
    }
});
