//! `soi bench score`: listings (or texts) per second, on one thread and on every core, and the
//! peak memory of the process. Scoring runs inside rayon pools of the requested size, repeated
//! until a minimum time has passed so short inputs still give stable figures.

use std::time::{Duration, Instant};

use serde::Serialize;
use soi_model::Listing;

use soi_score::fast::FastModel;
use soi_score::{Head, ScoreError, Scorer};

use crate::LearnError;

/// What a benchmark run measured.
#[derive(Debug, Clone, Serialize)]
pub struct BenchReport {
    /// `listings` (the whole scorer) or `texts` (one head of the fast tier).
    pub mode: String,
    pub model: String,
    pub items: usize,
    pub threads: usize,
    /// Items per second on one thread.
    pub per_thread_per_s: f64,
    /// Items per second on `threads` threads.
    pub total_per_s: f64,
    /// Mean microseconds per item on one thread.
    pub us_per_item: f64,
    /// Peak resident memory of the process (VmHWM), MiB; 0 where unknown.
    pub peak_rss_mib: f64,
    /// F1 of label 1 (binary heads) or macro-F1, when the texts carry labels.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub f1: Option<f64>,
}

/// Peak resident set size of this process in MiB (Linux), else 0.
pub fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn pool(threads: usize) -> Result<rayon::ThreadPool, LearnError> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| LearnError::Train(format!("thread pool: {e}")))
}

/// Runs `work` (which handles `n` items) in a pool until `min` has passed; items per second.
fn rate(
    threads: usize,
    min: Duration,
    n: usize,
    work: &(dyn Fn() + Sync),
) -> Result<f64, LearnError> {
    let p = pool(threads)?;
    p.install(work); // warm-up
    let t0 = Instant::now();
    let mut rounds = 0usize;
    while rounds == 0 || t0.elapsed() < min {
        p.install(work);
        rounds += 1;
    }
    Ok((rounds * n) as f64 / t0.elapsed().as_secs_f64())
}

/// Benchmarks the whole scorer on listings.
pub fn bench_listings(
    scorer: &dyn Scorer,
    listings: &[Listing],
    threads: usize,
    min: Duration,
) -> Result<BenchReport, LearnError> {
    let work = || {
        let v = scorer.score(listings);
        std::hint::black_box(v);
    };
    let one = rate(1, min, listings.len(), &work)?;
    let all = rate(threads, min, listings.len(), &work)?;
    Ok(BenchReport {
        mode: "listings".into(),
        model: scorer.model().to_string(),
        items: listings.len(),
        threads,
        per_thread_per_s: one.round(),
        total_per_s: all.round(),
        us_per_item: 1e6 / one.max(1e-9),
        peak_rss_mib: peak_rss_mib(),
        f1: None,
    })
}

/// Benchmarks one head of the fast tier on texts (the like-for-like comparison with fastText's
/// `predict`), with its F1 when labels are given.
pub fn bench_texts(
    model: &FastModel,
    head: Head,
    texts: &[(String, usize)],
    threads: usize,
    min: Duration,
) -> Result<BenchReport, LearnError> {
    use rayon::prelude::*;
    let spec = model
        .head(head)
        .ok_or_else(|| ScoreError::UnknownHead(head.to_string()))?;
    let work = || {
        let s: f64 = texts
            .par_iter()
            .map(|(t, _)| model.head_probs_for(spec, t)[0])
            .sum();
        std::hint::black_box(s);
    };
    let one = rate(1, min, texts.len(), &work)?;
    let all = rate(threads, min, texts.len(), &work)?;
    let r = crate::eval::evaluate(model, head, texts)?;
    let f1 = if spec.classes <= 2 {
        r.f1_pos
    } else {
        r.macro_f1
    };
    Ok(BenchReport {
        mode: "texts".into(),
        model: model.config().name.clone(),
        items: texts.len(),
        threads,
        per_thread_per_s: one.round(),
        total_per_s: all.round(),
        us_per_item: 1e6 / one.max(1e-9),
        peak_rss_mib: peak_rss_mib(),
        f1: Some(f1),
    })
}
