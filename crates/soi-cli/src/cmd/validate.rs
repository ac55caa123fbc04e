//! `soi validate`: checks every file in the pipelines folder and names the file, line and
//! problem of each mistake: marketplace configs (their meaning, not only their syntax), the alert
//! rules, the scoring policy, the training configs of both classifier tiers and the evidence
//! settings (`evidence.toml`, when present).

use std::process::ExitCode;

use crate::global::Global;

#[derive(clap::Args)]
pub struct Args {}

pub async fn exec(_a: Args, g: &Global) -> anyhow::Result<ExitCode> {
    let mut problems: Vec<String> = soi_crawl::validate_pipelines(&g.pipelines)
        .iter()
        .map(|p| p.to_string())
        .collect();
    let alerts = g.pipelines.join("alerts.toml");
    if alerts.is_file() {
        if let Err(e) = soi_alert::AlertsConfig::load(&alerts) {
            problems.push(e.to_string());
        }
    }
    let scoring = g.pipelines.join("scoring.toml");
    if scoring.is_file() {
        if let Err(e) = soi_score::ScoringConfig::from_file(&scoring) {
            problems.push(format!("{}: {e}", scoring.display()));
        }
    }
    let train = g.pipelines.join("train.toml");
    if train.is_file() {
        if let Err(e) = soi_learn::train::TrainConfig::from_file(&train) {
            problems.push(e.to_string());
        }
    }
    let enc = g.pipelines.join("train-encoder.toml");
    #[cfg(feature = "encoder")]
    if enc.is_file() {
        if let Err(e) = soi_encoder::train::EncoderTrainConfig::from_file(&enc) {
            problems.push(e.to_string());
        }
    }
    #[cfg(not(feature = "encoder"))]
    if enc.is_file() {
        eprintln!(
            "{}: not checked (built without the `encoder` feature)",
            enc.display()
        );
    }
    if let Err(e) = soi_evidence::EvidenceConfig::load(&g.pipelines) {
        problems.push(e.to_string());
    }
    if problems.is_empty() {
        println!("{}: all pipeline files are valid", g.pipelines.display());
        return Ok(ExitCode::SUCCESS);
    }
    for p in &problems {
        eprintln!("{p}");
    }
    eprintln!("{} problem(s)", problems.len());
    Ok(ExitCode::FAILURE)
}
