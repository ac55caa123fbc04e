//! Hotline complaint exports (soi-link `complaint::read`), as CSV and as JSON Lines: every
//! accepted complaint has an id, a text and a time in range, a finite non-negative amount, and
//! every identifier found in it quotes a span inside its field.
#![no_main]
use libfuzzer_sys::fuzz_target;
use soi_link::complaint::{complaint_keys, read, Format};

fuzz_target!(|data: &[u8]| {
    for format in [Format::Csv, Format::JsonLines] {
        let Ok(rows) = read(data, format) else { continue };
        for (line, row) in rows {
            assert!(line >= 1, "line numbers start at 1");
            let Ok(c) = row else { continue };
            assert!(!c.id.trim().is_empty() && !c.text.trim().is_empty());
            assert!(soi_model::check_date("received_at", &c.received_at).is_ok());
            if let Some(a) = c.amount {
                assert!(a.is_finite() && a >= 0.0, "amount {a}");
            }
            for k in complaint_keys(&c) {
                let text = c.field_text(&k.evidence.field).expect("a field the complaint has");
                soi_fuzz::assert_span(text, k.evidence.start, k.evidence.end, k.kind.as_str());
            }
        }
    }
});
