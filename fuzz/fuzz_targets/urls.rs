//! URL and domain helpers: any text gets a host, a registrable part and a skeleton.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let host = soi_text::host_of(&text);
    let reg = soi_text::registrable(&host);
    assert!(host.ends_with(reg), "registrable {reg:?} is a suffix of {host:?}");
    let _ = soi_text::skeleton(&host);
});
