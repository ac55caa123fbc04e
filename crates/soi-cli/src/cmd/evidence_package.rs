//! `soi evidence package --listing ID | --seller ID | --case ID --out FILE.wacz`: the listings'
//! (all of a seller's listings, or all listings of a console case's sellers) stored pages,
//! verdicts and reasons, and the signed batches covering them, as one signed WACZ
//! (`soi_evidence::package`).
//! The store says which page each listing came from (`evidence_sha256`) and what was decided.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use serde::Serialize;
use soi_evidence::custody::{Action, Record};
use soi_evidence::{keys, package, PackageRequest};
use soi_model::Verdict;

use crate::global::Global;

#[derive(clap::Args)]
#[command(group(clap::ArgGroup::new("scope").required(true).multiple(true).args(["listing", "seller", "case"])))]
pub struct PackageArgs {
    /// Listing id (as on the marketplace); repeat for several.
    #[arg(long)]
    listing: Vec<String>,
    /// Seller id: every listing of that seller; repeat for several (with --listing too).
    #[arg(long)]
    seller: Vec<String>,
    /// A case of the analysts' console (`C-0001`): every listing of its sellers; repeatable.
    #[arg(long)]
    case: Vec<String>,
    /// Marketplace, when an id exists on several.
    #[arg(long)]
    marketplace: Option<String>,
    /// The WACZ file to write.
    #[arg(long)]
    out: PathBuf,
}

/// One line of `soi/verdicts.jsonl`.
#[derive(Serialize)]
struct VerdictLine<'a> {
    marketplace: &'a str,
    listing_id: &'a str,
    title: &'a str,
    url: Option<&'a str>,
    evidence_sha256: &'a str,
    verdict: Option<&'a Verdict>,
}

pub async fn package(a: &PackageArgs, g: &Global) -> anyhow::Result<ExitCode> {
    let key = keys::require(&g.home)?;
    let (store, console) = g.connect_stores().await?;
    // (marketplace, id) of each listing asked for, once, in the order asked.
    let mut keys: Vec<(Option<String>, String)> = a
        .listing
        .iter()
        .map(|id| (a.marketplace.clone(), id.clone()))
        .collect();
    for s in &a.seller {
        let found = store
            .seller_listings(a.marketplace.as_deref(), s)
            .await
            .with_context(|| format!("reading the listings of seller {s}"))?;
        if found.is_empty() {
            anyhow::bail!("no listings of seller `{s}` in {}", g.store_label());
        }
        keys.extend(found.into_iter().map(|(m, id)| (Some(m), id)));
    }
    for id in &a.case {
        let case = console
            .case(id)
            .await
            .with_context(|| format!("reading case {id}"))?
            .with_context(|| format!("no case `{id}` in {}", g.store_label()))?;
        for (m, s) in &case.sellers {
            let found = store.seller_listings(Some(m), s).await?;
            keys.extend(found.into_iter().map(|(m, id)| (Some(m), id)));
        }
    }
    let mut details: Vec<soi_store::ListingDetail> = vec![];
    for (m, id) in &keys {
        let d = store
            .listing(m.as_deref(), id)
            .await
            .with_context(|| format!("reading listing {id}"))?
            .with_context(|| format!("no listing `{id}` in {}", g.store_label()))?;
        if !details.iter().any(|x| x.listing.key() == d.listing.key()) {
            details.push(d);
        }
    }
    let mut verdicts = Vec::new();
    let mut captures = vec![];
    for d in &details {
        let l = &d.listing;
        let sha = l
            .evidence_sha256
            .as_deref()
            .with_context(|| format!("listing {} has no stored page (evidence_sha256)", l.key()))?;
        serde_json::to_writer(
            &mut verdicts,
            &VerdictLine {
                marketplace: &l.marketplace,
                listing_id: &l.id,
                title: &l.title,
                url: l.url.as_deref(),
                evidence_sha256: sha,
                verdict: d.verdict.as_ref(),
            },
        )?;
        verdicts.push(b'\n');
        captures.push((sha.to_string(), Some(l.title.clone())));
    }
    let evidence_dir = g.home.join("evidence");
    let (zip, summary) = package::build(&PackageRequest {
        evidence_dir: &evidence_dir,
        captures,
        verdicts_jsonl: verdicts,
        title: format!(
            "soi evidence: {}",
            a.listing
                .iter()
                .cloned()
                .chain(a.seller.iter().map(|s| format!("seller {s}")))
                .chain(a.case.iter().map(|c| format!("case {c}")))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        key: &key,
    })?;
    soi_crawl::durable::write(&a.out, &zip)
        .with_context(|| format!("writing {}", a.out.display()))?;
    eprintln!(
        "{}: {} listing(s), {} WARC records, {} pages, {} signed batch(es), {} bytes",
        a.out.display(),
        details.len(),
        summary.warc_records,
        summary.pages,
        summary.batches.len(),
        zip.len()
    );
    let mut rec = Record::new(Action::Package).with_file(&a.out)?;
    rec.listings = details.iter().map(|d| d.listing.id.clone()).collect();
    rec.sellers = a.seller.clone();
    rec.cases = a.case.clone();
    rec.marketplace = a.marketplace.clone();
    rec.captures = Some(summary.pages as u64);
    rec.batches = Some(summary.batches.len() as u64);
    super::evidence_log::record(g, rec)?;
    Ok(ExitCode::SUCCESS)
}
