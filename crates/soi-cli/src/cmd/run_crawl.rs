//! The crawl step of `soi run`: load the marketplace config, crawl it onto the bus with a
//! progress bar, keep every fetched page as evidence under HOME/evidence, sealed into signed
//! (and, with a TSA configured, timestamped) batches, and its extraction health as a row of the
//! store.

use soi_bus::Publisher;
use soi_crawl::{crawl, CrawlOptions, CrawlProgress};

use super::run::Args;
use crate::global::Global;
use crate::progress;

/// Crawls the marketplace named in `a`; `base` is the demo server's URL when one was started.
/// `emit_unchanged` sends pages that did not change since the last crawl too. Returns a one-line
/// summary.
pub async fn crawl_step(
    a: &Args,
    g: &Global,
    base: Option<String>,
    publisher: &dyn Publisher,
    bars: &indicatif::MultiProgress,
    emit_unchanged: bool,
    health: &dyn soi_store::CrawlHealthStore,
) -> anyhow::Result<String> {
    let config = soi_crawl::load_marketplace(&g.pipelines, &a.marketplace)?;
    let mut opts = CrawlOptions::new(g.home.join("crawl"));
    opts.max_pages = a.max_pages.map(|n| n as usize);
    opts.emit_unchanged = emit_unchanged;
    if base.is_some() {
        opts.allow_loopback = true;
        opts.base_url = base;
    }
    let evidence = soi_evidence::CrawlEvidence::open(&g.home, &g.pipelines)?;
    let bar = bars.add(progress::bar(g.quiet, 0, "crawled"));
    let b = bar.clone();
    let on_progress = move |p: CrawlProgress| {
        b.set_length((p.fetched + p.queued).min(p.budget.max(p.fetched)) as u64);
        b.set_position(p.fetched as u64);
        b.set_message(format!("{} listings, {} sellers", p.listings, p.sellers));
    };
    let report = crawl(&config, &opts, publisher, &evidence.store, &on_progress).await?;
    bar.finish();
    super::crawl_health::record(health, &report).await?;
    for w in &report.health_warnings {
        eprintln!("warning: extraction health: {}", w.message);
    }
    let sealed = evidence.finish().await;
    for issue in report
        .errors
        .iter()
        .chain(&report.problems)
        .chain(&report.publish_failures)
    {
        eprintln!("warning: {}: {}", issue.url, issue.message);
    }
    let shots = match report.screenshots {
        0 => String::new(),
        n => format!(", {n} screenshots"),
    };
    Ok(format!(
        "crawled {} pages of {} ({} unchanged): {} listings, {} sellers, {} not published; evidence in {}{shots} ({sealed})",
        report.pages_fetched + report.pages_unchanged,
        report.marketplace,
        report.pages_unchanged,
        report.listings,
        report.sellers,
        report.publish_failures.len(),
        g.home.join("evidence").display()
    ))
}
