//! `soi sellers`: flagged sellers, riskiest first.

use std::process::ExitCode;

use anyhow::Context;
use chrono::{DateTime, NaiveDate, Utc};
use soi_store::SellerQuery;

use crate::global::Global;
use crate::output::{self, Format};

#[derive(clap::Args)]
pub struct Args {
    /// Only listings at or above this risk count as flagged.
    #[arg(long, default_value_t = 0.5)]
    min_risk: f64,
    /// Only this marketplace.
    #[arg(long)]
    marketplace: Option<String>,
    /// Only sellers from this country (ISO code, e.g. CN).
    #[arg(long)]
    country: Option<String>,
    /// Listings observed on or after this date (YYYY-MM-DD or RFC 3339).
    #[arg(long, value_parser = parse_time)]
    since: Option<DateTime<Utc>>,
    /// Listings observed before this date (YYYY-MM-DD or RFC 3339).
    #[arg(long, value_parser = parse_time)]
    until: Option<DateTime<Utc>>,
    /// Most sellers to show.
    #[arg(long, default_value_t = 50)]
    limit: usize,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

/// Accepts a date (midnight UTC) or an RFC 3339 time.
pub fn parse_time(s: &str) -> Result<DateTime<Utc>, String> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map(|d| d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc())
        .map_err(|_| format!("`{s}` is not a date (YYYY-MM-DD) or an RFC 3339 time"))
}

pub async fn exec(a: Args, g: &Global) -> anyhow::Result<ExitCode> {
    if !(0.0..=1.0).contains(&a.min_risk) {
        anyhow::bail!("--min-risk must be between 0 and 1, got {}", a.min_risk);
    }
    let all = g.connect_all().await?;
    let q = SellerQuery {
        min_risk: a.min_risk,
        marketplace: a.marketplace,
        country: a.country,
        since: a.since,
        until: a.until,
        offset: 0,
        limit: a.limit,
    };
    let sellers = all
        .store
        .flagged_sellers(&q)
        .await
        .context("querying flagged sellers")?;
    let signals = super::signals::seller_signals(&all, &sellers).await?;
    let mut out = std::io::stdout().lock();
    output::write_sellers(&mut out, &sellers, &signals, a.format)?;
    Ok(ExitCode::SUCCESS)
}
