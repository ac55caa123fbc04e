//! Sitemaps: the `<loc>` values of any text, each a trimmed string from the text.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for loc in soi_crawl::sitemap_locs(&text) {
        assert_eq!(loc.trim(), loc, "locations are trimmed");
    }
});
