//! Checkpoint folders: `config.json`, `modules.json`, the pooling config and
//! `sentence_bert_config.json` in any combination give a folder or an error naming the folder,
//! and an accepted folder has room for a sequence and whole attention heads.
#![no_main]
use libfuzzer_sys::fuzz_target;
use soi_encoder::ModelFolder;

fuzz_target!(|data: &[u8]| {
    let p = soi_fuzz::parts(data, 4);
    let dir = soi_fuzz::scratch("checkpoint");
    soi_fuzz::put(&dir, "config.json", p[0].as_bytes());
    soi_fuzz::put(&dir, "modules.json", p[1].as_bytes());
    soi_fuzz::put(&dir, "1_Pooling/config.json", p[2].as_bytes());
    soi_fuzz::put(&dir, "sentence_bert_config.json", p[3].as_bytes());
    soi_fuzz::put(&dir, "tokenizer.json", b"{}");
    soi_fuzz::put(&dir, "model.safetensors", b"\0");
    match ModelFolder::open(&dir) {
        Ok(f) => {
            assert!(f.max_len >= 3, "max_len {}", f.max_len);
            assert!(f.head_dim() > 0, "head_dim 0");
        }
        Err(e) => assert!(
            e.to_string().contains(&*dir.to_string_lossy()),
            "error names the folder: {e}"
        ),
    }
});
