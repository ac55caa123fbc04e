//! Entities in listing text (phones, bank accounts, URLs, handles, prices): every entity's span
//! lies within the text, and URL helpers answer for any text.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for e in soi_text::extract(&text) {
        soi_fuzz::assert_span(&text, e.start, e.end, &format!("{:?}", e.kind));
        if let Some(a) = e.amount {
            assert!(a.is_finite(), "{:?} amount {a}", e.kind);
        }
    }
    let folded = soi_text::fold(&text);
    let _ = folded;
});
