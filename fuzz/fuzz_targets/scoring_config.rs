//! Scoring configs: any TOML gives a config or an error naming its origin.
#![no_main]
use libfuzzer_sys::fuzz_target;
use soi_score::ScoringConfig;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match ScoringConfig::from_toml(&text, "fuzz.toml") {
        Ok(cfg) => {
            let _ = cfg.weight("off_platform_contact");
            let _ = cfg.blocklist_path(None);
        }
        Err(e) => assert!(e.to_string().contains("fuzz.toml"), "error names the origin: {e}"),
    }
});
