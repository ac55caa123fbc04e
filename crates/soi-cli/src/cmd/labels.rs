//! `soi labels export`: analysts' labels as training data. Each listing's latest label counts
//! (earlier ones stay in the store's history); `scam` is 1, `not_scam` 0, and `unsure` is left
//! out. Seller labels apply to each of the seller's listings that has no label of its own.
//! Lines are `{"text", "label", "marketplace", "id", "labelled_at", "by"}`, the `{"text","label"}`
//! shape `soi train` reads, sorted by time so a time split holds out the newest.
//!
//! `soi labels eval`: how the current model does on those labels, as one JSON object: the scam
//! head (the head the labels train, `soi train --analyst-labels`) flagging at each
//! marketplace's threshold (the model's per-marketplace one, else the head's own), precision
//! and recall per marketplace and overall. `soi eval` is the encoder feature's and reads
//! files; this one reads the store and runs in every build. Right after `soi train
//! --analyst-labels` most of these labels were trained and tuned on, so the figure is
//! optimistic; the figure tuning never saw is the train report's `held_out_at_threshold`.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Subcommand;
use soi_store::console::{Label, LabelTarget, LabelValue};

use crate::global::Global;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Write the labels as JSON Lines training data.
    Export {
        /// Output file (default: stdout).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Precision and recall of the current model at its flag thresholds on the labels (JSON).
    Eval {
        /// Fast model folder (default: models/<model of the scoring config>).
        #[arg(long)]
        model_dir: Option<PathBuf>,
        /// Read the labels from this `soi labels export` file instead of the store.
        #[arg(long)]
        file: Option<PathBuf>,
    },
}

/// One training row.
#[derive(serde::Serialize)]
pub struct Row {
    pub text: String,
    pub label: u8,
    pub marketplace: String,
    pub id: String,
    pub labelled_at: chrono::DateTime<chrono::Utc>,
    pub by: String,
}

/// The training rows of the store's labels, oldest label first; and how many were `unsure`.
pub async fn rows(g: &Global) -> anyhow::Result<(Vec<Row>, usize)> {
    let (store, console) = g.connect_stores().await?;
    let labels = console.labels().await.context("reading the labels")?;
    // Latest per listing; seller labels fill in listings without their own.
    let mut latest: BTreeMap<(String, String), Label> = BTreeMap::new();
    let mut by_seller: Vec<Label> = vec![];
    for l in labels {
        match l.target {
            LabelTarget::Listing => {
                latest.insert((l.marketplace.clone(), l.id.clone()), l);
            }
            LabelTarget::Seller => by_seller.push(l),
        }
    }
    let mut from_seller: BTreeMap<(String, String), Label> = BTreeMap::new();
    for s in by_seller {
        for key in store.seller_listings(Some(&s.marketplace), &s.id).await? {
            from_seller.insert(key, s.clone());
        }
    }
    for (k, l) in from_seller {
        latest.entry(k).or_insert(l);
    }
    let mut out = vec![];
    let mut unsure = 0;
    for ((m, id), l) in latest {
        let label = match l.label {
            LabelValue::Scam => 1,
            LabelValue::NotScam => 0,
            LabelValue::Unsure => {
                unsure += 1;
                continue;
            }
        };
        let Some(d) = store.listing(Some(&m), &id).await? else {
            continue;
        };
        let text = match &d.listing.description {
            Some(desc) => format!("{}\n{}", d.listing.title, desc),
            None => d.listing.title.clone(),
        };
        out.push(Row {
            text,
            label,
            marketplace: m,
            id,
            labelled_at: l.at,
            by: l.by,
        });
    }
    out.sort_by_key(|r| r.labelled_at);
    Ok((out, unsure))
}

pub async fn exec(a: Args, g: &Global) -> anyhow::Result<ExitCode> {
    let out = match a.command {
        Cmd::Export { out } => out,
        Cmd::Eval { model_dir, file } => return eval(g, model_dir, file).await,
    };
    let (rows, unsure) = rows(g).await?;
    let mut buf = vec![];
    for r in &rows {
        serde_json::to_writer(&mut buf, r)?;
        buf.push(b'\n');
    }
    match &out {
        Some(p) => soi_crawl::durable::write(p, &buf)
            .with_context(|| format!("writing {}", p.display()))?,
        None => std::io::stdout().lock().write_all(&buf)?,
    }
    eprintln!(
        "{} labelled listings exported ({} scam, {} not scam); {unsure} unsure left out",
        rows.len(),
        rows.iter().filter(|r| r.label == 1).count(),
        rows.iter().filter(|r| r.label == 0).count()
    );
    Ok(ExitCode::SUCCESS)
}

/// `soi labels eval` (and `soi eval --labels`).
pub(crate) async fn eval(
    g: &Global,
    model_dir: Option<PathBuf>,
    file: Option<PathBuf>,
) -> anyhow::Result<ExitCode> {
    use soi_learn::train::analyst::PrAt;
    use soi_score::{Head, TextTier};
    let model = match &model_dir {
        Some(d) => soi_score::fast::FastModel::load(d)?,
        None => soi_score::load_model(&soi_score::load_config(Some(&g.pipelines))?.model)?,
    };
    let global = model
        .threshold(Head::Scam)
        .context("the model has no scam head")?;
    let rows: Vec<(String, u8, String)> = match &file {
        Some(f) => soi_learn::train::analyst::read_jsonl(f)?
            .into_iter()
            .map(|r| (r.text, r.label, r.marketplace))
            .collect(),
        None => rows(g)
            .await?
            .0
            .into_iter()
            .map(|r| (r.text, r.label, r.marketplace))
            .collect(),
    };
    let mut all = PrAt::default();
    let mut per: BTreeMap<String, (f64, &'static str, PrAt)> = BTreeMap::new();
    for (text, label, m) in &rows {
        let e = per.entry(m.clone()).or_insert_with(|| {
            match model.marketplace_threshold(Head::Scam, m) {
                Some(t) => (t, "marketplace", PrAt::default()),
                None => (global, "global", PrAt::default()),
            }
        });
        let p = model.predict(text).scam.unwrap_or(0.0);
        e.2.add(p > e.0, *label == 1);
        all.add(p > e.0, *label == 1);
    }
    let marketplaces: serde_json::Map<String, serde_json::Value> = per
        .into_iter()
        .map(|(m, (t, source, f))| {
            let mut v = serde_json::to_value(&f).unwrap_or_default();
            v["threshold"] = t.into();
            v["source"] = source.into();
            (m, v)
        })
        .collect();
    let report = serde_json::json!({
        "model": model.config().name,
        "head": "scam",
        "labels": rows.len(),
        "global_threshold": global,
        "overall": all,
        "marketplaces": marketplaces,
    });
    println!("{report}");
    Ok(ExitCode::SUCCESS)
}
