//! Shared pieces of the fuzz targets: cutting one input into several texts, and the checks that
//! must hold whatever the input (spans slice the text they point into; risks are finite in
//! [0, 1]). Kept here so every target asserts the same thing the same way.

use soi_model::{char_len, char_slice, Listing, Verdict};

/// The input as text (invalid UTF-8 replaced), cut at `\0` into at most `n` parts; missing parts
/// are empty. One byte of the input chooses nothing: the fuzzer learns the separator quickly.
pub fn parts(data: &[u8], n: usize) -> Vec<String> {
    let text = String::from_utf8_lossy(data);
    let mut out: Vec<String> = text.splitn(n, '\0').map(str::to_string).collect();
    out.resize(n, String::new());
    out
}

/// A character span `start..end` lies within `text`.
pub fn assert_span(text: &str, start: usize, end: usize, what: &str) {
    let len = char_len(text);
    assert!(
        start <= end && end <= len,
        "{what}: span {start}..{end} outside a text of {len} characters"
    );
}

/// Every reason's span slices its field to the quoted evidence (or the evidence is a prefix of
/// the slice, when quotes are capped), and the risk and head probabilities are finite in [0, 1].
pub fn assert_verdict(listing: &Listing, v: &Verdict) {
    assert!(
        v.risk.is_finite() && (0.0..=1.0).contains(&v.risk),
        "risk {} not in [0, 1]",
        v.risk
    );
    for (head, p) in &v.heads {
        assert!(
            p.is_finite() && (0.0..=1.0).contains(p),
            "head {head}: {p} not in [0, 1]"
        );
    }
    for r in &v.reasons {
        if r.start == r.end {
            // A fact about the listing as a whole (the seller's age, the price against the
            // category): no span, and the evidence states the fact instead of quoting text.
            continue;
        }
        let text = listing.field_text(&r.field).unwrap_or_else(|| {
            panic!(
                "reason {} spans {}..{} of field {:?}, which the listing lacks",
                r.code, r.start, r.end, r.field
            )
        });
        assert_span(text, r.start, r.end, &r.code);
        let slice = char_slice(text, r.start, r.end);
        assert!(
            !r.evidence.is_empty() && slice.starts_with(&r.evidence),
            "reason {}: evidence {:?} is not the text at {}..{} ({:?})",
            r.code,
            r.evidence,
            r.start,
            r.end,
            slice
        );
    }
}

/// The repository root, for the shipped models and configs.
pub fn repo_root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("fuzz/ has a parent")
        .to_path_buf()
}

/// A scratch folder of this process for targets that read files (model folders): the same
/// folder every run, so files are overwritten rather than piled up.
pub fn scratch(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("soi-fuzz-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&d).expect("scratch folder");
    d
}

/// Writes `text` to `dir/rel`, or removes the file when `text` is empty (the file is absent).
pub fn put(dir: &std::path::Path, rel: &str, text: &[u8]) {
    let p = dir.join(rel);
    if text.is_empty() {
        let _ = std::fs::remove_file(&p);
        return;
    }
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).expect("scratch subfolder");
    }
    std::fs::write(&p, text).expect("scratch file");
}

/// `config.json` of a tiny BERT: four dimensions, one layer, eight tokens.
pub const TINY_BERT: &str = r#"{"model_type":"bert","vocab_size":8,"hidden_size":4,
"num_hidden_layers":1,"num_attention_heads":1,"intermediate_size":8,
"max_position_embeddings":8,"type_vocab_size":2}"#;

/// What the crawl does with an extracted listing before publishing it (ids escaped, then the
/// model's boundary), asserting it is accepted unless an id is longer than the model allows
/// (such a listing is dropped as a page problem, by design).
pub fn assert_publishable(l: &Listing, what: &str) {
    let mut m = l.clone();
    m.escape_ids();
    let too_long = |id: &str| id.chars().count() > soi_model::MAX_ID_CHARS;
    if too_long(&m.id) || m.seller.as_ref().is_some_and(|s| too_long(&s.id)) {
        return;
    }
    if let Err(e) = m.prepare() {
        panic!("{what} {l:?} is invalid: {e}");
    }
}
