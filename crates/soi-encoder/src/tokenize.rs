//! `tokenizer.json` through the tokenizers crate, with the folder's own padding switched off:
//! the encoder runs sequences at their true length, so padding would only add work.
//!
//! The file comes with a checkpoint someone else published, so it is read defensively: as JSON
//! first (an error names the line and column), and only then handed to the tokenizers crate,
//! whose streaming reader panics on some malformed files (a bad string inside `decoder` hits an
//! `expect` there; a fuzz finding). A panic that still escapes the crate is an error, not a crash.

use std::io::Read;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

use tokenizers::{Tokenizer, TruncationParams};

use crate::EncoderError;

/// One tokenized text.
#[derive(Debug, Clone)]
pub struct Tokens {
    pub ids: Vec<u32>,
    pub type_ids: Vec<u32>,
}

/// A tokenizer that truncates to the encoder's length and never pads.
pub struct TextTokenizer {
    inner: Tokenizer,
}

/// The largest `tokenizer.json` read (multilingual vocabularies are about 17 MB).
const MAX_TOKENIZER_BYTES: u64 = 64 << 20;

/// `tokenizer.json` as JSON, then as a tokenizer; every failure as a sentence.
fn read_tokenizer(path: &Path) -> Result<Tokenizer, String> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_TOKENIZER_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > MAX_TOKENIZER_BYTES {
        return Err(format!("more than the {MAX_TOKENIZER_BYTES} bytes read"));
    }
    let value: serde_json::Value =
        serde_json::from_slice(&bytes).map_err(|e| format!("not JSON: {e}"))?;
    match catch_unwind(AssertUnwindSafe(|| {
        serde_json::from_value::<Tokenizer>(value)
    })) {
        Ok(read) => read.map_err(|e| e.to_string()),
        Err(_) => Err("the tokenizers library could not read it (it panicked)".into()),
    }
}

impl TextTokenizer {
    pub fn load(path: &Path, max_len: usize) -> Result<TextTokenizer, EncoderError> {
        let bad = |why: String| EncoderError::Tokenizer {
            path: path.display().to_string(),
            why,
        };
        let mut inner = read_tokenizer(path).map_err(bad)?;
        inner.with_padding(None);
        inner
            .with_truncation(Some(TruncationParams {
                max_length: max_len,
                ..Default::default()
            }))
            .map_err(|e| bad(e.to_string()))?;
        Ok(TextTokenizer { inner })
    }

    /// Tokens of each text, special tokens included.
    pub fn encode(&self, texts: &[&str]) -> Result<Vec<Tokens>, EncoderError> {
        let enc =
            self.inner
                .encode_batch(texts.to_vec(), true)
                .map_err(|e| EncoderError::Tokenizer {
                    path: "tokenizer.json".into(),
                    why: e.to_string(),
                })?;
        Ok(enc
            .into_iter()
            .map(|e| Tokens {
                ids: e.get_ids().to_vec(),
                type_ids: e.get_type_ids().to_vec(),
            })
            .collect())
    }
}
