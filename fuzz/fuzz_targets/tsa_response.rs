//! A time-stamping authority's answer (RFC 3161 TimeStampResp, DER) and a stored token: any
//! bytes are an answer or a typed error; an accepted answer's token reads back, and a token whose
//! TSTInfo reads matches its own sha256 imprint.
#![no_main]
use libfuzzer_sys::fuzz_target;
use soi_evidence::tsp;

fn check_token(token: &[u8]) {
    if let Ok(facts) = tsp::tst_info(token) {
        if let Ok(imprint) = <[u8; 32]>::try_from(facts.imprint.as_slice()) {
            let own = tsp::check_imprint(&facts, &imprint, None);
            assert_eq!(own.is_ok(), facts.imprint_algorithm == tsp::SHA256, "{own:?}");
        }
    }
}

fuzz_target!(|data: &[u8]| {
    match tsp::parse_response(data) {
        Ok(token) => {
            assert!(data.len() <= tsp::MAX_RESPONSE);
            assert!(token.len() <= data.len());
            check_token(&token);
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
    check_token(data);
});
