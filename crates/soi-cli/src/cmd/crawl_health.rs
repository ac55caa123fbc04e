//! Extraction health in the store: each crawl's figures and warnings are written as a
//! `crawl_health` row ([`record`], by `soi crawl` and `soi run`), and `soi crawl-health` shows the
//! recent rows, so a marketplace whose layout changed shows as a falling fill rate.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;
use soi_crawl::CrawlReport;
use soi_store::{CrawlHealthRow, CrawlHealthStore};

use crate::global::Global;
use crate::output::clean;

#[derive(clap::Args)]
pub struct Args {
    /// Only this marketplace.
    #[arg(long)]
    marketplace: Option<String>,
    /// Most crawls to show, newest first.
    #[arg(long, default_value_t = 20)]
    limit: usize,
    #[arg(long)]
    json: bool,
}

/// Writes the crawl's health row, when the crawl read any items.
pub async fn record(store: &dyn CrawlHealthStore, report: &CrawlReport) -> anyhow::Result<()> {
    let Some(h) = &report.health else {
        return Ok(());
    };
    let row = CrawlHealthRow {
        marketplace: report.marketplace.clone(),
        at: h.at,
        pages: h.pages,
        listings: h.listings,
        sellers: h.sellers,
        items_per_page: h.items_per_page,
        fill: h.fill.clone(),
        warnings: report
            .health_warnings
            .iter()
            .map(|w| w.message.clone())
            .collect(),
    };
    store
        .put_crawl_health(&row)
        .await
        .context("storing the crawl's extraction health")
}

pub async fn exec(a: Args, g: &Global) -> anyhow::Result<ExitCode> {
    let all = g.connect_all().await?;
    let rows = all
        .crawl_health
        .crawl_health(a.marketplace.as_deref(), a.limit.max(1))
        .await
        .context("reading extraction health")?;
    let mut out = std::io::stdout().lock();
    if a.json {
        serde_json::to_writer_pretty(&mut out, &rows)?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    if rows.is_empty() {
        writeln!(out, "No crawl has recorded its extraction health yet.")?;
    }
    for r in &rows {
        let fill: Vec<String> = r
            .fill
            .iter()
            .map(|(k, v)| format!("{} {:.0}%", clean(k), v * 100.0))
            .collect();
        writeln!(
            out,
            "{}  {}  {} pages, {} listings, {} sellers, {:.1} items/page; filled: {}",
            r.at.format("%Y-%m-%d %H:%M"),
            clean(&r.marketplace),
            r.pages,
            r.listings,
            r.sellers,
            r.items_per_page,
            fill.join(", ")
        )?;
        for w in &r.warnings {
            writeln!(out, "    warning: {}", clean(w))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
