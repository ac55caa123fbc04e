//! [`Encoder`]: a checked model folder, its tokenizer and its weights, turning texts into
//! sentence vectors. Texts are sorted by length and cut into batches of at most a token budget,
//! so batches hold texts of similar length (attention, which grows with the square of a text's
//! length, stays balanced across threads) and memory stays bounded whatever the input.

use std::path::Path;

use crate::folder::ModelFolder;
use crate::forward::Forward;
use crate::tokenize::{TextTokenizer, Tokens};
use crate::weights::Weights;
use crate::EncoderError;

/// Tokens per forward batch unless set otherwise.
pub const DEFAULT_BATCH_TOKENS: usize = 2048;

/// A loaded encoder. Cheap to share between threads behind an `Arc`.
pub struct Encoder {
    folder: ModelFolder,
    tokenizer: TextTokenizer,
    weights: Weights,
    pool: rayon::ThreadPool,
    threads: usize,
    batch_tokens: usize,
}

impl Encoder {
    /// Loads the folder at `dir` to run on `threads` threads (at least 1).
    pub fn load(dir: &Path, threads: usize) -> Result<Encoder, EncoderError> {
        let folder = ModelFolder::open(dir)?;
        let tokenizer = TextTokenizer::load(&dir.join("tokenizer.json"), folder.max_len)?;
        let weights = Weights::load(&folder)?;
        let threads = threads.max(1);
        let pool = thread_pool(threads, dir)?;
        tracing::info!(
            dir = %dir.display(),
            layers = folder.arch.num_hidden_layers,
            hidden = folder.arch.hidden_size,
            max_len = folder.max_len,
            threads,
            "encoder loaded"
        );
        Ok(Encoder {
            folder,
            tokenizer,
            weights,
            pool,
            threads,
            batch_tokens: DEFAULT_BATCH_TOKENS,
        })
    }

    /// The same encoder on `threads` threads (the weights are kept, only the pool changes).
    pub fn with_threads(mut self, threads: usize) -> Result<Encoder, EncoderError> {
        self.threads = threads.max(1);
        self.pool = thread_pool(self.threads, &self.folder.dir)?;
        Ok(self)
    }

    /// Runs `f` on this encoder's threads (for work beside the encoder, e.g. another engine).
    pub fn install<R: Send>(&self, f: impl FnOnce() -> R + Send) -> R {
        self.pool.install(f)
    }

    /// Sets the token budget of one forward batch.
    pub fn with_batch_tokens(mut self, n: usize) -> Encoder {
        self.batch_tokens = n.max(1);
        self
    }

    pub fn folder(&self) -> &ModelFolder {
        &self.folder
    }

    /// Length of the sentence vectors.
    pub fn dim(&self) -> usize {
        self.folder.arch.hidden_size
    }

    pub fn threads(&self) -> usize {
        self.threads
    }

    pub fn batch_tokens(&self) -> usize {
        self.batch_tokens
    }

    /// Tokens of each text (truncated to the model's length, special tokens included).
    pub fn tokenize(&self, texts: &[&str]) -> Result<Vec<Tokens>, EncoderError> {
        self.pool.install(|| self.tokenizer.encode(texts))
    }

    /// One sentence vector per text, in order.
    pub fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EncoderError> {
        let tokens = self.tokenize(texts)?;
        let refs: Vec<&Tokens> = tokens.iter().collect();
        Ok(self.embed_tokens(&refs))
    }

    /// One sentence vector per tokenized text, in order: sorted by length, batched by the token
    /// budget, run, and put back in the caller's order.
    pub fn embed_tokens(&self, seqs: &[&Tokens]) -> Vec<Vec<f32>> {
        let mut order: Vec<usize> = (0..seqs.len()).collect();
        order.sort_by_key(|&i| seqs[i].ids.len());
        let mut out = vec![Vec::new(); seqs.len()];
        for batch in batches(&order, |i| seqs[i].ids.len(), self.batch_tokens) {
            let group: Vec<&Tokens> = batch.iter().map(|&i| seqs[i]).collect();
            let vecs = self.run_batch(&group);
            for (&i, v) in batch.iter().zip(vecs) {
                out[i] = v;
            }
        }
        out
    }

    /// One forward pass over `seqs` as a single batch, on this encoder's threads.
    pub fn run_batch(&self, seqs: &[&Tokens]) -> Vec<Vec<f32>> {
        let f = Forward {
            folder: &self.folder,
            weights: &self.weights,
            threads: self.threads,
        };
        self.pool.install(|| f.run(seqs))
    }
}

fn thread_pool(threads: usize, dir: &Path) -> Result<rayon::ThreadPool, EncoderError> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("soi-encoder-{i}"))
        .build()
        .map_err(|e| EncoderError::folder(dir, format!("starting threads: {e}")))
}

/// Cuts `order` (already sorted by length) into runs whose lengths sum to at most `budget`
/// (a single longer text gets a batch of its own).
pub fn batches<'a>(
    order: &'a [usize],
    len: impl Fn(usize) -> usize + 'a,
    budget: usize,
) -> impl Iterator<Item = &'a [usize]> + 'a {
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= order.len() {
            return None;
        }
        let mut end = start;
        let mut sum = 0;
        while end < order.len() && (end == start || sum + len(order[end]) <= budget) {
            sum += len(order[end]);
            end += 1;
        }
        let b = &order[start..end];
        start = end;
        Some(b)
    })
}

#[cfg(test)]
mod tests {
    use super::batches;

    #[test]
    fn batches_respect_the_budget_and_keep_every_item() {
        let lens = [3usize, 5, 5, 9, 20, 2];
        let order = [5usize, 0, 1, 2, 3, 4];
        let got: Vec<Vec<usize>> = batches(&order, |i| lens[i], 10)
            .map(<[usize]>::to_vec)
            .collect();
        assert_eq!(got, vec![vec![5, 0, 1], vec![2], vec![3], vec![4]]);
    }
}
