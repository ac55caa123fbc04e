//! `soi sink`: the sink stage of the distributed pipeline. Consumes scored listings and seller
//! facts from the bus and writes them to the store, acknowledging each batch only after the store
//! accepted it, and links the sellers of what it stored. Runs until stopped (Ctrl-C / SIGTERM finish the current batch) or idle.

use std::process::ExitCode;
use std::time::Duration;

use soi_pipeline::{run_scored_sink_linked, run_seller_sink, BatchOptions, StageReport};

use crate::global::Global;

#[derive(clap::Args)]
pub struct Args {
    /// Consumer group of the sinks.
    #[arg(long, default_value = "soi-sink")]
    group: String,
    /// Most rows written in one insert.
    #[arg(long, default_value_t = 1000)]
    batch: usize,
    /// Longest wait (milliseconds) before a partial batch is written.
    #[arg(long, default_value_t = 200)]
    linger_ms: u64,
    /// Stop after this many seconds without messages (default: run until stopped).
    #[arg(long)]
    idle_exit: Option<u64>,
}

pub async fn exec(a: Args, g: &Global) -> anyhow::Result<ExitCode> {
    let idle = a.idle_exit.map(Duration::from_secs);
    let Some(bus) = g.connect_kafka(idle).await? else {
        anyhow::bail!("soi sink needs --bus kafka://HOST:PORT (soi run sinks in process)");
    };
    let (store, links) = g.connect_linked().await?;
    let opts = BatchOptions {
        max: a.batch.max(1),
        linger: Duration::from_millis(a.linger_ms),
    };
    let quiet = |_: &StageReport| {};
    let (b, st) = (bus.clone(), store.clone());
    let group = a.group.clone();
    let sellers =
        tokio::spawn(async move { run_seller_sink(b.as_ref(), &group, st, opts, &quiet).await });
    let scored =
        run_scored_sink_linked(bus.as_ref(), &a.group, store, Some(links), opts, &quiet).await?;
    let sellers = sellers.await??;
    eprintln!(
        "sink stage: stored {} scored listings and {} seller records ({} rows changed), \
         dead-lettered {}, {:.2}s active, {:.0} listings/s",
        scored.processed,
        sellers.processed,
        scored.changed + sellers.changed,
        scored.dead_lettered + sellers.dead_lettered,
        scored.active_secs,
        scored.rate()
    );
    Ok(ExitCode::SUCCESS)
}
