//! `soi train --tier encoder` (feature `encoder`): the encoder tier's heads and its cascade,
//! trained on the encoder's sentence vectors (the work is in `soi_encoder::train`); and loading
//! the encoder checkpoint and heads, which `soi eval` and `soi bench encoder` share.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;

use super::train::Args;
use crate::global::Global;

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

pub async fn exec(a: Args, g: &Global, data: PathBuf) -> anyhow::Result<ExitCode> {
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
