//! `tokenizer.json`: any file gives a tokenizer or an error, and an accepted tokenizer encodes
//! any text into at most the length asked for, one type id per token.
#![no_main]
use libfuzzer_sys::fuzz_target;
use soi_encoder::tokenize::TextTokenizer;

fuzz_target!(|data: &[u8]| {
    let p = soi_fuzz::parts(data, 2);
    let dir = soi_fuzz::scratch("tokenizer");
    let path = dir.join("tokenizer.json");
    std::fs::write(&path, p[0].as_bytes()).expect("scratch file");
    let Ok(t) = TextTokenizer::load(&path, 16) else {
        return;
    };
    if let Ok(toks) = t.encode(&["giá rẻ liên hệ zalo 0912345678", &p[1]]) {
        for x in toks {
            assert!(x.ids.len() <= 16, "{} tokens past the limit of 16", x.ids.len());
            assert_eq!(x.ids.len(), x.type_ids.len(), "one type id per token");
        }
    }
});
