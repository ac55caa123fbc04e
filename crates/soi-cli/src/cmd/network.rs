//! `soi network SELLER`: the accounts linked to one seller (across marketplaces), every link with
//! the quoted evidence on both sides, and the cluster's flagged listings.

use std::process::ExitCode;

use anyhow::{bail, Context};
use soi_store::links::{network, SellerRef};

use crate::global::Global;
use crate::output::{self, network::FlaggedListing};

#[derive(clap::Args)]
pub struct Args {
    /// The seller, as MARKETPLACE/SELLER_ID (or the id with --marketplace).
    seller: String,
    /// The seller's marketplace, when SELLER is only its id.
    #[arg(long)]
    marketplace: Option<String>,
    /// Stop walking the links after this many accounts (an identifier many unrelated sellers
    /// share, such as a courier's hotline, would otherwise pull in the whole store).
    #[arg(long, default_value_t = 200)]
    max_sellers: usize,
    /// Listings at or above this risk are listed as flagged.
    #[arg(long, default_value_t = 0.5)]
    min_risk: f64,
    /// Print the network as JSON instead of text.
    #[arg(long)]
    json: bool,
}

/// `MARKETPLACE/ID`, or `ID` with `--marketplace`.
fn seller_ref(a: &Args) -> anyhow::Result<SellerRef> {
    match (&a.marketplace, a.seller.split_once('/')) {
        (Some(m), _) => Ok(SellerRef::new(m, &a.seller)),
        (None, Some((m, id))) if !m.is_empty() && !id.is_empty() => Ok(SellerRef::new(m, id)),
        _ => bail!(
            "`{}` names no marketplace: write MARKETPLACE/SELLER_ID (e.g. shopee/12345) or add \
             --marketplace",
            a.seller
        ),
    }
}

pub async fn exec(a: Args, g: &Global) -> anyhow::Result<ExitCode> {
    if !(0.0..=1.0).contains(&a.min_risk) {
        bail!("--min-risk must be between 0 and 1, got {}", a.min_risk);
    }
    let seller = seller_ref(&a)?;
    let (store, links) = g.connect_linked().await?;
    let net = network(links.as_ref(), &seller, a.max_sellers)
        .await
        .context("reading seller links")?;
    let mut flagged = Vec::new();
    let mut known = false;
    for s in &net.sellers {
        let details = store
            .seller_details(&s.marketplace, &s.seller_id)
            .await
            .with_context(|| format!("reading the listings of {s}"))?;
        known |= !details.is_empty();
        for d in details {
            if let Some(v) = d.verdict.filter(|v| v.risk >= a.min_risk) {
                flagged.push(FlaggedListing {
                    seller: s.clone(),
                    listing_id: d.listing.id.clone(),
                    title: d.listing.title.clone(),
                    risk: v.risk,
                    codes: v.reasons.iter().map(|r| r.code.clone()).collect(),
                });
            }
        }
    }
    if !known && net.links.is_empty() {
        eprintln!("no seller `{seller}` in {}", g.store_label());
        return Ok(ExitCode::from(3));
    }
    flagged.sort_by(|x, y| y.risk.total_cmp(&x.risk));
    let mut out = std::io::stdout().lock();
    output::network::write_network(&mut out, &net, &flagged, a.json)?;
    Ok(ExitCode::SUCCESS)
}
