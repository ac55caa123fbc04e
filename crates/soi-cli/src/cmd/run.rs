//! `soi run`: every stage in one process on the embedded defaults.
//!
//! crawl -> [listings.raw, sellers.raw] -> score -> [verdicts] -> sink -> store, over the bounded
//! in-process bus, then the top flagged sellers with their reasons. With the default marketplace
//! (`demo`) it first serves the bundled demo site from `pipelines/demo-site/` on 127.0.0.1.
//!
//! With `--input FILE` it reads listings instead, line by line like `soi score` (bounded lines,
//! malformed ones reported and skipped, exit status 2 when any was). The in-process bus refuses
//! messages over the same size as Kafka, so an over-size result is dead-lettered here too.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use soi_bus::{
    Bus, InProcBus, DEFAULT_MAX_MESSAGE_BYTES, TOPIC_DLQ, TOPIC_LISTINGS, TOPIC_SELLERS,
};
use soi_pipeline::{run_score_stage, run_scored_sink, run_seller_sink, BatchOptions, StageReport};
use soi_score::Scorer;
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

const GROUP: &str = "soi-run";

pub async fn exec(a: Args, g: &Global) -> anyhow::Result<ExitCode> {
    let store = g.connect_store().await?;
    let (store, alerts) = super::alerts::attach(g, store)?;
    let scorer: Arc<dyn Scorer> =
        Arc::from(soi_encoder::load_scorer(Some(&g.pipelines)).context("loading the scorer")?);
    let kafka = g
        .connect_kafka(Some(std::time::Duration::from_secs(a.idle_exit.max(1))))
        .await?;
    let bus: Arc<dyn Bus> = match &kafka {
        Some(k) => k.clone(),
        // The same message limit as on Kafka, so a run in process fails no differently.
        None => Arc::new(InProcBus::with_max_message_bytes(
            soi_bus::DEFAULT_CAPACITY,
            DEFAULT_MAX_MESSAGE_BYTES,
        )),
    };
    let bars = indicatif::MultiProgress::new();
    let opts = BatchOptions::default();

    // On Kafka the dead-letter topic itself keeps them (`soi dlq`); in process, a file does.
    let dlq = match kafka {
        Some(_) => None,
        None => Some(spawn_dead_letter_file(bus.clone(), g.home.join("dead-letters.jsonl")).await?),
    };
    let scored_bar = bars.add(progress::spinner(g.quiet, "scored"));
    let stored_bar = bars.add(progress::spinner(g.quiet, "stored"));

    let (b, s, sb) = (bus.clone(), scorer.clone(), scored_bar.clone());
    let score = tokio::spawn(async move {
        let p = move |r: &StageReport| sb.set_position(r.processed);
        run_score_stage(b.as_ref(), GROUP, s, opts, &p).await
    });
    let (b, st, tb) = (bus.clone(), store.clone(), stored_bar.clone());
    let sink = tokio::spawn(async move {
        let p = move |r: &StageReport| tb.set_position(r.processed);
        run_scored_sink(b.as_ref(), GROUP, st, opts, &p).await
    });
    let (b, st) = (bus.clone(), store.clone());
    let sellers = tokio::spawn(async move {
        run_seller_sink(b.as_ref(), GROUP, st, opts, &|_: &StageReport| {}).await
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
    let mut malformed = 0u64;
    let crawled = match &a.input {
        Some(path) => {
            let bar = bars.add(progress::spinner(g.quiet, "read"));
            publish_file(path, a.limit, publisher.as_ref(), false, &bar)
                .await
                .map(|(ok, bad)| {
                    malformed = bad;
                    format!(
                        "read {ok} listings from {} ({bad} malformed lines skipped)",
                        path.display()
                    )
                })
        }
        None => {
            // The crawler skips pages unchanged since its last visit; when the store holds no
            // listings (a new or wiped store), send everything again so nothing is missing.
            let empty = store.counts().await?.listings == 0;
            crawl_step(&a, g, base, publisher.as_ref(), &bars, empty).await
        }
    };
    // Whatever happened, end the topics so the stages drain what they have and stop.
    bus.close(TOPIC_LISTINGS).await?;
    bus.close(TOPIC_SELLERS).await?;
    let scored = score.await??;
    let stored = sink.await??;
    let seller_rows = sellers.await??;
    bus.close(TOPIC_DLQ).await?;
    let dead = match dlq {
        Some(d) => d.await??.to_string(),
        None => format!("on the {TOPIC_DLQ} topic"),
    };
    scored_bar.finish();
    stored_bar.finish();
    if let Some((_, h)) = demo {
        h.shutdown().await;
    }
    let crawled = crawled?;

    let counts = store.counts().await?;
    println!(
        "{crawled}; scored {} listings; stored {} rows changed ({} listings, {} sellers, {} \
         verdicts in {}); dead letters {dead}",
        scored.processed,
        stored.changed + seller_rows.changed,
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
    output::write_sellers(&mut std::io::stdout().lock(), &top, Format::Table)?;
    super::alerts::after_run(alerts).await?;
    // Like `soi score` and `soi publish`: malformed input lines make the exit status 2.
    Ok(if malformed > 0 {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

/// Drains the dead-letter topic into a JSON Lines file, so nothing is dropped silently.
async fn spawn_dead_letter_file(
    bus: Arc<dyn Bus>,
    path: std::path::PathBuf,
) -> anyhow::Result<tokio::task::JoinHandle<anyhow::Result<u64>>> {
    let mut sub = bus.subscribe(TOPIC_DLQ, GROUP).await?;
    Ok(tokio::spawn(async move {
        use tokio::io::AsyncWriteExt;
        let mut n = 0u64;
        let mut file: Option<tokio::fs::File> = None;
        while let Some(d) = sub.next().await? {
            if file.is_none() {
                if let Some(dir) = path.parent() {
                    tokio::fs::create_dir_all(dir).await?;
                }
                let f = tokio::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(&path)
                    .await
                    .with_context(|| format!("opening {}", path.display()))?;
                file = Some(f);
            }
            if let Some(f) = file.as_mut() {
                f.write_all(&d.message.payload).await?;
                f.write_all(b"\n").await?;
                f.sync_data().await?;
            }
            sub.ack(&d.origin).await?;
            n += 1;
        }
        if n > 0 {
            eprintln!("{n} dead letters written to {}", path.display());
        }
        Ok(n)
    }))
}
