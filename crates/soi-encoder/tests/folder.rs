//! A model folder that is not a usable encoder fails with one message naming the file and the
//! problem, before any weight is read.

use std::path::Path;

use soi_encoder::ModelFolder;

fn folder(files: &[(&str, &str)]) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    for (name, body) in files {
        let p = d.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, body).unwrap();
    }
    d
}

const BERT: &str = r#"{"model_type":"bert","vocab_size":10,"hidden_size":8,"num_hidden_layers":1,
  "num_attention_heads":2,"intermediate_size":16,"max_position_embeddings":32}"#;

fn err(dir: &Path) -> String {
    ModelFolder::open(dir).expect_err("must fail").to_string()
}

#[test]
fn names_the_missing_files() {
    let d = folder(&[("config.json", BERT), ("pytorch_model.bin", "x")]);
    let e = err(d.path());
    assert!(
        e.contains("missing tokenizer.json, model.safetensors"),
        "{e}"
    );
    assert!(e.contains("convert it to safetensors"), "{e}");
    let e = err(&d.path().join("nope"));
    assert!(
        e.contains("no such folder") && e.contains("fetch-encoder.sh"),
        "{e}"
    );
}

#[test]
fn refuses_what_it_cannot_run() {
    let base = [("tokenizer.json", "{}"), ("model.safetensors", "")];
    for (config, want) in [
        (
            BERT.replace("\"bert\"", "\"gpt2\""),
            "model_type `gpt2` is not a BERT-family encoder",
        ),
        (
            BERT.replace("\"num_attention_heads\":2", "\"num_attention_heads\":3"),
            "not a multiple",
        ),
        (
            BERT.replace("\"hidden_size\":8,", ""),
            "config.json: missing field `hidden_size`",
        ),
        (
            BERT.replace("{", "{\"hidden_act\":\"swish\","),
            "hidden_act `swish`",
        ),
    ] {
        let d = folder(&[base[0], base[1], ("config.json", &config)]);
        let e = err(d.path());
        assert!(e.contains(want), "{e} should contain {want}");
    }
}

#[test]
fn reads_pooling_and_length_from_sentence_transformers_files() {
    let modules = r#"[{"idx":0,"name":"0","path":"","type":"sentence_transformers.models.Transformer"},
      {"idx":1,"name":"1","path":"1_Pooling","type":"sentence_transformers.models.Pooling"}]"#;
    let cls = r#"{"word_embedding_dimension":8,"pooling_mode_cls_token":true,"pooling_mode_mean_tokens":false}"#;
    let roberta = BERT
        .replace("\"bert\"", "\"roberta\"")
        .replace("{", "{\"pad_token_id\":1,");
    let d = folder(&[
        ("config.json", &roberta),
        ("tokenizer.json", "{}"),
        ("model.safetensors", ""),
        ("modules.json", modules),
        ("1_Pooling/config.json", cls),
        ("sentence_bert_config.json", r#"{"max_seq_length": 128}"#),
    ]);
    let f = ModelFolder::open(d.path()).expect("opens");
    assert_eq!(f.pooling, soi_encoder::folder::Pooling::Cls);
    assert!(!f.normalize);
    assert_eq!(
        f.position_offset, 2,
        "RoBERTa positions start after the padding index"
    );
    assert_eq!(f.max_len, 30, "capped by the 32 positions less the offset");
    std::fs::write(
        d.path().join("1_Pooling/config.json"),
        r#"{"pooling_mode_cls_token":true,"pooling_mode_mean_tokens":true}"#,
    )
    .unwrap();
    assert!(err(d.path()).contains("exactly one of mean, cls or max"));
}

#[test]
fn refuses_a_pooling_path_that_leaves_the_folder() {
    let outer = folder(&[
        (
            "outside/config.json",
            r#"{"pooling_mode_mean_tokens":true}"#,
        ),
        ("model/config.json", BERT),
        ("model/tokenizer.json", "{}"),
        ("model/model.safetensors", ""),
    ]);
    let dir = outer.path().join("model");
    let abs = outer.path().join("outside");
    for path in [
        "../outside",
        abs.to_str().unwrap(),
        "1_Pooling/../../outside",
    ] {
        let modules = format!(
            r#"[{{"type":"sentence_transformers.models.Pooling","path":{}}}]"#,
            serde_json::to_string(path).unwrap()
        );
        std::fs::write(dir.join("modules.json"), modules).unwrap();
        let e = err(&dir);
        assert!(
            e.contains("modules.json") && e.contains("leaves the model folder"),
            "{path}: {e}"
        );
    }
}

/// The fuzz target `checkpoint_config`'s crash inputs (fuzz/regressions/checkpoint_config):
/// `config.json`, `modules.json`, the pooling config and `sentence_bert_config.json` cut at NUL,
/// written as a folder; it opens or fails with an error naming the folder.
#[test]
fn fuzz_regressions_open_or_name_the_folder() {
    let regs =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/regressions/checkpoint_config");
    let mut n = 0;
    for entry in std::fs::read_dir(&regs).expect("regressions folder") {
        let input = std::fs::read(entry.unwrap().path()).unwrap();
        let text = String::from_utf8_lossy(&input);
        let mut parts: Vec<&str> = text.splitn(4, '\0').collect();
        parts.resize(4, "");
        let names = [
            "config.json",
            "modules.json",
            "1_Pooling/config.json",
            "sentence_bert_config.json",
        ];
        let mut files: Vec<(&str, &str)> = names
            .iter()
            .zip(&parts)
            .filter(|(_, body)| !body.is_empty())
            .map(|(n, b)| (*n, *b))
            .collect();
        files.extend([("tokenizer.json", "{}"), ("model.safetensors", "\0")]);
        let d = folder(&files);
        match ModelFolder::open(d.path()) {
            // What the fuzz target asserts of an accepted folder.
            Ok(f) => assert!(f.max_len >= 3 && f.head_dim() > 0, "{f:?}"),
            Err(e) => {
                let e = e.to_string();
                assert!(
                    e.contains(&*d.path().to_string_lossy()),
                    "error names the folder: {e}"
                );
            }
        }
        n += 1;
    }
    assert!(n > 0, "no regression inputs in {}", regs.display());
}
