//! `soi complaints import FILE`: hotline complaints (CSV with a header, or JSON Lines) into the
//! store, each linked to the sellers whose phone, handle, bank account, website or shop name it
//! names. A bad record is reported with its line and skipped; the rest are imported; the exit
//! status is then 2. Importing the same file again changes nothing.
//!
//! `soi complaints list MARKETPLACE/SELLER`: the complaints naming one seller, newest first, with
//! what they share and the consumer's words.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Subcommand;
use soi_link::complaint::{read, Format};
use soi_store::complaints::ComplaintsPut;

use crate::global::Global;
use crate::output::clean;

/// Complaints written to the store in one call.
const CHUNK: usize = 500;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum FileFormat {
    Csv,
    Jsonl,
}

#[derive(Subcommand)]
enum Cmd {
    /// Import a hotline export: columns id, received_at, channel, text, and optionally phone,
    /// shop_name, url, amount.
    Import {
        file: PathBuf,
        /// The file's format (default: by extension, `.csv` or JSON Lines).
        #[arg(long, value_enum)]
        format: Option<FileFormat>,
    },
    /// The complaints naming one seller (MARKETPLACE/SELLER_ID), newest first.
    List {
        seller: String,
        #[arg(long)]
        json: bool,
    },
}

pub async fn exec(a: Args, g: &Global) -> anyhow::Result<ExitCode> {
    match a.command {
        Cmd::Import { file, format } => import(g, file, format).await,
        Cmd::List { seller, json } => list(g, &seller, json).await,
    }
}

async fn import(g: &Global, file: PathBuf, format: Option<FileFormat>) -> anyhow::Result<ExitCode> {
    let format = match format {
        Some(FileFormat::Csv) => Format::Csv,
        Some(FileFormat::Jsonl) => Format::JsonLines,
        None => Format::of_path(&file),
    };
    let f = std::fs::File::open(&file).with_context(|| format!("opening {}", file.display()))?;
    let records = read(f, format).with_context(|| format!("reading {}", file.display()))?;
    let all = g.connect_all().await?;
    let mut good = Vec::new();
    let mut bad = 0usize;
    for (_, r) in records {
        match r {
            Ok(c) => good.push(c),
            Err(e) => {
                bad += 1;
                eprintln!("{}: {e}", file.display());
            }
        }
    }
    let mut total = ComplaintsPut::default();
    let mut named = std::collections::HashSet::new();
    let mut sellers = std::collections::HashSet::new();
    for chunk in good.chunks(CHUNK) {
        let links = soi_pipeline::complaint_link::complaint_links(all.links.as_ref(), chunk)
            .await
            .context("looking the complaints' identifiers up")?;
        for l in &links {
            named.insert(l.complaint_id.clone());
            sellers.insert(l.seller.clone());
        }
        let put = all
            .complaints
            .put_complaints(chunk, &links)
            .await
            .context("storing complaints")?;
        total.complaints += put.complaints;
        total.links += put.links;
    }
    println!(
        "read {} complaints from {} ({bad} bad records skipped); {} new or changed, {} new links; \
         {} complaints name {} known sellers, {} name none yet",
        good.len(),
        file.display(),
        total.complaints,
        total.links,
        named.len(),
        sellers.len(),
        good.len() - named.len(),
    );
    Ok(if bad > 0 {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

async fn list(g: &Global, seller: &str, json: bool) -> anyhow::Result<ExitCode> {
    let Some((m, id)) = seller
        .split_once('/')
        .filter(|(m, id)| !m.is_empty() && !id.is_empty())
    else {
        anyhow::bail!("`{seller}` names no marketplace: write MARKETPLACE/SELLER_ID");
    };
    let all = g.connect_all().await?;
    let rows = all
        .complaints
        .complaints_of(&[soi_store::links::SellerRef::new(m, id)])
        .await
        .context("reading complaints")?;
    let mut out = std::io::stdout().lock();
    if json {
        serde_json::to_writer_pretty(&mut out, &rows)?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    if rows.is_empty() {
        writeln!(
            out,
            "No complaint names {}. / Không có khiếu nại.",
            clean(seller)
        )?;
    }
    for r in &rows {
        let c = &r.complaint;
        writeln!(
            out,
            "{}  {}  {}  {} {}: \"{}\"",
            c.received_at.format("%Y-%m-%d"),
            clean(&c.id),
            clean(&c.channel),
            clean(&r.link.kind),
            clean(&r.link.value),
            clean(&r.link.quote)
        )?;
        writeln!(
            out,
            "    {}",
            clean(&soi_model::truncate_chars(&c.text, 200).replace('\n', " "))
        )?;
    }
    Ok(ExitCode::SUCCESS)
}
