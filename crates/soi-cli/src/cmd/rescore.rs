//! `soi rescore --since DATE`: scores the stored listings again after a model or policy change.
//!
//! Why: when `soi train` writes a new model or `scoring.toml` changes, the verdicts in the store
//! are still the old model's, and analysts' queues, alerts and reports read them. This walks the
//! stored listings observed since DATE (and those with no observation time) in key order, scores
//! each again with the current scorer, its seller's stored facts attached as at scoring time,
//! and writes the verdicts through the store's own write path: a verdict that did not change is
//! not rewritten, and one that did keeps its predecessor, with its model version, in the
//! listing's verdict history (`soi listing`, the console's seller and listing pages). On the
//! embedded store with `alerts.toml`, a verdict that now crosses a rule raises its alert into the
//! outbox like any other write (`soi alerts dispatch` delivers it).
//!
//! The walk is resumable: pages are written one at a time, and a rerun after an interruption
//! rewrites nothing it already wrote (the verdicts are the same).

use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use chrono::NaiveDate;
use serde::Serialize;
use soi_model::Scored;
use soi_store::{stored_verdict, ListingDetail, ListingScan};

use crate::global::Global;

#[derive(clap::Args)]
pub struct Args {
    /// Listings observed on or after this UTC day (YYYY-MM-DD); listings the store has no
    /// observation time for are always included.
    #[arg(long)]
    since: NaiveDate,
    /// Only this marketplace.
    #[arg(long)]
    marketplace: Option<String>,
    /// Listings read, scored and written together.
    #[arg(long, default_value_t = 512, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    batch: u64,
    /// Score and count what would change, without writing.
    #[arg(long)]
    dry_run: bool,
    /// Print the summary as one JSON object.
    #[arg(long)]
    json: bool,
}

/// What a rescore did.
#[derive(Debug, Default, Serialize, PartialEq)]
pub struct Summary {
    pub model: String,
    pub listings: u64,
    /// Verdicts whose content changed (risk, reasons, heads or model).
    pub changed: u64,
    /// Listings now at or above the flag threshold that were below it (or had no verdict).
    pub newly_flagged: u64,
    /// Listings now below the flag threshold that were at or above it.
    pub cleared: u64,
    pub flag_threshold: f64,
    pub dry_run: bool,
}

impl Summary {
    /// Counts one listing's old and new verdict.
    fn add(&mut self, d: &ListingDetail, new: &soi_model::Verdict) {
        self.listings += 1;
        let t = self.flag_threshold;
        let old_hash = d.verdict.as_ref().map(|v| stored_verdict(&d.listing, v).1);
        if old_hash != Some(stored_verdict(&d.listing, new).1) {
            self.changed += 1;
        }
        let was = d.verdict.as_ref().is_some_and(|v| v.risk >= t);
        let now = new.risk >= t;
        match (was, now) {
            (false, true) => self.newly_flagged += 1,
            (true, false) => self.cleared += 1,
            _ => {}
        }
    }
}

pub async fn exec(a: Args, g: &Global) -> anyhow::Result<ExitCode> {
    let scorer = crate::features::encoder::load_scorer(&g.pipelines)?;
    let flag_threshold = soi_score::load_config(Some(g.pipelines.as_path()))
        .context("reading the scoring config")?
        .flag_threshold;
    let all = g.connect_all().await?;
    let (store, alerts) = if a.dry_run {
        (all.store, None)
    } else {
        super::alerts::attach(g, all.store)?
    };
    let since = a.since.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
    let mut sum = Summary {
        model: scorer.model().to_string(),
        flag_threshold,
        dry_run: a.dry_run,
        ..Default::default()
    };
    let bar = crate::progress::spinner(g.quiet, "rescored");
    let mut q = ListingScan {
        since: Some(since),
        marketplace: a.marketplace.clone(),
        after: None,
        limit: a.batch as usize,
    };
    loop {
        let page = store
            .stored_listings(&q)
            .await
            .context("reading stored listings")?;
        let Some(last) = page.last() else { break };
        q.after = Some((last.listing.marketplace.clone(), last.listing.id.clone()));
        let listings: Vec<soi_model::Listing> = page
            .iter()
            .map(|d| {
                let mut l = d.listing.clone();
                if d.seller.is_some() {
                    l.seller = d.seller.clone();
                }
                l
            })
            .collect();
        let s = Arc::clone(&scorer);
        let (listings, verdicts) = tokio::task::spawn_blocking(move || {
            let v = s.score(&listings);
            (listings, v)
        })
        .await?;
        anyhow::ensure!(
            verdicts.len() == listings.len(),
            "the scorer returned {} verdicts for {} listings",
            verdicts.len(),
            listings.len()
        );
        for (d, v) in page.iter().zip(&verdicts) {
            sum.add(d, v);
        }
        if !a.dry_run {
            let batch: Vec<Scored> = listings
                .into_iter()
                .zip(verdicts)
                .map(|(listing, verdict)| Scored { listing, verdict })
                .collect();
            store
                .put_scored(batch)
                .await
                .context("writing the new verdicts")?;
        }
        bar.set_position(sum.listings);
    }
    bar.finish_and_clear();
    if a.json {
        println!("{}", serde_json::to_string(&sum)?);
    } else {
        println!(
            "{} {} listings with {}: {} verdicts changed, {} newly flagged, {} cleared \
             (flag threshold {:.2})",
            if a.dry_run {
                "would rescore"
            } else {
                "rescored"
            },
            sum.listings,
            sum.model,
            sum.changed,
            sum.newly_flagged,
            sum.cleared,
            sum.flag_threshold
        );
        if !a.dry_run && sum.changed > 0 {
            println!("earlier verdicts are kept in each listing's history (soi listing M/ID)");
        }
    }
    if let Some((outbox, _)) = alerts {
        use soi_store::AlertOutbox;
        let c = outbox.outbox_counts().await?;
        if c.pending > 0 && !a.json {
            println!(
                "{} alerts wait in the outbox: soi alerts dispatch delivers them",
                c.pending
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
