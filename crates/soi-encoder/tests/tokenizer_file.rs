//! A published `tokenizer.json` is outside input: any file gives a tokenizer or an error naming
//! the file, never a panic. Replays the fuzz target `tokenizer_json`'s crash inputs
//! (fuzz/regressions/tokenizer_json: the file, then a NUL, then a text).

use std::path::Path;

use soi_encoder::tokenize::TextTokenizer;

#[test]
fn fuzz_regressions_load_or_name_the_file() {
    let regs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/regressions/tokenizer_json");
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("tokenizer.json");
    let mut n = 0;
    for entry in std::fs::read_dir(&regs).expect("regressions folder") {
        let input = std::fs::read(entry.expect("entry").path()).expect("read");
        let text = String::from_utf8_lossy(&input);
        let body = text.split('\0').next().unwrap_or_default();
        std::fs::write(&path, body).expect("write");
        match TextTokenizer::load(&path, 16) {
            Ok(t) => {
                for x in t.encode(&["giá rẻ liên hệ zalo"]).expect("encode") {
                    assert!(x.ids.len() <= 16);
                }
            }
            Err(e) => {
                let e = e.to_string();
                assert!(e.contains("tokenizer.json"), "error names the file: {e}");
            }
        }
        n += 1;
    }
    assert!(n > 0, "no regression inputs in {}", regs.display());
}

#[test]
fn a_bad_string_inside_the_decoder_is_an_error_with_its_place() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("tokenizer.json");
    std::fs::write(&path, "{\"decoder\":\n\"\u{10}").expect("write");
    let e = TextTokenizer::load(&path, 16)
        .err()
        .expect("refused")
        .to_string();
    assert!(e.contains("not JSON") && e.contains("line 2"), "{e}");
}

#[test]
fn a_valid_tokenizer_still_loads() {
    let Some(dir) = soi_encoder::paths::test_checkpoint() else {
        return;
    };
    let t = TextTokenizer::load(&dir.join("tokenizer.json"), 8).expect("load");
    let toks = t.encode(&["a fairly long sentence that goes past eight tokens for sure"]);
    assert_eq!(toks.expect("encode")[0].ids.len(), 8);
}
