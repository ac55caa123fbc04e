//! `soi evidence`: the stored pages behind every listing. `export --warc FILE` writes them as
//! WARC 1.1 for standard web-archive tools; `package` writes listings' captures as a signed WACZ
//! ([`pack`]); `verify --all` checks every body, batch signature and timestamp, `verify FILE.wacz`
//! a package (exit 1 on any failure); `timestamp` asks the TSA for the batches still without a
//! token; `log` shows the chain of custody those actions append to ([`log`]). The work is
//! `soi_evidence`'s; [`check`] prints it.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;
use clap::Subcommand;
use soi_crawl::EvidenceStore;

use soi_evidence::custody::{Action, Record};

use super::evidence_check as check;
use super::evidence_log as log;
use super::evidence_package as pack;
use crate::global::Global;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    what: What,
}

#[derive(Subcommand)]
enum What {
    /// Write every stored page as a WARC 1.1 response record.
    Export {
        /// WARC file to write (`-` for stdout).
        #[arg(long)]
        warc: String,
    },
    /// List the fetches logged: time, status, sha256, URL.
    List,
    /// Write listings' stored pages, verdicts and signed batches as one signed WACZ file.
    Package(pack::PackageArgs),
    /// Check every body's hash, every batch's signature and every timestamp token (`--all`), or
    /// every file, signature and batch of a WACZ package (`FILE.wacz`); name each failure and
    /// exit 1 when there is one.
    Verify(check::VerifyArgs),
    /// Timestamp the batches that have no token yet (the TSA of PIPELINES/evidence.toml).
    Timestamp,
    /// The chain of custody: every export, package and verification (who, where, when, which
    /// hashes); exit 1 naming the first entry that was changed or removed.
    Log(log::LogArgs),
}

pub async fn exec(a: Args, g: &Global) -> anyhow::Result<ExitCode> {
    let store = EvidenceStore::open(g.home.join("evidence"))?;
    match a.what {
        What::Export { warc } => {
            let mut out: Box<dyn Write> = if warc == "-" {
                Box::new(std::io::stdout().lock())
            } else {
                Box::new(std::io::BufWriter::new(
                    std::fs::File::create(&warc).with_context(|| format!("creating {warc}"))?,
                ))
            };
            let n = soi_crawl::warc::export(&store, &mut out)?;
            out.flush()?;
            drop(out);
            eprintln!("{n} WARC records (responses, and revisits for 304s) written to {warc}");
            let mut rec = if warc == "-" {
                let mut rec = Record::new(Action::Export);
                rec.path = Some("-".into());
                rec
            } else {
                Record::new(Action::Export).with_file(std::path::Path::new(&warc))?
            };
            rec.captures = Some(n as u64);
            log::record(g, rec)?;
        }
        What::Verify(v) => return check::verify(&v, g),
        What::Package(p) => return pack::package(&p, g).await,
        What::Timestamp => return check::timestamp(g).await,
        What::Log(l) => return log::log(&l, g),
        What::List => {
            for r in store.records()? {
                println!(
                    "{}\t{}\t{}\t{}",
                    r.fetched_at.to_rfc3339(),
                    r.status,
                    r.sha256,
                    r.url
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
