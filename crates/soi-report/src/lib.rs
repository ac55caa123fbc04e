//! Cross-border reports for foreign agencies: `soi report cross-border`.
//!
//! Why a crate of its own: officers send these reports to agencies abroad, who must be able to
//! trust and re-check them. So a report is a folder of plain files, one subfolder per country of
//! seller: bilingual (Vietnamese/English) HTML with inline SVG charts that prints cleanly, CSV and
//! JSON for machines, a STIX 2.1 bundle for CERTs, and a `manifest.json` with every file's
//! sha256. Nothing in the content comes from the wall clock or from hash-map order: the same
//! data gives byte-identical reports, so two officers (or a court) get the same hashes.
//!
//! The console's case dossier ([`case`]) is one more page of the same kind: one case's sellers,
//! their dossiers made by the same code, as one self-contained file.

pub mod case;
pub mod csv;
mod error;
pub mod extras;
pub mod html;
mod manifest;
pub mod model;
pub mod names;
mod svg;
mod write;

pub use case::{case_dossier, CaseParams, CASE_CSP};
pub use csv::{neutralise, CsvWriter};
pub use error::ReportError;
pub use extras::{DossierComplaint, DossierExtras, LinkEvidence, LinkedAccount};
pub use manifest::Entry as ManifestEntry;

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::json;
use soi_alert::stix::BundleBuilder;
use soi_store::{ReportQuery, ReportSource, Tlp};

use crate::model::CountryReport;

/// What the report covers.
#[derive(Debug, Clone)]
pub struct ReportParams {
    /// Listings observed at or after `from` ...
    pub from: DateTime<Utc>,
    /// ... and before `to`.
    pub to: DateTime<Utc>,
    pub country: Option<String>,
    pub marketplace: Option<String>,
    /// Listings at or above this risk count as flagged.
    pub min_risk: f64,
    /// Sharing marking of the report (and its STIX bundle).
    pub tlp: Tlp,
}

impl ReportParams {
    fn tlp_note(&self) -> String {
        format!(" · TLP:{}", self.tlp.as_str().to_ascii_uppercase())
    }
}

/// Progress while files are written.
#[derive(Debug, Clone)]
pub struct Progress {
    pub done: usize,
    pub total: usize,
    pub path: String,
}

/// What was written.
#[derive(Debug, Clone, Serialize)]
pub struct ReportSummary {
    pub countries: Vec<CountrySummary>,
    pub files: usize,
    pub manifest: PathBuf,
}

#[derive(Debug, Clone, Serialize)]
pub struct CountrySummary {
    pub country: String,
    pub sellers: usize,
    pub listings: usize,
}

/// Reports longer than this are charted by month instead of by day.
const DAILY_LIMIT_DAYS: i64 = 62;

/// Writes the cross-border report for `p` into `out`, its dossiers without linked accounts or
/// complaints (see [`cross_border_with`]).
pub async fn cross_border(
    source: &dyn ReportSource,
    p: &ReportParams,
    out: &Path,
    progress: &(dyn Fn(&Progress) + Sync),
) -> Result<ReportSummary, ReportError> {
    cross_border_with(source, &DossierExtras::none(), p, out, progress).await
}

/// Writes the cross-border report for `p` into `out`, each dossier with the linked accounts and
/// complaints `extras` finds for its seller.
pub async fn cross_border_with(
    source: &dyn ReportSource,
    extras: &DossierExtras<'_>,
    p: &ReportParams,
    out: &Path,
    progress: &(dyn Fn(&Progress) + Sync),
) -> Result<ReportSummary, ReportError> {
    if p.from >= p.to {
        return Err(ReportError::Request(format!(
            "--from ({}) must be before --to ({})",
            p.from, p.to
        )));
    }
    let q = ReportQuery {
        from: p.from,
        to: p.to,
        country: p.country.clone(),
        marketplace: p.marketplace.clone(),
        min_risk: p.min_risk,
    };
    let rows = source.cross_border_rows(&q).await?;
    tracing::info!(rows = rows.len(), "cross-border rows read");
    let monthly = (p.to - p.from).num_days() > DAILY_LIMIT_DAYS;
    let mut countries = model::build(rows, monthly);
    extras.fill(&mut countries).await?;
    let files = render(&countries, p)?;
    write_all(out, files, &countries, p, progress)
}

/// Every file of the report as (relative path, bytes), in a fixed order.
fn render(
    countries: &[CountryReport],
    p: &ReportParams,
) -> Result<Vec<(String, Vec<u8>)>, ReportError> {
    let mut files = vec![(
        "index.html".to_string(),
        html::index_page(countries, p).into_bytes(),
    )];
    let json = |v: &dyn erased::Ser| v.bytes();
    for c in countries {
        let dir = &c.dir;
        let csv = |r: std::io::Result<Vec<u8>>, name: &str| {
            r.map_err(|e| ReportError::Write {
                path: format!("{dir}/{name}"),
                why: e.to_string(),
            })
        };
        files.push((
            format!("{dir}/report.html"),
            html::country_page(c, p).into_bytes(),
        ));
        files.push((format!("{dir}/summary.json"), json(c)));
        files.push((
            format!("{dir}/sellers.csv"),
            csv(csv::sellers(c), "sellers.csv")?,
        ));
        files.push((
            format!("{dir}/listings.csv"),
            csv(csv::listings(c), "listings.csv")?,
        ));
        files.push((format!("{dir}/stix-bundle.json"), json(&stix_bundle(c, p))));
        for d in &c.dossiers {
            let slug = &d.file;
            files.push((
                format!("{dir}/dossiers/{slug}.html"),
                html::dossier_page(d, p).into_bytes(),
            ));
            files.push((format!("{dir}/dossiers/{slug}.json"), json(d)));
        }
    }
    Ok(files)
}

/// Pretty JSON of plain data (cannot fail for these types).
mod erased {
    pub trait Ser {
        fn bytes(&self) -> Vec<u8>;
    }
    impl<T: serde::Serialize> Ser for T {
        fn bytes(&self) -> Vec<u8> {
            let mut v = serde_json::to_vec_pretty(self).unwrap_or_default();
            v.push(b'\n');
            v
        }
    }
}

fn stix_bundle(c: &CountryReport, p: &ReportParams) -> serde_json::Value {
    let mut b = BundleBuilder::new(p.tlp);
    for d in &c.dossiers {
        let sid = b.seller(&d.seller, d.first_seen);
        for l in &d.listings {
            b.listing(&l.listing, &l.verdict, Some(&sid));
        }
    }
    b.finish(&format!(
        "report|cross-border|{}|{}|{}|{}",
        c.country,
        p.from.to_rfc3339(),
        p.to.to_rfc3339(),
        p.marketplace.as_deref().unwrap_or("*")
    ))
}

fn write_all(
    out: &Path,
    files: Vec<(String, Vec<u8>)>,
    countries: &[CountryReport],
    p: &ReportParams,
    progress: &(dyn Fn(&Progress) + Sync),
) -> Result<ReportSummary, ReportError> {
    let total = files.len() + 1;
    let mut dest = write::Dest::open(out, p.tlp == Tlp::Red)?;
    for (rel, _) in &files {
        dest.path(rel)?;
    }
    let mut entries = Vec::with_capacity(files.len());
    for (i, (rel, bytes)) in files.iter().enumerate() {
        dest.write(rel, bytes)?;
        entries.push(manifest::entry(rel, bytes));
        progress(&Progress {
            done: i + 1,
            total,
            path: rel.clone(),
        });
    }
    entries.sort_by(|a, b| a.path.cmp(&b.path));
    let summaries: Vec<CountrySummary> = countries
        .iter()
        .map(|c| CountrySummary {
            country: c.country.clone(),
            sellers: c.sellers,
            listings: c.listings,
        })
        .collect();
    let manifest = json!({
        "report": "cross-border",
        "from": p.from.to_rfc3339(),
        "to": p.to.to_rfc3339(),
        "country": p.country,
        "marketplace": p.marketplace,
        "min_risk": p.min_risk,
        "tlp": format!("TLP:{}", p.tlp.as_str().to_ascii_uppercase()),
        "countries": summaries,
        "files": entries,
    });
    let path = dest.write("manifest.json", &erased::Ser::bytes(&manifest))?;
    progress(&Progress {
        done: total,
        total,
        path: "manifest.json".into(),
    });
    Ok(ReportSummary {
        countries: summaries,
        files: total,
        manifest: path,
    })
}
