//! `soi bench encoder`: texts per second through the encoder at given thread counts, with the
//! tokens they came to, and the peak memory of the process. Tokenization is inside the timing
//! (as it is in sentence-transformers' `encode`, the figure it is compared with). Each run embeds
//! every text, repeated until a minimum time has passed.

use std::path::Path;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::reference::CandleBert;
use crate::tokenize::Tokens;
use crate::{Encoder, EncoderError};

/// Which implementation runs the checkpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Engine {
    /// soi's ragged-batch forward pass ([`crate::forward`]), what the scorer uses.
    Soi,
    /// candle-transformers' `BertModel`, padded batches of 32 sorted by length.
    Candle,
}

/// One thread count's figures.
#[derive(Debug, Clone, Serialize)]
pub struct ThreadRun {
    pub threads: usize,
    pub texts_per_s: f64,
    pub tokens_per_s: f64,
    /// Times every text was embedded.
    pub rounds: usize,
}

/// What `soi bench encoder` measured.
#[derive(Debug, Clone, Serialize)]
pub struct EncoderBench {
    pub engine: Engine,
    pub model: String,
    pub texts: usize,
    /// Tokens after truncation, special tokens included, summed over the texts.
    pub tokens: usize,
    pub max_len: usize,
    pub batch_tokens: usize,
    pub runs: Vec<ThreadRun>,
    /// Peak resident memory of the process (VmHWM) after all runs, MiB.
    pub peak_rss_mib: f64,
}

/// Measures `engine` on `texts` at each of `threads`.
pub fn bench(
    dir: &Path,
    texts: &[String],
    threads: &[usize],
    engine: Engine,
    batch_tokens: usize,
    min: Duration,
) -> Result<EncoderBench, EncoderError> {
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    // Loaded once; each thread count only gets its own pool.
    let mut enc = Encoder::load(dir, 1)?.with_batch_tokens(batch_tokens);
    let tokens: usize = enc.tokenize(&refs)?.iter().map(|t| t.ids.len()).sum();
    let candle = match engine {
        Engine::Candle => Some(CandleBert::load(enc.folder())?),
        Engine::Soi => None,
    };
    let mut runs = Vec::new();
    for &n in threads {
        enc = enc.with_threads(n)?;
        let once = || -> Result<(), EncoderError> {
            match &candle {
                None => {
                    enc.embed(&refs)?;
                }
                Some(c) => enc.install(|| candle_round(&enc, c, &refs))?,
            }
            Ok(())
        };
        once()?; // warm-up: first-touch of buffers and caches
        let start = Instant::now();
        let mut rounds = 0;
        while rounds == 0 || start.elapsed() < min {
            once()?;
            rounds += 1;
        }
        let secs = start.elapsed().as_secs_f64();
        runs.push(ThreadRun {
            threads: n,
            texts_per_s: (texts.len() * rounds) as f64 / secs,
            tokens_per_s: (tokens * rounds) as f64 / secs,
            rounds,
        });
    }
    let folder = enc.folder();
    Ok(EncoderBench {
        engine,
        model: folder.identity(),
        texts: texts.len(),
        tokens,
        max_len: folder.max_len,
        batch_tokens,
        runs,
        peak_rss_mib: soi_learn::bench::peak_rss_mib(),
    })
}

/// Embeds `texts` with candle-transformers the way sentence-transformers batches: sorted by
/// length, 32 texts per padded batch.
fn candle_round(enc: &Encoder, c: &CandleBert, texts: &[&str]) -> Result<(), EncoderError> {
    let toks = enc.tokenize(texts)?;
    let mut order: Vec<usize> = (0..toks.len()).collect();
    order.sort_by_key(|&i| toks[i].ids.len());
    for b in order.chunks(32) {
        let group: Vec<&Tokens> = b.iter().map(|&i| &toks[i]).collect();
        c.run(&group)?;
    }
    Ok(())
}
