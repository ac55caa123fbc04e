//! The encoder as the scorer's second tier ([`soi_score::SecondTier`]): texts go through the
//! bounded [`EncoderQueue`], each head answers on the sentence vector, and the head's cascade
//! decides how that answer changes the fast tier's. When the queue is full the scorer waits for
//! room (backpressure to the bus) instead of giving different verdicts under load; if the encoder
//! fails outright, the fast tier's answers stand and a warning says so.

use std::path::Path;
use std::sync::Arc;

use soi_score::{HeadProbs, ScoringConfig, SecondTier};

use crate::cascade;
use crate::heads::{Heads, Probs};
use crate::queue::EncoderQueue;
use crate::{Encoder, EncoderError};

pub struct EncoderTier {
    queue: EncoderQueue,
    heads: Heads,
    name: String,
}

impl EncoderTier {
    /// The encoder checkpoint in `checkpoint` with `heads` (read from `heads_dir`), which must
    /// have been trained on this checkpoint.
    pub fn new(
        checkpoint: &Path,
        heads: Heads,
        heads_dir: &Path,
        threads: usize,
        max_queued_tokens: usize,
    ) -> Result<EncoderTier, EncoderError> {
        let enc = Encoder::load(checkpoint, threads)?;
        check_pair(&enc, &heads, heads_dir)?;
        let name = heads.config.name.clone();
        Ok(EncoderTier {
            queue: EncoderQueue::start(Arc::new(enc), max_queued_tokens),
            heads,
            name,
        })
    }

    /// Whether any head's cascade wants the encoder's opinion on a text the fast tier scored so.
    pub fn unsure(&self, fast: &HeadProbs) -> bool {
        self.heads.config.heads.iter().any(|spec| {
            Probs::of(fast, spec.name)
                .is_some_and(|f| cascade::unsure(&f, spec.fast_threshold, spec.mix))
        })
    }

    /// The cascade's answer for one text given the fast tier's.
    pub fn combine(&self, v: &[f32], fast: &HeadProbs) -> HeadProbs {
        let mut out = *fast;
        for (i, spec) in self.heads.config.heads.iter().enumerate() {
            let Some(f) = Probs::of(fast, spec.name) else {
                continue;
            };
            let th = (spec.fast_threshold, spec.threshold);
            cascade::combine(&f, &self.heads.predict(i, v), th, spec.mix)
                .store(&mut out, spec.name);
        }
        out
    }

    /// Embeds through the queue; while it answers "overloaded", waits and asks again. A batch
    /// scorer should slow down (its input is a bus that keeps the backlog) rather than give
    /// different verdicts under load; interactive callers use the queue's answer directly.
    fn embed_waiting(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EncoderError> {
        let mut pause = std::time::Duration::from_millis(1);
        let started = std::time::Instant::now();
        let mut warned = false;
        loop {
            match self.queue.embed(texts) {
                Err(EncoderError::Overloaded { queued, limit }) => {
                    if !warned && started.elapsed().as_secs() >= 10 {
                        tracing::warn!(queued, limit, "encoder queue full for 10 s; scoring waits");
                        warned = true;
                    }
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(std::time::Duration::from_millis(50));
                }
                other => return other,
            }
        }
    }
}

/// Refuses heads trained on another checkpoint: their weights read other vectors.
pub fn check_pair(enc: &Encoder, heads: &Heads, heads_dir: &Path) -> Result<(), EncoderError> {
    if heads.config.checkpoint != enc.folder().identity() || heads.config.dim != enc.dim() {
        return Err(EncoderError::Heads {
            path: heads_dir.display().to_string(),
            why: format!(
                "trained on {} ({} dims), but the encoder is {} ({} dims): retrain with \
                 `soi train --tier encoder`",
                heads.config.checkpoint,
                heads.config.dim,
                enc.folder().identity(),
                enc.dim()
            ),
        });
    }
    Ok(())
}

impl SecondTier for EncoderTier {
    fn name(&self) -> &str {
        &self.name
    }

    fn predict_batch(&self, texts: &[&str], fast: &[HeadProbs]) -> Vec<Option<HeadProbs>> {
        // Only texts on which some head's cascade is unsure are read by the encoder.
        let idx: Vec<usize> = (0..texts.len())
            .filter(|&i| self.unsure(&fast[i]))
            .collect();
        let mut out = vec![None; texts.len()];
        if idx.is_empty() {
            return out;
        }
        let chosen: Vec<&str> = idx.iter().map(|&i| texts[i]).collect();
        tracing::debug!(
            n = chosen.len(),
            of = texts.len(),
            "encoder reads the unsure texts"
        );
        match self.embed_waiting(&chosen) {
            Ok(vecs) => {
                for (&i, v) in idx.iter().zip(&vecs) {
                    out[i] = Some(self.combine(v, &fast[i]));
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, n = chosen.len(), "encoder tier skipped; the fast tier's answers stand");
            }
        }
        out
    }
}

/// The second tier the scoring config asks for: `None` when `[encoder]` is off or its checkpoint
/// or heads are missing (logged); an error when they are present but do not fit together.
pub fn from_config(cfg: &ScoringConfig) -> Result<Option<Arc<dyn SecondTier>>, EncoderError> {
    let e = &cfg.encoder;
    if !e.enabled {
        return Ok(None);
    }
    let Some(checkpoint) =
        crate::paths::default_model_dir().filter(|d| d.join("model.safetensors").is_file())
    else {
        tracing::info!(
            "encoder tier off: no checkpoint (run deploy/fetch-encoder.sh or set SOI_ENCODER_DIR)"
        );
        return Ok(None);
    };
    let Some(heads) = soi_score::paths::models_dir()
        .map(|d| d.join(&e.heads))
        .filter(|d| d.join("config.json").is_file())
    else {
        tracing::info!(heads = %e.heads, "encoder tier off: no heads folder (soi train --tier encoder)");
        return Ok(None);
    };
    // The scorer hands the tier only the listing-text heads; when none of their cascades ever
    // consults the encoder, it need not be in memory.
    let h = Heads::load(&heads)?;
    let used = h
        .config
        .heads
        .iter()
        .any(|s| soi_score::LISTING_HEADS.contains(&s.name) && s.mix.band > 0.0);
    if !used {
        tracing::info!(heads = %e.heads, "encoder tier off: no listing head's cascade consults the encoder");
        return Ok(None);
    }
    let t = EncoderTier::new(&checkpoint, h, &heads, e.threads, e.max_queued_tokens)?;
    tracing::info!(tier = t.name(), "encoder tier on for the uncertain band");
    Ok(Some(Arc::new(t)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A panic in the encoder's worker costs the scorer the encoder's opinion on that batch
    /// (the fast tier's answers stand), not the scorer: the call returns, and the next batch
    /// is read by the encoder again.
    #[test]
    fn a_worker_panic_falls_back_to_the_fast_tier_and_the_tier_recovers() {
        let Some(ckpt) = crate::paths::test_checkpoint() else {
            return;
        };
        let Some(dir) = soi_score::paths::models_dir().map(|d| d.join("soi-encoder-v1")) else {
            return;
        };
        let heads = Heads::load(&dir).expect("shipped heads");
        let tier = EncoderTier::new(&ckpt, heads, &dir, 1, 10_000).expect("tier");
        // review_spam at its fast threshold: inside the uncertain band, so the encoder is asked.
        let fast = HeadProbs {
            review_spam: Some(0.37),
            ..Default::default()
        };
        assert!(tier.unsure(&fast));
        tier.queue.panic_next_batch();
        let tier = Arc::new(tier);
        // Each call on another thread, given up after a minute, so a hang fails the test.
        let call = |texts: [&'static str; 2]| {
            let (tx, rx) = std::sync::mpsc::channel();
            let t = tier.clone();
            std::thread::spawn(move || tx.send(t.predict_batch(&texts, &[fast, fast])));
            rx.recv_timeout(std::time::Duration::from_secs(60))
                .expect("the scorer is answered, not left waiting")
        };
        let texts = ["shop uy tín giao hàng nhanh 5 sao", "hàng đẹp lắm"];
        assert_eq!(
            call(texts),
            vec![None, None],
            "the fast tier's answers stand"
        );
        let again = call(texts);
        assert!(
            again.iter().all(Option::is_some),
            "the encoder reads again: {again:?}"
        );
    }
}
