//! `soi drift`: has the score distribution moved? Per marketplace and head, each of the last
//! days against the weeks before, by population stability index (see `soi_store::drift`).
//!
//! Prints a table (or JSON Lines); a warning on stderr for every day whose PSI is above the
//! threshold, and exit status 2 when there is one, so a scheduled job can page someone.

use std::process::ExitCode;

use anyhow::Context;
use chrono::{NaiveDate, Utc};
use soi_store::drift::{drift, DriftQuery, DriftRow};

use crate::global::Global;
use crate::output::clean;

#[derive(clap::Args)]
pub struct Args {
    /// Recent days to check, ending with --today (UTC days).
    #[arg(long, default_value_t = 7, value_parser = clap::value_parser!(u32).range(1..=366))]
    days: u32,
    /// Days before those that make the reference distribution.
    #[arg(long, default_value_t = 28, value_parser = clap::value_parser!(u32).range(1..=3660))]
    reference_days: u32,
    /// Warn when a day's PSI is above this (0.1: worth a look; 0.25: a different population).
    #[arg(long, default_value_t = 0.25)]
    threshold: f64,
    /// Fewest verdicts a day and its reference need for a PSI (fewer: shown, not judged).
    #[arg(long, default_value_t = 50)]
    min_listings: u64,
    /// The last day to check (YYYY-MM-DD, default today in UTC).
    #[arg(long)]
    today: Option<NaiveDate>,
    /// One JSON object per line instead of the table.
    #[arg(long)]
    json: bool,
}

pub async fn exec(a: Args, g: &Global) -> anyhow::Result<ExitCode> {
    if !(a.threshold.is_finite() && a.threshold > 0.0) {
        anyhow::bail!("--threshold must be a positive number, got {}", a.threshold);
    }
    let q = DriftQuery {
        today: a.today.unwrap_or_else(|| Utc::now().date_naive()),
        days: a.days,
        reference_days: a.reference_days,
        min_listings: a.min_listings,
    };
    let store = g.connect_store().await?;
    let days = store
        .score_days(q.since())
        .await
        .context("reading the score distribution")?;
    let rows = drift(&days, &q);
    let mut out = std::io::stdout().lock();
    if a.json {
        for r in &rows {
            serde_json::to_writer(&mut out, r)?;
            std::io::Write::write_all(&mut out, b"\n")?;
        }
    } else {
        write_table(&mut out, &rows, &q)?;
    }
    let mut drifted = 0;
    for r in rows
        .iter()
        .filter(|r| r.psi.is_some_and(|p| p > a.threshold))
    {
        drifted += 1;
        eprintln!(
            "warning: {} {} on {}: PSI {:.3} above {} ({} verdicts, mean {:.3}; reference {} \
             verdicts, mean {:.3})",
            clean(&r.marketplace),
            clean(&r.head),
            r.day,
            r.psi.unwrap_or_default(),
            a.threshold,
            r.listings,
            r.mean,
            r.reference_listings,
            r.reference_mean
        );
    }
    Ok(if drifted > 0 {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

fn write_table(
    out: &mut impl std::io::Write,
    rows: &[DriftRow],
    q: &DriftQuery,
) -> std::io::Result<()> {
    writeln!(
        out,
        "{} to {} against {} to {} (UTC days); PSI under 0.1 stable, above 0.25 a different population",
        q.first_day(),
        q.today,
        q.since(),
        q.first_day().pred_opt().unwrap_or(q.first_day())
    )?;
    if rows.is_empty() {
        return writeln!(out, "no verdicts in those days");
    }
    writeln!(
        out,
        "{:<16} {:<18} {:<10} {:>9} {:>6} {:>10} {:>8} {:>7}",
        "marketplace", "head", "day", "verdicts", "mean", "reference", "ref mean", "psi"
    )?;
    for r in rows {
        let psi = r.psi.map_or_else(|| "-".to_string(), |p| format!("{p:.3}"));
        writeln!(
            out,
            "{:<16} {:<18} {:<10} {:>9} {:>6.3} {:>10} {:>8.3} {:>7}",
            clean(&r.marketplace),
            clean(&r.head),
            r.day,
            r.listings,
            r.mean,
            r.reference_listings,
            r.reference_mean,
            psi
        )?;
    }
    if rows.iter().any(|r| r.psi.is_none()) {
        writeln!(
            out,
            "psi -: fewer than {} verdicts that day or in its reference",
            q.min_listings
        )?;
    }
    Ok(())
}
