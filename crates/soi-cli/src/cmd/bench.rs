//! `soi bench score --input FILE`: listings per second per thread and in total, and peak memory.
//! `soi bench encoder --input FILE`: texts per second through the encoder tier (in
//! `soi_encoder::bench`).
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
    /// Texts per second through the encoder tier at 1 and 2 threads, and peak memory.
    Encoder(EncoderArgs),
}

#[derive(clap::Args)]
struct EncoderArgs {
    /// JSON Lines with a "text" field per line (labels, if any, are ignored).
    #[arg(long)]
    input: PathBuf,
    /// Encoder checkpoint folder (default: SOI_ENCODER_DIR, else .cache/models/all-MiniLM-L6-v2).
    #[arg(long)]
    model_dir: Option<PathBuf>,
    /// Thread counts to measure.
    #[arg(long, value_delimiter = ',', default_value = "1,2")]
    threads: Vec<usize>,
    /// `soi` (the scorer's forward pass) or `candle` (candle-transformers' BertModel, padded).
    #[arg(long, default_value = "soi")]
    engine: String,
    /// Tokens per forward batch.
    #[arg(long, default_value_t = soi_encoder::encoder::DEFAULT_BATCH_TOKENS)]
    batch_tokens: usize,
    /// Use only the first N texts.
    #[arg(long)]
    limit: Option<usize>,
    /// Minimum seconds per measurement.
    #[arg(long, default_value_t = 3.0)]
    seconds: f64,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

fn read_texts(path: &std::path::Path, limit: Option<usize>) -> anyhow::Result<Vec<String>> {
    #[derive(serde::Deserialize)]
    struct Line {
        text: String,
    }
    let body =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let mut out = Vec::new();
    for (i, line) in body
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let l: Line = serde_json::from_str(line)
            .with_context(|| format!("{}:{}: expected {{\"text\": ...}}", path.display(), i + 1))?;
        out.push(l.text);
        if limit.is_some_and(|n| out.len() >= n) {
            break;
        }
    }
    anyhow::ensure!(!out.is_empty(), "{}: no texts", path.display());
    Ok(out)
}

async fn encoder(a: EncoderArgs) -> anyhow::Result<ExitCode> {
    let engine = match a.engine.as_str() {
        "soi" => soi_encoder::bench::Engine::Soi,
        "candle" => soi_encoder::bench::Engine::Candle,
        o => anyhow::bail!("unknown engine `{o}` (soi, candle)"),
    };
    let dir = super::train::checkpoint_dir(a.model_dir.as_deref())?;
    let texts = read_texts(&a.input, a.limit)?;
    let min = Duration::from_secs_f64(a.seconds.max(0.1));
    let (threads, bt) = (a.threads, a.batch_tokens);
    let r = tokio::task::spawn_blocking(move || {
        soi_encoder::bench::bench(&dir, &texts, &threads, engine, bt, min)
    })
    .await??;
    if a.json {
        println!("{}", serde_json::to_string(&r)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!("engine             {:?}", r.engine);
    println!("model              {}", r.model);
    println!(
        "texts              {} ({} tokens, {:.1} per text, at most {})",
        r.texts,
        r.tokens,
        r.tokens as f64 / r.texts.max(1) as f64,
        r.max_len
    );
    println!("batch              {} tokens", r.batch_tokens);
    for t in &r.runs {
        println!(
            "{} thread(s)        {:.1} texts/s ({:.0} tokens/s)",
            t.threads, t.texts_per_s, t.tokens_per_s
        );
    }
    println!("peak memory        {:.1} MiB", r.peak_rss_mib);
    Ok(ExitCode::SUCCESS)
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
    let a = match a.what {
        What::Score(a) => a,
        What::Encoder(e) => return encoder(e).await,
    };
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
                let scorer = soi_encoder::load_scorer(Some(&pipelines))?;
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
