//! `soi train`: trains the fast tier's heads on the shared labelled sets and writes
//! `models/<name>/` (weights, config, model card); `--tier encoder` trains the encoder tier's
//! heads and its cascade instead (`train_encoder.rs`, feature `encoder`). The work is in
//! `soi_learn::train` and `soi_encoder::train`.
//!
//! `--analyst-labels` (the store's console labels, as `soi labels export` reads them) or
//! `--labels-file FILE` (that export) add analysts' labels to the scam head, weighted, with the
//! newest held out by time, and tune per-marketplace thresholds on them
//! (`soi_learn::train::analyst`); the report gains an `{"analyst": ...}` line. Off unless asked:
//! a training run should be reproducible from what its command names, and a store's labels
//! change under it.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use soi_learn::train::AnalystRow;

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
    /// Also train the scam head on the store's analyst labels and tune per-marketplace
    /// thresholds on them (fast tier).
    #[arg(long, conflicts_with = "labels_file")]
    pub(super) analyst_labels: bool,
    /// The same from a JSON Lines file written by `soi labels export`.
    #[arg(long)]
    pub(super) labels_file: Option<PathBuf>,
}

pub async fn exec(a: Args, g: &Global) -> anyhow::Result<ExitCode> {
    let data = a
        .data
        .clone()
        .or_else(soi_learn::train::shared_data_dir)
        .context("no data folder: pass --data or set SOI_SHARED_DATA")?;
    if a.tier != "fast" && (a.analyst_labels || a.labels_file.is_some()) {
        anyhow::bail!("--analyst-labels and --labels-file train the fast tier only");
    }
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
    let mut command = format!("soi train --config {}", config.display());
    let labels = analyst_rows(&a.labels_file, a.analyst_labels, g, &mut command).await?;
    let results = tokio::task::spawn_blocking(move || {
        let only = (!heads.is_empty()).then_some(heads.as_slice());
        soi_learn::train::train_and_save_with(&cfg, &data, &out, only, &command, labels.as_deref())
            .map(|r| (r, out))
    })
    .await??;
    let ((results, analyst), out) = results;
    for r in &results {
        println!("{}", serde_json::to_string(&r.report)?);
    }
    if let Some(a) = &analyst {
        println!("{}", serde_json::json!({ "analyst": a }));
    }
    eprintln!("model written to {}", out.display());
    Ok(ExitCode::SUCCESS)
}

/// The analysts' labels asked for, if any; names their source in `command` (the model card's).
async fn analyst_rows(
    file: &Option<PathBuf>,
    from_store: bool,
    g: &Global,
    command: &mut String,
) -> anyhow::Result<Option<Vec<AnalystRow>>> {
    let rows = if let Some(f) = file {
        command.push_str(&format!(" --labels-file {}", f.display()));
        soi_learn::train::analyst::read_jsonl(f)?
    } else if from_store {
        command.push_str(" --analyst-labels");
        let (rows, _) = super::labels::rows(g).await?;
        rows.into_iter()
            .map(|r| AnalystRow {
                text: r.text,
                label: r.label,
                marketplace: r.marketplace,
                id: r.id,
                labelled_at: r.labelled_at,
            })
            .collect()
    } else {
        return Ok(None);
    };
    if rows.is_empty() {
        tracing::warn!("no analyst labels to train on; training on the shared sets alone");
        return Ok(None);
    }
    Ok(Some(rows))
}
