//! `soi listing ID`: one listing with its verdict and every reason's quoted evidence.

use std::process::ExitCode;

use std::io::Write;

use anyhow::Context;
use soi_store::links::SellerRef;
use soi_store::HistoryOf;

use crate::global::Global;
use crate::output::{self, clean};

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

/// The listing's record as JSON, with the complaints naming its seller.
#[derive(serde::Serialize)]
struct JsonListing<'a> {
    #[serde(flatten)]
    detail: &'a soi_store::ListingDetail,
    seller_complaints: &'a [soi_store::complaints::SellerComplaint],
    /// Every verdict the store has held for the listing, oldest first, the current one last.
    verdict_history: &'a [soi_model::Verdict],
}

pub async fn exec(a: Args, g: &Global) -> anyhow::Result<ExitCode> {
    let all = g.connect_all().await?;
    let found = all
        .store
        .listing(a.marketplace.as_deref(), &a.id)
        .await
        .context("reading the listing")?;
    let Some(detail) = found else {
        eprintln!("no listing `{}` in {}", a.id, g.store_label());
        return Ok(ExitCode::from(3));
    };
    let seller = detail
        .verdict
        .as_ref()
        .and_then(|v| v.seller_id.clone())
        .or_else(|| detail.listing.seller.as_ref().map(|s| s.id.clone()));
    let complaints = match seller {
        Some(id) => {
            let who = SellerRef::new(&detail.listing.marketplace, &id);
            all.complaints
                .complaints_of(&[who])
                .await
                .context("reading complaints")?
        }
        None => vec![],
    };
    let history = all
        .store
        .verdict_history(
            &detail.listing.marketplace,
            HistoryOf::Listing(&detail.listing.id),
        )
        .await
        .context("reading the verdict history")?;
    let mut out = std::io::stdout().lock();
    if a.json {
        let row = JsonListing {
            detail: &detail,
            seller_complaints: &complaints,
            verdict_history: &history,
        };
        serde_json::to_writer_pretty(&mut out, &row)?;
        writeln!(out)?;
    } else {
        output::write_listing(&mut out, &detail)?;
        if history.len() > 1 {
            writeln!(
                out,
                "Verdict history ({}, oldest first) / Lịch sử đánh giá:",
                history.len()
            )?;
            for v in &history {
                writeln!(
                    out,
                    "  {}  risk {:.2}  {}  {} reasons",
                    v.scored_at.format("%Y-%m-%d %H:%M UTC"),
                    v.risk,
                    clean(&v.model),
                    v.reasons.len()
                )?;
            }
        }
        if !complaints.is_empty() {
            writeln!(
                out,
                "Hotline complaints naming this seller ({}) / Khiếu nại về người bán này:",
                complaints.len()
            )?;
            for c in complaints.iter().take(5) {
                writeln!(
                    out,
                    "  {}  {}  by its {} {}: \"{}\"",
                    c.complaint.received_at.format("%Y-%m-%d"),
                    clean(&c.complaint.id),
                    clean(&c.link.kind),
                    clean(&c.link.value),
                    clean(&soi_model::truncate_chars(&c.complaint.text, 120).replace('\n', " ")),
                )?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
