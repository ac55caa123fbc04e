//! `tokenizer.json` through the tokenizers crate, with the folder's own padding switched off:
//! the encoder runs sequences at their true length, so padding would only add work.

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

impl TextTokenizer {
    pub fn load(path: &Path, max_len: usize) -> Result<TextTokenizer, EncoderError> {
        let bad = |why: String| EncoderError::Tokenizer {
            path: path.display().to_string(),
            why,
        };
        let mut inner = Tokenizer::from_file(path).map_err(|e| bad(e.to_string()))?;
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
