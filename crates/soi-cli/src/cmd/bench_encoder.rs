//! `soi bench encoder --input FILE` (feature `encoder`): texts per second through the encoder
//! tier at each thread count, and peak memory (the work is in `soi_encoder::bench`).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;

#[derive(clap::Args)]
pub struct EncoderArgs {
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

pub async fn exec(a: EncoderArgs) -> anyhow::Result<ExitCode> {
    let engine = match a.engine.as_str() {
        "soi" => soi_encoder::bench::Engine::Soi,
        "candle" => soi_encoder::bench::Engine::Candle,
        o => anyhow::bail!("unknown engine `{o}` (soi, candle)"),
    };
    let dir = super::train_encoder::checkpoint_dir(a.model_dir.as_deref())?;
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
