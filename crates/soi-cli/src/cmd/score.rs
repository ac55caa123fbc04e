//! `soi score`: the scoring core as a filter, JSON Lines in, JSON Lines out.
//!
//! One output line per input line, in order. A malformed line is reported on stderr with its line
//! number and answered in place with `{"line": N, "error": "..."}` so the output stays aligned
//! with the input; the exit status is 2 when any line failed. Blank lines are skipped. A line that
//! is not UTF-8 or longer than `--max-line-bytes` is such a malformed line too (see
//! [`crate::input`]); only a failing read stops the command.
//!
//! With `--bus kafka://...` it is the score stage of the distributed pipeline instead: it consumes
//! `listings.raw` as a member of a consumer group (run several for more throughput) and publishes
//! scored listings until stopped (Ctrl-C / SIGTERM finish the current batch) or idle.

use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use serde_json::json;
use soi_model::Listing;
use soi_score::Scorer;

use crate::global::Global;
use crate::input::{self, LineLimit};

#[derive(clap::Args)]
pub struct Args {
    /// JSON Lines listings; `-` reads standard input.
    #[arg(long, short, default_value = "-")]
    input: PathBuf,
    /// Where verdicts go; `-` writes standard output.
    #[arg(long, short, default_value = "-")]
    output: PathBuf,
    /// Listings scored together (bigger batches use the cores better).
    #[arg(long, default_value_t = 512)]
    batch: usize,
    /// Stage mode: consumer group of the scorers.
    #[arg(long, default_value = "soi-score")]
    group: String,
    /// Stage mode: stop after this many seconds without messages (default: run until stopped).
    #[arg(long)]
    idle_exit: Option<u64>,
    #[command(flatten)]
    limit: LineLimit,
}

/// An input line waiting for its batch: a listing to score, or the error to answer in place.
enum Line {
    Ok(Box<Listing>),
    Bad { line: usize, error: String },
}

pub async fn exec(a: Args, g: &Global) -> anyhow::Result<ExitCode> {
    let scorer = crate::features::encoder::load_scorer(&g.pipelines)?;
    if g.bus.is_some() {
        return stage(a, g, scorer).await;
    }
    let quiet = g.quiet;
    tokio::task::spawn_blocking(move || run(&a, scorer.as_ref(), quiet)).await?
}

/// The score stage on the distributed bus.
async fn stage(a: Args, g: &Global, scorer: Arc<dyn Scorer>) -> anyhow::Result<ExitCode> {
    let idle = a.idle_exit.map(std::time::Duration::from_secs);
    let Some(bus) = g.connect_kafka(idle).await? else {
        anyhow::bail!("--bus is required for the score stage");
    };
    let opts = soi_pipeline::BatchOptions {
        max: a.batch.max(1),
        ..Default::default()
    };
    let bar = crate::progress::spinner(g.quiet, "scored");
    let b = bar.clone();
    let progress = move |r: &soi_pipeline::StageReport| b.set_position(r.processed);
    let report =
        soi_pipeline::run_score_stage(bus.as_ref(), &a.group, scorer, opts, &progress).await?;
    bar.finish();
    eprintln!(
        "score stage: received {}, scored {}, dead-lettered {}, {:.2}s active, {:.0} listings/s",
        report.received,
        report.processed,
        report.dead_lettered,
        report.active_secs,
        report.rate()
    );
    Ok(ExitCode::SUCCESS)
}

fn open_output(p: &PathBuf) -> anyhow::Result<Box<dyn Write>> {
    if p.as_os_str() == "-" {
        return Ok(Box::new(BufWriter::new(std::io::stdout().lock())));
    }
    let f = std::fs::File::create(p).with_context(|| format!("creating {}", p.display()))?;
    Ok(Box::new(BufWriter::new(f)))
}

fn run(a: &Args, scorer: &dyn Scorer, quiet: bool) -> anyhow::Result<ExitCode> {
    let input = input::open(&a.input, a.limit)?;
    let mut out = open_output(&a.output)?;
    let (mut ok, mut bad) = (0usize, 0usize);
    let mut pending: Vec<Line> = Vec::with_capacity(a.batch);
    let flush = |pending: &mut Vec<Line>, out: &mut dyn Write| -> anyhow::Result<()> {
        let mut listings = Vec::with_capacity(pending.len());
        let mut order = Vec::with_capacity(listings.capacity());
        for l in pending.drain(..) {
            match l {
                Line::Ok(l) => {
                    listings.push(*l);
                    order.push(None);
                }
                Line::Bad { line, error } => order.push(Some((line, error))),
            }
        }
        let mut verdicts = scorer.score(&listings).into_iter();
        for e in order {
            let text = match e {
                None => match verdicts.next() {
                    Some(v) => serde_json::to_string(&v)?,
                    None => anyhow::bail!("the scorer returned fewer verdicts than listings"),
                },
                Some((line, error)) => json!({"line": line, "error": error}).to_string(),
            };
            writeln!(out, "{text}")?;
        }
        Ok(())
    };
    for line in input {
        let line = line.context("reading the input")?;
        let n = line.number;
        match line
            .text
            .map_err(|e| e.to_string())
            .and_then(|t| Listing::from_json(&t).map_err(|e| e.to_string()))
        {
            Ok(l) => {
                ok += 1;
                pending.push(Line::Ok(Box::new(l)));
            }
            Err(e) => {
                bad += 1;
                eprintln!("line {n}: {e}");
                pending.push(Line::Bad { line: n, error: e });
            }
        }
        if pending.len() >= a.batch.max(1) {
            flush(&mut pending, out.as_mut())?;
        }
    }
    flush(&mut pending, out.as_mut())?;
    out.flush()?;
    if !quiet {
        eprintln!("scored {ok} listings, {bad} malformed lines");
    }
    Ok(if bad > 0 {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}
