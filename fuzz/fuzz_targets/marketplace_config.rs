//! Marketplace configs: any TOML gives a config or an error naming the file; an accepted config
//! compiles or lists its problems.
#![no_main]
use libfuzzer_sys::fuzz_target;
use soi_crawl::{Compiled, MarketplaceConfig};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let file = std::path::Path::new("fuzz.toml");
    match MarketplaceConfig::parse(&text, file) {
        Ok(cfg) => {
            let _ = cfg.expand("{base}/x?page={page}", Some("http://127.0.0.1"));
            let _ = Compiled::new(cfg);
        }
        Err(e) => assert!(e.to_string().contains("fuzz.toml"), "error names the file: {e}"),
    }
});
