//! `soi eval --head HEAD --data FILE [--tier fast|encoder|cascade]`: one JSON object of metrics
//! for a head on a JSON Lines file of `{"text": ..., "label": N}`. This output is a contract for
//! independent evaluation. Part of the `encoder` feature (the tiers are `soi_encoder`'s).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use crate::global::Global;

#[derive(clap::Args)]
pub struct Args {
    /// Head: scam, misleading_claim, review_spam, review_spam_type, deceptive_review.
    #[arg(long)]
    head: soi_score::Head,
    /// JSON Lines file, one `{"text": ..., "label": N}` per line.
    #[arg(long)]
    data: PathBuf,
    /// Which tier answers: the fast n-gram tier, the encoder alone, or the cascade (the encoder
    /// only where the fast tier is unsure, as the scorer runs it).
    #[arg(long, default_value = "fast")]
    tier: soi_encoder::eval::Tier,
    /// Fast model folder (default: models/<model of the scoring config>).
    #[arg(long)]
    model_dir: Option<PathBuf>,
    /// Encoder checkpoint folder (default: SOI_ENCODER_DIR, else .cache/models/all-MiniLM-L6-v2).
    #[arg(long)]
    encoder_dir: Option<PathBuf>,
    /// Encoder heads folder (default: models/<[encoder] heads of the scoring config>).
    #[arg(long)]
    heads_dir: Option<PathBuf>,
    /// Threads for the encoder.
    #[arg(long, default_value_t = 2)]
    threads: usize,
}

pub async fn exec(a: Args, g: &Global) -> anyhow::Result<ExitCode> {
    let quiet = g.quiet;
    let pipelines = g.pipelines.clone();
    let report = tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
        let model = match &a.model_dir {
            Some(d) => soi_score::fast::FastModel::load(d)?,
            None => soi_score::load_model(&soi_score::load_config(Some(&pipelines))?.model)?,
        };
        let data = soi_learn::eval::read_labelled(&a.data)?;
        let loaded = match a.tier {
            soi_encoder::eval::Tier::Fast => None,
            _ => Some(super::train_encoder::load_encoder(
                &pipelines,
                a.encoder_dir.as_deref(),
                a.heads_dir.as_deref(),
                a.threads,
            )?),
        };
        let pair = loaded.as_ref().map(|(e, h)| (e, h));
        let bar = crate::progress::bar(quiet, 0, "embed");
        let r = soi_encoder::eval::evaluate(a.tier, &model, pair, a.head, &data, &|d, n| {
            bar.set_length(n as u64);
            bar.set_position(d as u64);
        })
        .with_context(|| format!("evaluating {} on {}", a.head, a.data.display()))?;
        bar.finish_and_clear();
        Ok(r)
    })
    .await??;
    println!("{}", serde_json::to_string(&report)?);
    Ok(ExitCode::SUCCESS)
}
