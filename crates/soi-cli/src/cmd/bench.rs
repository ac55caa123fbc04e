//! `soi bench score --input FILE`: listings per second per thread and in total, and peak memory.
//! `soi bench serve`: the console's queue and seller pages under concurrent clients on a big
//! store (in `bench_serve.rs`).
//! `soi bench encoder --input FILE`: texts per second through the encoder tier (in
//! `bench_encoder.rs`, feature `encoder`).
//! With a file of `{"text", "label"}` lines and `--head`, it times that head of the fast tier
//! alone (the like-for-like comparison with fastText's `predict`). The work is in
//! `soi_learn::bench`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;

use crate::global::Global;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    what: What,
}

#[derive(clap::Subcommand)]
enum What {
    /// Time the scorer on a JSON Lines file of listings (or of labelled texts with --head).
    Score(ScoreArgs),
    /// Console latency: fill the store with synthetic listings, then time the queue and seller
    /// pages under concurrent clients (p50/p95/p99 per page).
    Serve(super::bench_serve::ServeArgs),
    /// Texts per second through the encoder tier at 1 and 2 threads, and peak memory.
    #[cfg(feature = "encoder")]
    Encoder(super::bench_encoder::EncoderArgs),
}

#[derive(clap::Args)]
struct ScoreArgs {
    /// JSON Lines: listings, or `{"text", "label"}` lines when --head is given.
    #[arg(long)]
    input: PathBuf,
    /// Time only this head of the fast tier on labelled texts.
    #[arg(long)]
    head: Option<soi_score::Head>,
    /// Model folder for --head (default: models/<model of the scoring config>).
    #[arg(long)]
    model_dir: Option<PathBuf>,
    /// Threads for the total figure (default: every core).
    #[arg(long)]
    threads: Option<usize>,
    /// Minimum seconds per measurement.
    #[arg(long, default_value_t = 3.0)]
    seconds: f64,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

pub async fn exec(a: Args, g: &Global) -> anyhow::Result<ExitCode> {
    match a.what {
        What::Score(a) => score(a, g).await,
        What::Serve(a) => super::bench_serve::exec(a, g).await,
        #[cfg(feature = "encoder")]
        What::Encoder(e) => super::bench_encoder::exec(e).await,
    }
}

async fn score(a: ScoreArgs, g: &Global) -> anyhow::Result<ExitCode> {
    let threads = a
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let min = Duration::from_secs_f64(a.seconds.max(0.1));
    let pipelines = g.pipelines.clone();
    let report = tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
        match &a.head {
            Some(head) => {
                let model = match &a.model_dir {
                    Some(d) => soi_score::fast::FastModel::load(d)?,
                    None => {
                        soi_score::load_model(&soi_score::load_config(Some(&pipelines))?.model)?
                    }
                };
                let texts = soi_learn::eval::read_labelled(&a.input)?;
                Ok((
                    soi_learn::bench::bench_texts(&model, *head, &texts, threads, min)?,
                    a.json,
                ))
            }
            None => {
                let text = std::fs::read_to_string(&a.input)
                    .with_context(|| format!("reading {}", a.input.display()))?;
                let mut listings = Vec::new();
                for (i, line) in text
                    .lines()
                    .enumerate()
                    .filter(|(_, l)| !l.trim().is_empty())
                {
                    listings.push(
                        soi_model::Listing::from_json(line)
                            .with_context(|| format!("{}:{}", a.input.display(), i + 1))?,
                    );
                }
                let scorer = crate::features::encoder::load_scorer(&pipelines)?;
                Ok((
                    soi_learn::bench::bench_listings(scorer.as_ref(), &listings, threads, min)?,
                    a.json,
                ))
            }
        }
    })
    .await??;
    let (r, json) = report;
    if json {
        println!("{}", serde_json::to_string(&r)?);
    } else {
        println!("model              {}", r.model);
        println!("{:<18} {}", r.mode, r.items);
        println!(
            "per thread         {:.0} {}/s ({:.1} µs each)",
            r.per_thread_per_s, r.mode, r.us_per_item
        );
        println!(
            "total ({} threads)  {:.0} {}/s",
            r.threads, r.total_per_s, r.mode
        );
        println!("peak memory        {:.1} MiB", r.peak_rss_mib);
        if let Some(f1) = r.f1 {
            println!("F1                 {f1:.4}");
        }
    }
    Ok(ExitCode::SUCCESS)
}
