//! `soi run`: every stage in one process on the embedded defaults.
//!
//! crawl -> [listings.raw, sellers.raw] -> score -> [verdicts] -> sink -> store, over the bounded
//! in-process bus, then the top flagged sellers with their reasons. With the default marketplace
//! (`demo`) it first serves the bundled demo site from `pipelines/demo-site/` on 127.0.0.1.
//!
//! With `--input FILE` it reads listings instead, line by line like `soi score` (bounded lines,
//! malformed ones reported and skipped, exit status 2 when any was). The in-process bus refuses
//! messages over the same size as Kafka, so an over-size result is dead-lettered here too.
//!
//! The stage wiring, the dead-letter file and shutdown are `soi_pipeline::embedded`'s; this file
//! chooses the feed (crawl or file), the progress bars and what is printed. Ctrl-C or SIGTERM
//! stops the feed; what it had sent is still stored before `soi run` exits.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use soi_bus::{Bus, InProcBus, DEFAULT_MAX_MESSAGE_BYTES, TOPIC_DLQ};
use soi_pipeline::embedded::Stage;
use soi_pipeline::{run_embedded, EmbeddedOptions, StageReport};
use soi_store::SellerQuery;

use crate::cmd::{crawl_step, publish_file};
use crate::global::Global;
use crate::output::{self, Format};
use crate::progress;

#[derive(clap::Args)]
pub struct Args {
    /// Score and store the listings of this JSON Lines file (the `soi score` input format)
    /// instead of crawling.
    #[arg(long)]
    pub input: Option<std::path::PathBuf>,
    /// Marketplace config in PIPELINES/marketplaces/NAME.toml. `demo` serves the bundled demo
    /// site locally.
    #[arg(long, default_value = "demo")]
    pub marketplace: String,
    /// Port on 127.0.0.1 for the bundled demo site.
    #[arg(long, default_value_t = 8737)]
    pub demo_port: u16,
    /// Most pages to fetch (default: the marketplace config's budget).
    #[arg(long)]
    pub max_pages: Option<u64>,
    /// Sellers to show at the end.
    #[arg(long, default_value_t = 10)]
    pub top: usize,
    /// Listings at or above this risk count as flagged.
    #[arg(long, default_value_t = 0.5)]
    pub min_risk: f64,
    /// With `--bus kafka://...`: the stages stop after this many seconds without messages.
    #[arg(long, default_value_t = 5)]
    pub idle_exit: u64,
    #[command(flatten)]
    pub limit: crate::input::LineLimit,
}

pub async fn exec(a: Args, g: &Global) -> anyhow::Result<ExitCode> {
    let all = g.connect_all().await?;
    let (store, alerts) = super::alerts::attach(g, all.store.clone())?;
    // With alerts the store is reopened with its rules: every seam then writes through that one.
    let all = match &alerts {
        Some((sqlite, _)) => crate::global::Stores::sqlite(std::sync::Arc::new(sqlite.clone())),
        None => all,
    };
    let scorer = crate::features::encoder::load_scorer(&g.pipelines)?;
    let kafka = g
        .connect_kafka(Some(std::time::Duration::from_secs(a.idle_exit.max(1))))
        .await?;
    // On Kafka the dead-letter topic itself keeps them (`soi dlq`); in process, a file does.
    let dead_letter_file = kafka.is_none().then(|| g.home.join("dead-letters.jsonl"));
    let bus: Arc<dyn Bus> = match kafka {
        Some(k) => k,
        // The same message limit as on Kafka, so a run in process fails no differently.
        None => Arc::new(InProcBus::with_max_message_bytes(
            soi_bus::DEFAULT_CAPACITY,
            DEFAULT_MAX_MESSAGE_BYTES,
        )),
    };
    let bars = indicatif::MultiProgress::new();
    let scored_bar = bars.add(progress::spinner(g.quiet, "scored"));
    let stored_bar = bars.add(progress::spinner(g.quiet, "stored"));
    let mut opts = EmbeddedOptions::new(dead_letter_file.clone());
    opts.links = Some(all.links.clone());
    let (sb, tb) = (scored_bar.clone(), stored_bar.clone());
    opts.progress = Arc::new(move |stage: Stage, r: &StageReport| match stage {
        Stage::Score => sb.set_position(r.processed),
        Stage::Sink => tb.set_position(r.processed),
        Stage::Sellers => {}
    });

    let demo = if a.marketplace == "demo" && a.input.is_none() {
        let root = g.pipelines.join("demo-site");
        let addr = SocketAddr::from(([127, 0, 0, 1], a.demo_port));
        let (addr, handle) = soi_crawl::serve::StaticServer::start(root.clone(), addr)
            .await
            .with_context(|| {
                format!(
                    "serving the demo site {} on {addr} (is the port taken? use --demo-port)",
                    root.display()
                )
            })?;
        Some((format!("http://{addr}"), handle))
    } else {
        None
    };
    let base = demo.as_ref().map(|(u, _)| u.clone());
    let publisher = bus.publisher();
    // What the feed sent: a one-line summary and how many input lines were malformed.
    let feed = async {
        match &a.input {
            Some(path) => {
                let bar = bars.add(progress::spinner(g.quiet, "read"));
                let (ok, bad) =
                    publish_file(path, a.limit, publisher.as_ref(), false, &bar).await?;
                let line = format!(
                    "read {ok} listings from {} ({bad} malformed lines skipped)",
                    path.display()
                );
                anyhow::Ok((line, bad))
            }
            None => {
                // The crawler skips pages unchanged since its last visit; when the store holds
                // no listings (a new or wiped store), send everything again so nothing is missing.
                let empty = store.counts().await?.listings == 0;
                let line = crawl_step(
                    &a,
                    g,
                    base,
                    publisher.as_ref(),
                    &bars,
                    empty,
                    all.crawl_health.as_ref(),
                )
                .await?;
                Ok((line, 0))
            }
        }
    };
    let (fed, report) = run_embedded(
        bus.clone(),
        store.clone(),
        scorer,
        opts,
        feed,
        crate::signal::shutdown(),
    )
    .await?;
    scored_bar.finish();
    stored_bar.finish();
    if let Some((_, h)) = demo {
        h.shutdown().await;
    }
    let (crawled, malformed) = match fed {
        Some(fed) => fed?,
        None => (
            "stopped before the input was read to the end".to_string(),
            0,
        ),
    };
    let dead = match (report.dead_letters, &dead_letter_file) {
        (Some(n), Some(path)) => {
            if n > 0 {
                eprintln!("{n} dead letters written to {}", path.display());
            }
            n.to_string()
        }
        _ => format!("on the {TOPIC_DLQ} topic"),
    };

    let counts = store.counts().await?;
    println!(
        "{crawled}; scored {} listings; stored {} rows changed ({} listings, {} sellers, {} \
         verdicts in {}); dead letters {dead}",
        report.scored.processed,
        report.stored.changed + report.sellers.changed,
        counts.listings,
        counts.sellers,
        counts.verdicts,
        g.store_label(),
    );
    let q = SellerQuery {
        min_risk: a.min_risk,
        marketplace: a.input.is_none().then(|| a.marketplace.clone()),
        limit: a.top,
        ..Default::default()
    };
    let top = store.flagged_sellers(&q).await?;
    println!();
    let signals = super::signals::seller_signals(&all, &top).await?;
    output::write_sellers(&mut std::io::stdout().lock(), &top, &signals, Format::Table)?;
    super::alerts::after_run(alerts).await?;
    // Like `soi score` and `soi publish`: malformed input lines make the exit status 2; a run
    // stopped by a signal exits 130 like a shell's interrupted command.
    Ok(if report.shut_down {
        ExitCode::from(130)
    } else if malformed > 0 {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}
