//! Page bytes to text: any Content-Type and body decode to text, never fail.
#![no_main]
use libfuzzer_sys::fuzz_target;
use soi_crawl::extract::charset::decode;

fuzz_target!(|data: &[u8]| {
    // The first line is the Content-Type header, the rest the body (bytes, not text).
    let (ct, body) = match data.iter().position(|&b| b == b'\n') {
        Some(i) => (String::from_utf8_lossy(&data[..i]), &data[i + 1..]),
        None => (Default::default(), data),
    };
    let _ = decode(body, &ct);
    let _ = decode(data, "");
});
