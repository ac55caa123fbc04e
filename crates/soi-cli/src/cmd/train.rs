//! `soi train`: trains the fast tier's heads on the shared labelled sets and writes
//! `models/<name>/` (weights, config, model card); `--tier encoder` trains the encoder tier's
//! heads and its cascade instead. The work is in `soi_learn::train` and `soi_encoder::train`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;

use crate::global::Global;

#[derive(clap::Args)]
pub struct Args {
    /// Which tier to train: `fast` (the n-gram model) or `encoder` (heads on the encoder).
    #[arg(long, default_value = "fast")]
    tier: String,
    /// Training config (default: PIPELINES/train.toml, or train-encoder.toml for --tier encoder).
    #[arg(long)]
    config: Option<PathBuf>,
    /// Folder with the labelled sets (default: SOI_SHARED_DATA, else ../shared/data).
    #[arg(long)]
    data: Option<PathBuf>,
    /// Output model folder (default: models/<name> in the repository, or SOI_MODELS_DIR/<name>).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Train only these heads (repeatable); the others are left out of the written model.
    #[arg(long)]
    head: Vec<soi_score::Head>,
    /// Encoder checkpoint folder for --tier encoder (default: SOI_ENCODER_DIR, else
    /// .cache/models/all-MiniLM-L6-v2 from deploy/fetch-encoder.sh).
    #[arg(long)]
    encoder_dir: Option<PathBuf>,
    /// Threads for the encoder.
    #[arg(long, default_value_t = 2)]
    threads: usize,
}

/// The encoder checkpoint and its heads (defaults: see the flags of `soi eval`).
pub fn load_encoder(
    pipelines: &Path,
    encoder_dir: Option<&Path>,
    heads_dir: Option<&Path>,
    threads: usize,
) -> anyhow::Result<(soi_encoder::Encoder, soi_encoder::heads::Heads)> {
    let enc = load_checkpoint(encoder_dir, threads)?;
    let heads_dir = match heads_dir {
        Some(d) => d.to_path_buf(),
        None => soi_score::paths::models_dir()
            .context("no models folder (set SOI_MODELS_DIR or pass --heads-dir)")?
            .join(soi_score::load_config(Some(pipelines))?.encoder.heads),
    };
    let heads = soi_encoder::heads::Heads::load(&heads_dir)?;
    soi_encoder::second::check_pair(&enc, &heads, &heads_dir)?;
    Ok((enc, heads))
}

/// The encoder checkpoint folder: `dir`, else the default (SOI_ENCODER_DIR or the fetched one).
pub fn checkpoint_dir(dir: Option<&Path>) -> anyhow::Result<PathBuf> {
    match dir {
        Some(d) => Ok(d.to_path_buf()),
        None => soi_encoder::paths::default_model_dir()
            .context("no encoder folder: pass --encoder-dir or set SOI_ENCODER_DIR"),
    }
}

/// The encoder checkpoint at `dir` or the default one.
pub fn load_checkpoint(dir: Option<&Path>, threads: usize) -> anyhow::Result<soi_encoder::Encoder> {
    Ok(soi_encoder::Encoder::load(&checkpoint_dir(dir)?, threads)?)
}

pub async fn exec(a: Args, g: &Global) -> anyhow::Result<ExitCode> {
    let data = a
        .data
        .clone()
        .or_else(soi_learn::train::shared_data_dir)
        .context("no data folder: pass --data or set SOI_SHARED_DATA")?;
    match a.tier.as_str() {
        "fast" => fast(a, g, data).await,
        "encoder" => encoder(a, g, data).await,
        o => anyhow::bail!("unknown tier `{o}` (fast, encoder)"),
    }
}

async fn fast(a: Args, g: &Global, data: PathBuf) -> anyhow::Result<ExitCode> {
    let config = a.config.unwrap_or_else(|| g.pipelines.join("train.toml"));
    let cfg = soi_learn::train::TrainConfig::from_file(&config)?;
    let out = a
        .out
        .or_else(|| soi_score::paths::models_dir().map(|d| d.join(&cfg.name)))
        .context("no models folder: pass --out or set SOI_MODELS_DIR")?;
    let heads = a.head;
    let command = format!("soi train --config {}", config.display());
    let results = tokio::task::spawn_blocking(move || {
        let only = (!heads.is_empty()).then_some(heads.as_slice());
        soi_learn::train::train_and_save(&cfg, &data, &out, only, &command).map(|r| (r, out))
    })
    .await??;
    let (results, out) = results;
    for r in &results {
        println!("{}", serde_json::to_string(&r.report)?);
    }
    eprintln!("model written to {}", out.display());
    Ok(ExitCode::SUCCESS)
}

async fn encoder(a: Args, g: &Global, data: PathBuf) -> anyhow::Result<ExitCode> {
    let config = a
        .config
        .clone()
        .unwrap_or_else(|| g.pipelines.join("train-encoder.toml"));
    let mut cfg = soi_encoder::train::EncoderTrainConfig::from_file(&config)?;
    if !a.head.is_empty() {
        cfg.heads.retain(|h| a.head.contains(h));
    }
    let fast_cfg = soi_learn::train::TrainConfig::from_file(&g.pipelines.join("train.toml"))?;
    let out = a
        .out
        .clone()
        .or_else(|| soi_score::paths::models_dir().map(|d| d.join(&cfg.name)))
        .context("no models folder: pass --out or set SOI_MODELS_DIR")?;
    let quiet = g.quiet;
    let confidence = cfg.cascade.confidence;
    let command = format!("soi train --tier encoder --config {}", config.display());
    let (outcomes, out) = tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
        let enc = load_checkpoint(a.encoder_dir.as_deref(), a.threads)?;
        let bar = crate::progress::bar(quiet, 0, "embed");
        let (heads, outcomes) =
            soi_encoder::train::train(&enc, &cfg, &fast_cfg, &data, &|what, d, n| {
                bar.set_message(what.to_string());
                bar.set_length(n as u64);
                bar.set_position(d as u64);
            })?;
        bar.finish_and_clear();
        heads.save(&out)?;
        soi_encoder::card::write(&out, &heads, &outcomes, &command, confidence)?;
        Ok((outcomes, out))
    })
    .await??;
    for o in &outcomes {
        println!("{}", serde_json::to_string(o)?);
    }
    eprintln!("encoder heads written to {}", out.display());
    Ok(ExitCode::SUCCESS)
}
