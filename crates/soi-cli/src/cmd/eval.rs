//! `soi eval --head HEAD --data FILE`: one JSON object of metrics for a head on a JSON Lines file
//! of `{"text": ..., "label": N}`. This output is a contract for independent evaluation.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::global::Global;

#[derive(clap::Args)]
pub struct Args {
    /// Head: scam, misleading_claim, review_spam, review_spam_type, deceptive_review.
    #[arg(long)]
    head: String,
    /// JSON Lines file, one `{"text": ..., "label": N}` per line.
    #[arg(long)]
    data: PathBuf,
    /// Model folder (default: models/<model of the scoring config>).
    #[arg(long)]
    model_dir: Option<PathBuf>,
}

pub async fn exec(a: Args, _g: &Global) -> anyhow::Result<ExitCode> {
    let model = match &a.model_dir {
        Some(d) => soi_score::fast::FastModel::load(d)?,
        None => soi_score::load_model(None)?,
    };
    let report = soi_score::eval::evaluate_file(&model, &a.head, &a.data)?;
    println!("{}", serde_json::to_string(&report)?);
    Ok(ExitCode::SUCCESS)
}
