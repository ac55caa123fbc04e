//! `soi train`: trains the fast tier's heads on the shared labelled sets and writes
//! `models/<name>/` (weights, config, model card); `--tier encoder` trains the encoder tier's
//! heads and its cascade instead (`train_encoder.rs`, feature `encoder`). The work is in
//! `soi_learn::train` and `soi_encoder::train`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use crate::global::Global;

#[derive(clap::Args)]
pub struct Args {
    /// Which tier to train: `fast` (the n-gram model) or `encoder` (heads on the encoder).
    #[arg(long, default_value = "fast")]
    pub(super) tier: String,
    /// Training config (default: PIPELINES/train.toml, or train-encoder.toml for --tier encoder).
    #[arg(long)]
    pub(super) config: Option<PathBuf>,
    /// Folder with the labelled sets (default: SOI_SHARED_DATA, else ../shared/data).
    #[arg(long)]
    pub(super) data: Option<PathBuf>,
    /// Output model folder (default: models/<name> in the repository, or SOI_MODELS_DIR/<name>).
    #[arg(long)]
    pub(super) out: Option<PathBuf>,
    /// Train only these heads (repeatable); the others are left out of the written model.
    #[arg(long)]
    pub(super) head: Vec<soi_score::Head>,
    /// Encoder checkpoint folder for --tier encoder (default: SOI_ENCODER_DIR, else
    /// .cache/models/all-MiniLM-L6-v2 from deploy/fetch-encoder.sh).
    #[arg(long)]
    pub(super) encoder_dir: Option<PathBuf>,
    /// Threads for the encoder.
    #[arg(long, default_value_t = 2)]
    pub(super) threads: usize,
}

pub async fn exec(a: Args, g: &Global) -> anyhow::Result<ExitCode> {
    let data = a
        .data
        .clone()
        .or_else(soi_learn::train::shared_data_dir)
        .context("no data folder: pass --data or set SOI_SHARED_DATA")?;
    match a.tier.as_str() {
        "fast" => fast(a, g, data).await,
        #[cfg(feature = "encoder")]
        "encoder" => super::train_encoder::exec(a, g, data).await,
        #[cfg(not(feature = "encoder"))]
        "encoder" => Err(crate::features::missing(
            "encoder",
            "soi train --tier encoder",
        )),
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
