//! `soi crawl --marketplace NAME`: crawl one marketplace and print what it found as JSON Lines
//! (versioned envelopes, the same messages `soi run` puts on the bus). A marketplace with a
//! `local_site` (the demo) is served on 127.0.0.1 for the crawl.
//!
//! With `--every SECS` it stays up and crawls again on that schedule (a long-running crawler
//! whose `--metrics` Prometheus can scrape); a failed run is reported and the next one still
//! comes. Ctrl-C or SIGTERM stops it between runs.

use std::process::ExitCode;

use anyhow::Context;
use soi_crawl::{crawl, CrawlOptions, CrawlProgress, JsonLinesPublisher};

use crate::global::Global;
use crate::progress;

#[derive(clap::Args)]
pub struct Args {
    /// Marketplace name: PIPELINES/marketplaces/NAME.toml.
    #[arg(long, default_value = "demo")]
    marketplace: String,
    /// Where to write listings and sellers as JSON Lines (`-` for stdout).
    #[arg(long, short, default_value = "-")]
    output: String,
    /// Page budget for this run (overrides the config's limits.max_pages).
    #[arg(long)]
    max_pages: Option<usize>,
    /// What `{base}` in the config means (default: the config's base_url, or the served
    /// local site).
    #[arg(long)]
    base_url: Option<String>,
    /// Allow loopback and private addresses.
    #[arg(long)]
    allow_loopback: bool,
    /// Emit listings of unchanged pages too (by default a page that did not change since the
    /// last crawl emits nothing).
    #[arg(long)]
    all: bool,
    /// Print the crawl report as JSON on stderr at the end.
    #[arg(long)]
    report_json: bool,
    /// Crawl again every SECS seconds (from the start of one run to the next) until stopped.
    #[arg(long, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..))]
    every: Option<u64>,
}

pub async fn exec(a: Args, g: &Global) -> anyhow::Result<ExitCode> {
    let config = soi_crawl::load_marketplace(&g.pipelines, &a.marketplace)?;
    let mut opts = CrawlOptions::new(g.home.join("crawl"));
    opts.max_pages = a.max_pages;
    opts.allow_loopback = a.allow_loopback;
    opts.base_url = a.base_url.clone();
    opts.emit_unchanged = a.all;
    let mut _server = None;
    if opts.base_url.is_none() {
        if let Some((handle, base)) = soi_crawl::serve_local_site(&config)
            .await
            .context("serving the marketplace's local site")?
        {
            opts.base_url = Some(base);
            opts.allow_loopback = true;
            _server = Some(handle);
        }
    }
    let evidence = soi_evidence::CrawlEvidence::open(&g.home, &g.pipelines)?;
    let out: Box<dyn std::io::Write + Send> = if a.output == "-" {
        Box::new(std::io::stdout())
    } else {
        Box::new(std::io::BufWriter::new(
            std::fs::File::create(&a.output).with_context(|| format!("creating {}", a.output))?,
        ))
    };
    let json_lines = JsonLinesPublisher::new(out);
    // With --bus the listings go onto the distributed bus instead of standard output.
    let kafka = g.connect_kafka(None).await?.map(|k| k.publisher());
    let publisher: &dyn soi_bus::Publisher = match &kafka {
        Some(k) => k.as_ref(),
        None => &json_lines,
    };
    // Each crawl's extraction health also lands in the configured store.
    let health = g.connect_all().await?.crawl_health;
    let bar = progress::bar(g.quiet, 0, "crawled");
    let b = bar.clone();
    let on_progress = move |p: CrawlProgress| {
        b.set_length((p.fetched + p.queued).min(p.budget) as u64);
        b.set_position(p.fetched as u64);
        b.set_message(format!(
            "{} listings, {} sellers, {} unchanged, {} errors",
            p.listings, p.sellers, p.unchanged, p.errors
        ));
    };
    let Some(every) = a.every.map(std::time::Duration::from_secs) else {
        let report = crawl(&config, &opts, publisher, &evidence.store, &on_progress).await?;
        publisher.flush().await?;
        eprintln!("{}", evidence.finish().await);
        bar.finish_and_clear();
        super::crawl_health::record(health.as_ref(), &report).await?;
        summary(&report, a.report_json)?;
        return Ok(ExitCode::SUCCESS);
    };
    let stop = crate::signal::shutdown();
    tokio::pin!(stop);
    loop {
        let started = tokio::time::Instant::now();
        match crawl(&config, &opts, publisher, &evidence.store, &on_progress).await {
            Ok(report) => {
                publisher.flush().await?;
                eprintln!("{}", evidence.finish().await);
                if let Err(e) = super::crawl_health::record(health.as_ref(), &report).await {
                    tracing::warn!(error = %e, "extraction health not stored; the crawl went on");
                }
                summary(&report, a.report_json)?;
            }
            Err(e) => {
                tracing::error!(marketplace = %config.id, error = %e, "crawl failed; trying again on schedule");
                eprintln!("error: crawl of {} failed: {e}", config.id);
            }
        }
        tokio::select! {
            _ = &mut stop => break,
            _ = tokio::time::sleep_until(started + every) => {}
        }
    }
    bar.finish_and_clear();
    Ok(ExitCode::SUCCESS)
}

/// What one crawl did, on stderr.
fn summary(report: &soi_crawl::CrawlReport, json: bool) -> anyhow::Result<()> {
    for e in &report.errors {
        eprintln!("error: {}: {}", e.url, e.message);
    }
    for p in &report.problems {
        eprintln!("warning: {}: {}", p.url, p.message);
    }
    for f in &report.publish_failures {
        eprintln!("error: {}: {}", f.url, f.message);
    }
    for w in &report.health_warnings {
        eprintln!("warning: extraction health: {}", w.message);
    }
    if let Some(h) = &report.health {
        eprintln!("{}: {}", report.marketplace, h.summary());
    }
    eprintln!(
        "{}: {} pages fetched, {} unchanged, {} listings, {} sellers, {} errors, {} not published{}",
        report.marketplace,
        report.pages_fetched,
        report.pages_unchanged,
        report.listings,
        report.sellers,
        report.errors.len(),
        report.publish_failures.len(),
        if report.budget_exhausted {
            " (page budget spent)"
        } else {
            ""
        }
    );
    if report.screenshots > 0 {
        eprintln!(
            "{}: {} screenshots kept as evidence",
            report.marketplace, report.screenshots
        );
    }
    if json {
        eprintln!("{}", serde_json::to_string(&report)?);
    }
    Ok(())
}
