//! `soi publish --input FILE`: puts JSON Lines listings (the `soi score` input contract) onto
//! the bus's `listings.raw` topic, for feeding the distributed pipeline from another system or a
//! converted data set. Malformed lines (bad JSON or listing, not UTF-8, over `--max-line-bytes`,
//! or a message too large for the bus) are reported with their line numbers and skipped; the exit
//! status is 2 when any was. `--raw` publishes lines as they are (replaying dead letters, tests).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use soi_bus::{BusError, Publisher, TOPIC_LISTINGS};
use soi_model::{Envelope, Kind, Listing};

use crate::global::Global;
use crate::input::{self, LineLimit};

#[derive(clap::Args)]
pub struct Args {
    /// JSON Lines listings; `-` reads standard input.
    #[arg(long, short, default_value = "-")]
    input: PathBuf,
    /// Publish each line unchanged, without checking or wrapping it.
    #[arg(long)]
    raw: bool,
    #[command(flatten)]
    limit: LineLimit,
}

pub async fn exec(a: Args, g: &Global) -> anyhow::Result<ExitCode> {
    let Some(bus) = g.connect_kafka(None).await? else {
        anyhow::bail!(
            "soi publish needs --bus kafka://HOST:PORT (soi run --input feeds the in-process bus)"
        );
    };
    let bar = crate::progress::spinner(g.quiet, "published");
    let started = std::time::Instant::now();
    let (ok, bad) = publish_file(&a.input, a.limit, bus.publisher().as_ref(), a.raw, &bar).await?;
    let secs = started.elapsed().as_secs_f64();
    bar.finish_and_clear();
    eprintln!(
        "published {ok} listings, {bad} malformed lines skipped, {secs:.2}s, {:.0} listings/s",
        ok as f64 / secs.max(1e-9)
    );
    Ok(if bad > 0 {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

/// Publishes the listings of a JSON Lines file (`-`: stdin) to `listings.raw` and flushes.
/// Returns (published, malformed); malformed lines are reported on stderr with their number.
pub async fn publish_file(
    input: &Path,
    limit: LineLimit,
    publisher: &dyn Publisher,
    raw: bool,
    bar: &indicatif::ProgressBar,
) -> anyhow::Result<(u64, u64)> {
    let (mut ok, mut bad) = (0u64, 0u64);
    for line in input::open(input, limit)? {
        let line = line.context("reading the input")?;
        let n = line.number;
        let message = line.text.map_err(|e| e.to_string()).and_then(|text| {
            if raw {
                return Ok((format!("raw/{n}"), text.into_bytes()));
            }
            let l = Listing::from_json(&text).map_err(|e| e.to_string())?;
            let key = l.key();
            let env = Envelope::new(Kind::Listing, key.clone(), l);
            Ok((key, env.to_bytes()))
        });
        let result = match message {
            Ok((key, payload)) => match publisher.publish(TOPIC_LISTINGS, &key, payload).await {
                Err(e @ BusError::TooLarge { .. }) => Err(e.to_string()),
                other => Ok(other?),
            },
            Err(e) => Err(e),
        };
        match result {
            Ok(()) => {
                ok += 1;
                bar.set_position(ok);
            }
            Err(e) => {
                bad += 1;
                eprintln!("line {n}: {e}");
            }
        }
    }
    publisher.flush().await?;
    Ok((ok, bad))
}
