//! `soi publish --input FILE`: puts JSON Lines listings (the `soi score` input contract) onto
//! the bus's `listings.raw` topic, for feeding the distributed pipeline from another system or a
//! converted data set. Malformed lines are reported with their line numbers and skipped; the exit
//! status is 2 when any was. `--raw` publishes lines as they are (replaying dead letters, tests).

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use soi_bus::{Publisher, TOPIC_LISTINGS};
use soi_model::{Envelope, Kind, Listing};

use crate::global::Global;

#[derive(clap::Args)]
pub struct Args {
    /// JSON Lines listings; `-` reads standard input.
    #[arg(long, short, default_value = "-")]
    input: PathBuf,
    /// Publish each line unchanged, without checking or wrapping it.
    #[arg(long)]
    raw: bool,
}

pub async fn exec(a: Args, g: &Global) -> anyhow::Result<ExitCode> {
    let Some(bus) = g.connect_kafka(None).await? else {
        anyhow::bail!(
            "soi publish needs --bus kafka://HOST:PORT (soi run --input feeds the in-process bus)"
        );
    };
    let bar = crate::progress::spinner(g.quiet, "published");
    let started = std::time::Instant::now();
    let (ok, bad) = publish_file(&a.input, bus.publisher_ref(), a.raw, &bar).await?;
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
    publisher: &dyn Publisher,
    raw: bool,
    bar: &indicatif::ProgressBar,
) -> anyhow::Result<(u64, u64)> {
    let input: Box<dyn BufRead + Send> = if input.as_os_str() == "-" {
        Box::new(std::io::BufReader::new(std::io::stdin()))
    } else {
        let f =
            std::fs::File::open(input).with_context(|| format!("opening {}", input.display()))?;
        Box::new(std::io::BufReader::new(f))
    };
    let (mut ok, mut bad) = (0u64, 0u64);
    for (i, line) in input.lines().enumerate() {
        let line = line.with_context(|| format!("reading line {}", i + 1))?;
        if line.trim().is_empty() {
            continue;
        }
        let (key, payload) = if raw {
            (format!("raw/{}", i + 1), line.into_bytes())
        } else {
            match Listing::from_json(&line) {
                Ok(l) => {
                    let key = l.key();
                    let env = Envelope::new(Kind::Listing, key.clone(), l);
                    (key, env.to_bytes())
                }
                Err(e) => {
                    bad += 1;
                    eprintln!("line {}: {e}", i + 1);
                    continue;
                }
            }
        };
        publisher.publish(TOPIC_LISTINGS, &key, payload).await?;
        ok += 1;
        bar.set_position(ok);
    }
    publisher.flush().await?;
    Ok((ok, bad))
}
