//! `soi evidence package --listing ID --out FILE.wacz`: the listings' stored pages, verdicts and
//! reasons, and the signed batches covering them, as one signed WACZ (`soi_evidence::package`).
//! The store says which page each listing came from (`evidence_sha256`) and what was decided.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use serde::Serialize;
use soi_evidence::{keys, package, PackageRequest};
use soi_model::Verdict;

use crate::global::Global;

#[derive(clap::Args)]
pub struct PackageArgs {
    /// Listing id (as on the marketplace); repeat for several.
    #[arg(long, required = true)]
    listing: Vec<String>,
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
    let store = g.connect_store().await?;
    let mut details = vec![];
    for id in &a.listing {
        let d = store
            .listing(a.marketplace.as_deref(), id)
            .await
            .with_context(|| format!("reading listing {id}"))?
            .with_context(|| format!("no listing `{id}` in {}", g.store_label()))?;
        details.push(d);
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
        title: format!("soi evidence: {}", a.listing.join(", ")),
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
    Ok(ExitCode::SUCCESS)
}
