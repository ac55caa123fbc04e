//! `soi train`: trains the fast tier's heads on the shared labelled sets and writes
//! `models/<name>/` (weights, config, model card). The work is in `soi_score::train`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use crate::global::Global;

#[derive(clap::Args)]
pub struct Args {
    /// Training config (default: PIPELINES/train.toml).
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
    head: Vec<String>,
}

pub async fn exec(a: Args, g: &Global) -> anyhow::Result<ExitCode> {
    let config = a.config.unwrap_or_else(|| g.pipelines.join("train.toml"));
    let cfg = soi_score::train::TrainConfig::from_file(&config)?;
    let data = a
        .data
        .or_else(soi_score::train::shared_data_dir)
        .context("no data folder: pass --data or set SOI_SHARED_DATA")?;
    let out = a
        .out
        .or_else(|| soi_score::paths::models_dir().map(|d| d.join(&cfg.name)))
        .context("no models folder: pass --out or set SOI_MODELS_DIR")?;
    let heads = a.head;
    let command = format!("soi train --config {}", config.display());
    let results = tokio::task::spawn_blocking(move || {
        let only = (!heads.is_empty()).then_some(heads.as_slice());
        soi_score::train::train_and_save(&cfg, &data, &out, only, &command).map(|r| (r, out))
    })
    .await??;
    let (results, out) = results;
    for r in &results {
        println!("{}", serde_json::to_string(&r.report)?);
    }
    eprintln!("model written to {}", out.display());
    Ok(ExitCode::SUCCESS)
}
