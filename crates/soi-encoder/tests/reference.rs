//! The encoder's sentence vectors against the ones sentence-transformers (PyTorch) produces with
//! the same all-MiniLM-L6-v2 weights (tests/fixtures/minilm_reference.json, written by
//! benches/encoder/reference.py). Needs the checkpoint from deploy/fetch-encoder.sh: skips with a
//! message without it, fails without it when SOI_REQUIRE_DATA=1 (CI).

mod common;

use common::{checkpoint, cosine};
use serde::Deserialize;
use soi_encoder::{reference::CandleBert, tokenize::Tokens, Encoder, ModelFolder};

#[derive(Deserialize)]
struct Fixture {
    max_seq_length: usize,
    sentences: Vec<Sentence>,
}

#[derive(Deserialize)]
struct Sentence {
    text: String,
    tokens: usize,
    embedding: Vec<f32>,
}

fn fixture() -> Fixture {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/minilm_reference.json"
    ))
    .expect("fixture");
    serde_json::from_str(&text).expect("fixture json")
}

#[test]
fn embeddings_match_sentence_transformers() {
    let Some(dir) = checkpoint() else { return };
    let fx = fixture();
    for threads in [1, 2] {
        let enc = Encoder::load(&dir, threads).expect("load");
        assert_eq!(enc.folder().max_len, fx.max_seq_length);
        let texts: Vec<&str> = fx.sentences.iter().map(|s| s.text.as_str()).collect();
        let toks = enc.tokenize(&texts).expect("tokenize");
        // One batch, all at once, and one text at a time must all agree with the reference.
        let together = enc.embed(&texts).expect("embed");
        for (i, s) in fx.sentences.iter().enumerate() {
            assert_eq!(toks[i].ids.len(), s.tokens, "token count of {:?}", s.text);
            let alone = enc.embed(&[s.text.as_str()]).expect("embed one");
            // A text's vector does not depend on which other texts share its batch, so a
            // verdict does not either (embedded and distributed runs batch differently).
            assert_eq!(alone[0], together[i], "batch-independent, bit for bit");
            for (what, v) in [("batched", &together[i]), ("alone", &alone[0])] {
                let c = cosine(v, &s.embedding);
                assert!(
                    c > 0.999,
                    "{what}, {threads} threads: cosine {c} for {:?}",
                    s.text
                );
                let norm: f32 = v.iter().map(|x| x * x).sum::<f32>().sqrt();
                assert!((norm - 1.0).abs() < 1e-4, "normalised");
            }
        }
    }
}

#[test]
fn candle_transformers_engine_agrees() {
    let Some(dir) = checkpoint() else { return };
    let fx = fixture();
    let folder = ModelFolder::open(&dir).expect("folder");
    let candle = CandleBert::load(&folder).expect("candle bert");
    let enc = Encoder::load(&dir, 1).expect("load");
    let texts: Vec<&str> = fx.sentences.iter().map(|s| s.text.as_str()).collect();
    let toks = enc.tokenize(&texts).expect("tokenize");
    let refs: Vec<&Tokens> = toks.iter().collect();
    let got = candle.run(&refs).expect("candle run");
    for (v, s) in got.iter().zip(&fx.sentences) {
        let c = cosine(v, &s.embedding);
        assert!(c > 0.999, "candle-transformers cosine {c} for {:?}", s.text);
    }
}
