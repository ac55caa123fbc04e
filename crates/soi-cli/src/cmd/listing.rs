//! `soi listing ID`: one listing with its verdict and every reason's quoted evidence.

use std::process::ExitCode;

use anyhow::Context;

use crate::global::Global;
use crate::output;

#[derive(clap::Args)]
pub struct Args {
    /// Listing id (as on the marketplace).
    id: String,
    /// Marketplace, when the id exists on several.
    #[arg(long)]
    marketplace: Option<String>,
    /// Print the stored record as JSON instead of text.
    #[arg(long)]
    json: bool,
}

pub async fn exec(a: Args, g: &Global) -> anyhow::Result<ExitCode> {
    let store = g.connect_store().await?;
    let found = store
        .listing(a.marketplace.as_deref(), &a.id)
        .await
        .context("reading the listing")?;
    let Some(detail) = found else {
        eprintln!("no listing `{}` in {}", a.id, g.store_label());
        return Ok(ExitCode::from(3));
    };
    let mut out = std::io::stdout().lock();
    if a.json {
        serde_json::to_writer_pretty(&mut out, &detail)?;
        use std::io::Write;
        writeln!(out)?;
    } else {
        output::write_listing(&mut out, &detail)?;
    }
    Ok(ExitCode::SUCCESS)
}
