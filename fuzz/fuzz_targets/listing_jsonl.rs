//! JSON Lines listings (`soi score --input`, the HTTP ingest): every accepted line is a listing
//! that passes validation and survives a round trip through its own JSON.
#![no_main]
use libfuzzer_sys::fuzz_target;
use soi_model::Listing;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for line in text.lines() {
        if let Ok(l) = Listing::from_json(line) {
            l.validate().expect("an accepted listing is valid");
            let again = serde_json::to_string(&l).expect("a listing serialises");
            Listing::from_json(&again).expect("a listing reads back its own JSON");
        }
    }
});
