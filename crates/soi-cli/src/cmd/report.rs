//! `soi report cross-border`: the batch report about foreign sellers for agencies abroad.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use chrono::{DateTime, NaiveDate, Utc};
use clap::Subcommand;
use soi_report::{cross_border_with, DossierExtras, ReportParams};
use soi_store::Tlp;

use crate::global::Global;
use crate::output;
use crate::progress;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    kind: Kind,
}

#[derive(Subcommand)]
enum Kind {
    /// Per foreign seller country: a summary and a dossier per seller (HTML, CSV, JSON, STIX,
    /// manifest with sha256), each dossier with the seller's linked accounts (at most 50, with
    /// the quoted evidence of both sides) and the hotline complaints naming it. The same data
    /// gives byte-identical files.
    CrossBorder {
        /// First day (YYYY-MM-DD, UTC) or an RFC 3339 time.
        #[arg(long)]
        from: String,
        /// Day after the last (exclusive; YYYY-MM-DD, UTC) or an RFC 3339 time.
        #[arg(long)]
        to: String,
        /// Only sellers registered in this country (ISO alpha-2).
        #[arg(long)]
        country: Option<String>,
        #[arg(long)]
        marketplace: Option<String>,
        /// Listings at or above this risk count as flagged.
        #[arg(long, default_value_t = 0.5)]
        min_risk: f64,
        /// Sharing marking: clear, green, amber, red.
        #[arg(long, default_value = "amber")]
        tlp: String,
        /// Output folder.
        #[arg(long)]
        out: PathBuf,
    },
}

fn parse_time(s: &str) -> anyhow::Result<DateTime<Utc>> {
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Ok(d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc());
    }
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .with_context(|| format!("`{s}` is neither YYYY-MM-DD nor an RFC 3339 time"))
}

pub async fn exec(a: Args, g: &Global) -> anyhow::Result<ExitCode> {
    let Kind::CrossBorder {
        from,
        to,
        country,
        marketplace,
        min_risk,
        tlp,
        out,
    } = a.kind;
    let p = ReportParams {
        from: parse_time(&from)?,
        to: parse_time(&to)?,
        country: country.map(|c| c.to_ascii_uppercase()),
        marketplace,
        min_risk,
        tlp: Tlp::parse(&tlp).with_context(|| format!("unknown TLP `{tlp}`"))?,
    };
    // The configured store: the SQLite file or ClickHouse give the same report, byte for byte.
    let all = g.connect_all().await?;
    let bar = progress::bar(g.quiet, 0, "report");
    let progress = |p: &soi_report::Progress| {
        bar.set_length(p.total as u64);
        bar.set_position(p.done as u64);
        bar.set_message(p.path.clone());
    };
    // Each dossier names the seller's linked accounts and the hotline complaints naming it.
    let extras = DossierExtras::stores(all.links.as_ref(), all.complaints.as_ref());
    let sum = cross_border_with(all.report.as_ref(), &extras, &p, &out, &progress).await?;
    bar.finish_and_clear();
    for c in &sum.countries {
        println!(
            "{}: {} flagged sellers, {} flagged listings",
            output::clean(&c.country),
            c.sellers,
            c.listings
        );
    }
    println!(
        "{} files in {} (manifest {})",
        sum.files,
        out.display(),
        sum.manifest.display()
    );
    Ok(ExitCode::SUCCESS)
}
