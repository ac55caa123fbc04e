//! `soi eval --head HEAD --data FILE [--tier fast|encoder|cascade]`: one JSON object of metrics
//! for a head on a JSON Lines file of `{"text": ..., "label": N}`. This output is a contract for
//! independent evaluation. Part of the `encoder` feature (the tiers are `soi_encoder`'s).
//! `soi eval --labels` measures the model on the analysts' labels instead (`soi labels eval`:
//! precision and recall at the flag thresholds, per marketplace).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use crate::global::Global;

#[derive(clap::Args)]
pub struct Args {
    /// Head: scam, misleading_claim, review_spam, review_spam_type, deceptive_review.
    #[arg(long, required_unless_present = "labels")]
    head: Option<soi_score::Head>,
    /// JSON Lines file, one `{"text": ..., "label": N}` per line.
    #[arg(long, required_unless_present = "labels")]
    data: Option<PathBuf>,
    /// Instead of `--head` and `--data`: precision and recall at the flag thresholds on the
    /// analysts' labels in the store, per marketplace (the same JSON as `soi labels eval`).
    #[arg(long, conflicts_with_all = ["head", "data"])]
    labels: bool,
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
    if a.labels {
        return super::labels::eval(g, a.model_dir, None).await;
    }
    let (Some(head), Some(data)) = (a.head, a.data.clone()) else {
        anyhow::bail!("--head and --data are required (or --labels)");
    };
    let quiet = g.quiet;
    let pipelines = g.pipelines.clone();
    let report = tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
        let model = match &a.model_dir {
            Some(d) => soi_score::fast::FastModel::load(d)?,
            None => soi_score::load_model(&soi_score::load_config(Some(&pipelines))?.model)?,
        };
        let rows = soi_learn::eval::read_labelled(&data)?;
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
        let r = soi_encoder::eval::evaluate(a.tier, &model, pair, head, &rows, &|d, n| {
            bar.set_length(n as u64);
            bar.set_position(d as u64);
        })
        .with_context(|| format!("evaluating {head} on {}", data.display()))?;
        bar.finish_and_clear();
        Ok(r)
    })
    .await??;
    println!("{}", serde_json::to_string(&report)?);
    Ok(ExitCode::SUCCESS)
}
