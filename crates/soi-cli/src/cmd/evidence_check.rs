//! `soi evidence verify --all|FILE.wacz` and `soi evidence timestamp`: print what `soi_evidence`
//! found.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use soi_evidence::custody::{Action, Record};
use soi_evidence::token::TrustAnchors;
use soi_evidence::tsa::TsaClient;
use soi_evidence::{keys, timestamp, Batches, EvidenceConfig};

use crate::global::Global;

#[derive(clap::Args)]
#[command(group(clap::ArgGroup::new("scope").required(true).args(["all", "package"])))]
pub struct VerifyArgs {
    /// Everything in HOME/evidence.
    #[arg(long)]
    all: bool,
    /// A WACZ package (`soi evidence package`): every file's hash, its signature, its batches.
    #[arg(conflicts_with = "all")]
    package: Option<PathBuf>,
    /// The signer's public key (PEM); default: this installation's key.
    #[arg(long)]
    public_key: Option<PathBuf>,
    /// PEM of the TSA's CA; default: `tsa.ca` of PIPELINES/evidence.toml, else the certificate
    /// each token carries.
    #[arg(long)]
    tsa_ca: Option<PathBuf>,
}

pub fn verify(a: &VerifyArgs, g: &Global) -> anyhow::Result<ExitCode> {
    let key = match &a.public_key {
        Some(p) => {
            let pem =
                std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?;
            keys::parse_public_pem(&pem, &p.display().to_string())?
        }
        None => keys::require(&g.home)?.verifying_key(),
    };
    let config = EvidenceConfig::load(&g.pipelines)?;
    let ca = a.tsa_ca.clone().or_else(|| config.tsa.and_then(|t| t.ca));
    let anchors = ca.as_deref().map(TrustAnchors::load).transpose()?;
    let r = match &a.package {
        Some(p) => soi_evidence::verify_package_file(p, &key, anchors.as_ref())?,
        None => soi_evidence::verify_all(&g.home.join("evidence"), &key, anchors.as_ref())?,
    };
    for f in &r.failures {
        println!("FAIL {f}");
    }
    let unsealed = match &a.package {
        Some(p) => format!("package {}", p.display()),
        None => format!("{} not yet in a batch", r.unsealed),
    };
    eprintln!(
        "{} batches, {} captures: {} timestamped, {} signed only, {unsealed}; {} failures",
        r.batches,
        r.captures,
        r.timestamped,
        r.not_timestamped,
        r.failures.len()
    );
    let mut rec = match &a.package {
        Some(p) => Record::new(Action::Verify).with_file(p)?,
        None => {
            let mut rec = Record::new(Action::Verify);
            rec.path = Some(g.home.join("evidence").display().to_string());
            rec
        }
    };
    rec.captures = Some(r.captures as u64);
    rec.batches = Some(r.batches as u64);
    rec.failures = r.failures.len() as u64;
    super::evidence_log::record(g, rec)?;
    Ok(if r.ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

pub async fn timestamp(g: &Global) -> anyhow::Result<ExitCode> {
    let config = EvidenceConfig::load(&g.pipelines)?;
    let Some(tsa) = &config.tsa else {
        anyhow::bail!(
            "no [tsa] in {}",
            g.pipelines.join("evidence.toml").display()
        );
    };
    let client = TsaClient::new(tsa)?;
    let batches = Batches::open(&g.home.join("evidence"))?;
    let round = timestamp::pending(&batches, &client).await?;
    for id in &round.stamped {
        println!("timestamped batch {id}");
    }
    if let Some((id, e)) = &round.failure {
        eprintln!("error: batch {id}: {e}");
        eprintln!(
            "{} batch(es) still wait for a timestamp",
            round.pending.len()
        );
        return Ok(ExitCode::from(1));
    }
    eprintln!(
        "{} batch(es) timestamped, none waiting",
        round.stamped.len()
    );
    Ok(ExitCode::SUCCESS)
}
