//! `soi evidence log`: the chain of custody (`soi_evidence::custody`): every export, package
//! and verification, who did it from where and when, with the hashes, and whether the chain
//! still holds (exit 1 naming the first entry that does not). [`record`] is how the other
//! evidence commands append to it.

use std::process::ExitCode;

use soi_evidence::custody::{Custody, Record};

use crate::global::Global;
use crate::output::clean;

#[derive(clap::Args)]
pub struct LogArgs {
    /// One JSON object per line (the entries as stored) instead of the table.
    #[arg(long)]
    json: bool,
}

/// Appends `rec` to HOME/evidence/custody.jsonl; a line on stderr says so.
pub fn record(g: &Global, rec: Record) -> anyhow::Result<()> {
    let entry = Custody::open(&g.home.join("evidence")).record(rec)?;
    eprintln!(
        "custody: entry {} recorded ({} by {}@{})",
        entry.seq,
        entry.record.action.as_str(),
        clean(&entry.operator),
        clean(&entry.host)
    );
    Ok(())
}

pub fn log(a: &LogArgs, g: &Global) -> anyhow::Result<ExitCode> {
    let custody = Custody::open(&g.home.join("evidence"));
    let chain = custody.read()?;
    let mut out = std::io::stdout().lock();
    for e in &chain.entries {
        if a.json {
            serde_json::to_writer(&mut out, e)?;
            std::io::Write::write_all(&mut out, b"\n")?;
        } else {
            let sha = e
                .record
                .sha256
                .as_deref()
                .map_or("-", |s| s.get(..16).unwrap_or(s));
            std::io::Write::write_fmt(
                &mut out,
                format_args!(
                    "{:>4}  {}  {}@{}  {:<8} {}  {}  {}\n",
                    e.seq,
                    e.at.format("%Y-%m-%d %H:%M:%S"),
                    clean(&e.operator),
                    clean(&e.host),
                    e.record.action.as_str(),
                    clean(&e.record.what()),
                    sha,
                    if e.record.failures == 0 {
                        "ok".to_string()
                    } else {
                        format!("{} failures", e.record.failures)
                    }
                ),
            )?;
        }
    }
    match (&chain.broken, &chain.head) {
        (Some(b), _) => {
            eprintln!("error: {}: {b}", custody.path().display());
            Ok(ExitCode::from(1))
        }
        (None, Some(head)) => {
            eprintln!("{} entries, chain whole; head {head}", chain.entries.len());
            Ok(ExitCode::SUCCESS)
        }
        (None, None) => {
            eprintln!("no custody entries yet in {}", custody.path().display());
            Ok(ExitCode::SUCCESS)
        }
    }
}
