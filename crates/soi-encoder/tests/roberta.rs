//! A RoBERTa-style checkpoint (positions after the padding index, one token type, a `roberta.`
//! prefix, no sentence-transformers files, a word-level tokenizer) runs through soi's forward
//! pass and agrees with candle-transformers' `BertModel` on the same weights laid out as BERT
//! (position table shifted by the offset). Tiny random weights written by the test itself: no
//! download needed.

use std::collections::HashMap;
use std::path::Path;

use candle_core::{Device, Tensor};
use soi_encoder::reference::CandleBert;
use soi_encoder::tokenize::Tokens;
use soi_encoder::{Encoder, ModelFolder};

const H: usize = 16;
const I: usize = 32;
const LAYERS: usize = 2;
const POS: usize = 40;
const WORDS: [&str; 12] = [
    "<s>", "<pad>", "</s>", "<unk>", "hang", "chinh", "hang", "gia", "re", "zalo", "shop", "ok",
];

struct Rng(u64);
impl Rng {
    fn vec(&mut self, n: usize, scale: f32) -> Vec<f32> {
        (0..n)
            .map(|_| {
                self.0 ^= self.0 << 13;
                self.0 ^= self.0 >> 7;
                self.0 ^= self.0 << 17;
                ((self.0 >> 40) as f32 / (1u64 << 24) as f32 - 0.5) * 2.0 * scale
            })
            .collect()
    }
}

fn tokenizer_json() -> String {
    let vocab: serde_json::Map<String, serde_json::Value> = WORDS
        .iter()
        .enumerate()
        .map(|(i, w)| (w.to_string(), serde_json::json!(i)))
        .collect();
    let special = |t: &str, id: u32| serde_json::json!({"id": t, "ids": [id], "tokens": [t]});
    serde_json::json!({
        "version": "1.0", "truncation": null, "padding": null, "added_tokens": [],
        "normalizer": {"type": "Lowercase"},
        "pre_tokenizer": {"type": "Whitespace"},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": "</s>", "type_id": 0}}],
            "pair": [{"Sequence": {"id": "A", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 0}}],
            "special_tokens": {"<s>": special("<s>", 0), "</s>": special("</s>", 2)}
        },
        "decoder": null,
        "model": {"type": "WordLevel", "vocab": vocab, "unk_token": "<unk>"}
    })
    .to_string()
}

fn config(model_type: &str) -> String {
    serde_json::json!({
        "model_type": model_type, "vocab_size": WORDS.len(), "hidden_size": H,
        "num_hidden_layers": LAYERS, "num_attention_heads": 4, "intermediate_size": I,
        "hidden_act": "gelu", "hidden_dropout_prob": 0.0, "max_position_embeddings": POS,
        "type_vocab_size": 1, "initializer_range": 0.02, "layer_norm_eps": 1e-5,
        "pad_token_id": 1, "position_embedding_type": "absolute", "classifier_dropout": null
    })
    .to_string()
}

/// Writes the same random weights as a RoBERTa folder and as a BERT folder.
fn write_pair(roberta: &Path, bert: &Path) {
    let mut r = Rng(0x5eed_1234_abcd_ef01);
    let mut w: Vec<(String, Vec<usize>, Vec<f32>)> = vec![
        (
            "embeddings.word_embeddings.weight".into(),
            vec![WORDS.len(), H],
            r.vec(WORDS.len() * H, 1.0),
        ),
        (
            "embeddings.position_embeddings.weight".into(),
            vec![POS, H],
            r.vec(POS * H, 1.0),
        ),
        (
            "embeddings.token_type_embeddings.weight".into(),
            vec![1, H],
            r.vec(H, 1.0),
        ),
        (
            "embeddings.LayerNorm.weight".into(),
            vec![H],
            r.vec(H, 0.2).iter().map(|x| x + 1.0).collect(),
        ),
        ("embeddings.LayerNorm.bias".into(), vec![H], r.vec(H, 0.1)),
    ];
    for l in 0..LAYERS {
        let b = format!("encoder.layer.{l}");
        for (name, out, inp) in [
            ("attention.self.query", H, H),
            ("attention.self.key", H, H),
            ("attention.self.value", H, H),
            ("attention.output.dense", H, H),
            ("intermediate.dense", I, H),
            ("output.dense", H, I),
        ] {
            let scale = 1.0 / (inp as f32).sqrt();
            w.push((
                format!("{b}.{name}.weight"),
                vec![out, inp],
                r.vec(out * inp, scale),
            ));
            w.push((format!("{b}.{name}.bias"), vec![out], r.vec(out, 0.1)));
        }
        for ln in ["attention.output.LayerNorm", "output.LayerNorm"] {
            w.push((
                format!("{b}.{ln}.weight"),
                vec![H],
                r.vec(H, 0.2).iter().map(|x| x + 1.0).collect(),
            ));
            w.push((format!("{b}.{ln}.bias"), vec![H], r.vec(H, 0.1)));
        }
    }
    let offset = 2; // pad_token_id + 1
    for (dir, prefix, model_type) in [(roberta, "roberta.", "roberta"), (bert, "", "bert")] {
        std::fs::create_dir_all(dir).unwrap();
        let mut t = HashMap::new();
        for (name, shape, v) in &w {
            let v = if name.contains("position_embeddings") && model_type == "bert" {
                // BERT counts positions from 0; RoBERTa from the offset.
                let mut s = v[offset * H..].to_vec();
                s.extend(std::iter::repeat_n(0.0, offset * H));
                s
            } else {
                v.clone()
            };
            t.insert(
                format!("{prefix}{name}"),
                Tensor::from_vec(v, shape.as_slice(), &Device::Cpu).unwrap(),
            );
        }
        candle_core::safetensors::save(&t, dir.join("model.safetensors")).unwrap();
        std::fs::write(dir.join("config.json"), config(model_type)).unwrap();
        std::fs::write(dir.join("tokenizer.json"), tokenizer_json()).unwrap();
    }
}

#[test]
fn a_roberta_checkpoint_agrees_with_bert_on_shifted_positions() {
    let d = tempfile::tempdir().unwrap();
    let (roberta, bert) = (d.path().join("roberta"), d.path().join("bert"));
    write_pair(&roberta, &bert);
    let enc = Encoder::load(&roberta, 2).expect("roberta folder loads");
    let f = enc.folder();
    assert_eq!((f.position_offset, f.max_len), (2, POS - 2));
    assert!(
        !f.normalize,
        "no modules.json: mean pooling, not normalised"
    );
    let texts = [
        "hang chinh hang gia re",
        "ZALO shop",
        "ok",
        "unknown words here ok",
    ];
    let got = enc.embed(&texts).expect("embed");
    let toks = enc.tokenize(&texts).unwrap();
    assert_eq!(
        toks[1].ids,
        vec![0, 9, 10, 2],
        "lower-cased words between <s> and </s>"
    );
    let candle = CandleBert::load(&ModelFolder::open(&bert).unwrap()).expect("bert folder");
    let refs: Vec<&Tokens> = toks.iter().collect();
    let want = candle.run(&refs).expect("candle");
    for ((g, w), t) in got.iter().zip(&want).zip(texts) {
        let diff = g
            .iter()
            .zip(w)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0f32, f32::max);
        assert!(diff < 1e-4, "{t:?}: largest difference {diff}");
    }
}
