//! Price texts (`soi-price`, the one price parser): an accepted price is finite, non-negative,
//! and a range is ordered.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(p) = soi_price::parse_price_or(&text, Some("VND")) {
        assert!(p.amount.is_finite() && p.amount >= 0.0, "amount {}", p.amount);
        if let Some(m) = p.max {
            assert!(m.is_finite() && m >= p.amount, "max {m} below {}", p.amount);
        }
    }
});
