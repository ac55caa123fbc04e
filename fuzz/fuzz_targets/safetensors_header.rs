//! `model.safetensors`: any bytes (header length, JSON header, offsets, data) under a valid
//! tiny config give weights or an error naming the folder.
#![no_main]
use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use soi_encoder::weights::Weights;
use soi_encoder::ModelFolder;

fn dir() -> &'static PathBuf {
    static D: OnceLock<PathBuf> = OnceLock::new();
    D.get_or_init(|| {
        let d = soi_fuzz::scratch("safetensors");
        soi_fuzz::put(&d, "config.json", soi_fuzz::TINY_BERT.as_bytes());
        soi_fuzz::put(&d, "tokenizer.json", b"{}");
        d
    })
}

fuzz_target!(|data: &[u8]| {
    let d = dir();
    std::fs::write(d.join("model.safetensors"), data).expect("scratch file");
    let folder = ModelFolder::open(d).expect("the tiny config opens");
    if let Err(e) = Weights::load(&folder) {
        assert!(
            e.to_string().contains(&*d.to_string_lossy()),
            "error names the folder: {e}"
        );
    }
});
