//! Rough split of where the scorer spends its time on a JSON Lines file of listings:
//! `cargo run --release -p soi-score --example profile_scorer -- FILE`.

use std::time::Instant;

use soi_score::{Scorer, ScoringConfig, SoiScorer, TextTier};

fn per_item(t0: Instant, rounds: usize, n: usize) -> f64 {
    t0.elapsed().as_secs_f64() / (rounds * n) as f64 * 1e6
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: profile_scorer FILE")?;
    let text = std::fs::read_to_string(path)?;
    let ls: Vec<soi_model::Listing> = text
        .lines()
        .filter_map(|l| soi_model::Listing::from_json(l).ok())
        .collect();
    let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build()?;
    let rounds = 20;
    let t0 = Instant::now();
    for _ in 0..rounds {
        for l in &ls {
            std::hint::black_box(soi_text::extract(&l.title));
            if let Some(d) = &l.description {
                std::hint::black_box(soi_text::extract(d));
            }
        }
    }
    println!(
        "entity extraction   {:.1} µs/listing",
        per_item(t0, rounds, ls.len())
    );
    let model = soi_score::load_config(None).and_then(|c| soi_score::load_model(&c.model))?;
    let t0 = Instant::now();
    for _ in 0..rounds {
        for l in &ls {
            std::hint::black_box(model.predict(&l.title));
            for r in &l.reviews {
                std::hint::black_box(model.predict(&r.text));
            }
        }
    }
    println!(
        "fast tier (listing + reviews) {:.1} µs/listing",
        per_item(t0, rounds, ls.len())
    );
    let signals_only = SoiScorer::new(ScoringConfig::builtin()?);
    let t0 = Instant::now();
    for _ in 0..rounds {
        pool.install(|| std::hint::black_box(signals_only.score(&ls)));
    }
    println!(
        "scorer, signals only {:.1} µs/listing",
        per_item(t0, rounds, ls.len())
    );
    let full = soi_score::load_default(None)?;
    let t0 = Instant::now();
    for _ in 0..rounds {
        pool.install(|| std::hint::black_box(full.score(&ls)));
    }
    println!(
        "scorer, full        {:.1} µs/listing",
        per_item(t0, rounds, ls.len())
    );
    Ok(())
}
