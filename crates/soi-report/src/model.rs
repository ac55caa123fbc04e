//! The report's content, grouped and counted from the store's rows: per seller country a summary
//! and one dossier per seller. Every collection is ordered (BTreeMap, sorted vectors), so the
//! same rows always give the same report.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;
use soi_model::{Listing, Seller, Verdict};
use soi_store::ReportRow;

use crate::extras::{DossierComplaint, LinkedAccount};
use crate::names;

/// One flagged listing in a dossier.
#[derive(Debug, Clone, Serialize)]
pub struct ListingEntry {
    pub marketplace: String,
    pub id: String,
    pub title: String,
    pub url: Option<String>,
    pub seen_at: DateTime<Utc>,
    pub risk: f64,
    pub evidence_sha256: Option<String>,
    pub verdict: Verdict,
    /// The whole listing, for the STIX bundle.
    #[serde(skip)]
    pub listing: Listing,
}

/// Everything known about one foreign seller in the period.
#[derive(Debug, Clone, Serialize)]
pub struct Dossier {
    pub seller: Seller,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    pub max_risk: f64,
    /// Reason code -> listings carrying it.
    pub reasons: BTreeMap<String, usize>,
    pub listings: Vec<ListingEntry>,
    /// Whether the link state was asked (else `linked` is empty because nobody looked).
    pub links_checked: bool,
    /// The other accounts of the seller's network, by marketplace and id.
    pub linked: Vec<LinkedAccount>,
    /// The network walk stopped at its cap: more accounts are linked than `linked` holds.
    pub linked_capped: bool,
    /// Whether the complaints were asked (else `complaints` is empty because nobody looked).
    pub complaints_checked: bool,
    /// The hotline complaints naming the seller, newest first.
    pub complaints: Vec<DossierComplaint>,
    /// File name (without extension) of the dossier in its country's `dossiers/` folder.
    #[serde(skip)]
    pub file: String,
}

impl Dossier {
    /// How many distinct complaints name the seller (one complaint may name it twice: by its
    /// phone and by its shop name).
    pub fn complaint_count(&self) -> usize {
        let ids: std::collections::BTreeSet<&str> = self
            .complaints
            .iter()
            .map(|c| c.link.complaint_id.as_str())
            .collect();
        ids.len()
    }
}

/// The summary for one seller country.
#[derive(Debug, Clone, Serialize)]
pub struct CountryReport {
    pub country: String,
    /// Folder name of the country in the report (see `names`).
    #[serde(skip)]
    pub dir: String,
    pub sellers: usize,
    pub listings: usize,
    /// Marketplace -> (sellers, listings).
    pub by_marketplace: BTreeMap<String, (usize, usize)>,
    /// Reason code (kind of scam) -> listings.
    pub by_reason: BTreeMap<String, usize>,
    /// Period (day `YYYY-MM-DD`, or month `YYYY-MM` for long reports) -> listings.
    pub over_time: BTreeMap<String, usize>,
    pub dossiers: Vec<Dossier>,
}

/// Groups rows (any order) into country reports, countries and sellers sorted.
pub fn build(rows: Vec<ReportRow>, monthly: bool) -> Vec<CountryReport> {
    let mut by_country: BTreeMap<String, BTreeMap<(String, String), Vec<ReportRow>>> =
        BTreeMap::new();
    for r in rows {
        let c = r
            .seller
            .country
            .clone()
            .map(|c| c.to_ascii_uppercase())
            .unwrap_or_else(|| "ZZ".into());
        by_country
            .entry(c)
            .or_default()
            .entry((r.seller.marketplace.clone(), r.seller.id.clone()))
            .or_default()
            .push(r);
    }
    let mut reports: Vec<CountryReport> = by_country
        .into_iter()
        .map(|(country, sellers)| country_report(country, sellers, monthly))
        .collect();
    let dirs = names::unique(
        reports
            .iter()
            .map(|c| (c.country.as_str(), c.country.as_str())),
    );
    for (c, dir) in reports.iter_mut().zip(dirs) {
        c.dir = dir;
    }
    reports
}

/// Gives each of `dossiers` its file name: `marketplace--seller` made safe and unique among
/// them (a country's folder, or one case's page, where the name is the section's anchor).
pub(crate) fn name_dossiers(dossiers: &mut [Dossier]) {
    let keys: Vec<(String, String)> = dossiers
        .iter()
        .map(|d| {
            let (m, id) = (&d.seller.marketplace, &d.seller.id);
            (format!("{m}--{id}"), format!("{}\n{m}{id}", m.len()))
        })
        .collect();
    let files = names::unique(keys.iter().map(|(k, id)| (k.as_str(), id.as_str())));
    for (d, f) in dossiers.iter_mut().zip(files) {
        d.file = f;
    }
}

fn country_report(
    country: String,
    sellers: BTreeMap<(String, String), Vec<ReportRow>>,
    monthly: bool,
) -> CountryReport {
    let mut rep = CountryReport {
        country,
        dir: String::new(),
        sellers: sellers.len(),
        listings: 0,
        by_marketplace: BTreeMap::new(),
        by_reason: BTreeMap::new(),
        over_time: BTreeMap::new(),
        dossiers: Vec::new(),
    };
    for ((marketplace, _), mut rows) in sellers {
        rows.sort_by(|a, b| {
            a.seen_at()
                .cmp(&b.seen_at())
                .then(a.listing.id.cmp(&b.listing.id))
        });
        let m = rep.by_marketplace.entry(marketplace).or_default();
        m.0 += 1;
        m.1 += rows.len();
        rep.listings += rows.len();
        let mut reasons = BTreeMap::new();
        for r in &rows {
            let mut codes: Vec<&str> = r.verdict.reasons.iter().map(|x| x.code.as_str()).collect();
            codes.sort_unstable();
            codes.dedup();
            for c in codes {
                *reasons.entry(c.to_string()).or_insert(0) += 1;
                *rep.by_reason.entry(c.to_string()).or_insert(0) += 1;
            }
            let fmt = if monthly { "%Y-%m" } else { "%Y-%m-%d" };
            *rep.over_time
                .entry(r.seen_at().format(fmt).to_string())
                .or_insert(0) += 1;
        }
        let first = rows.first().map(ReportRow::seen_at).unwrap_or_default();
        let last = rows.last().map(ReportRow::seen_at).unwrap_or_default();
        let max_risk = rows.iter().map(|r| r.verdict.risk).fold(0.0, f64::max);
        let seller = rows.first().map(|r| r.seller.clone()).unwrap_or_default();
        let listings = rows
            .into_iter()
            .map(|r| ListingEntry {
                seen_at: r.seen_at(),
                marketplace: r.listing.marketplace.clone(),
                id: r.listing.id.clone(),
                title: r.listing.title.clone(),
                url: r.listing.url.clone(),
                risk: r.verdict.risk,
                evidence_sha256: r.listing.evidence_sha256.clone(),
                verdict: r.verdict,
                listing: r.listing,
            })
            .collect();
        rep.dossiers.push(Dossier {
            seller,
            first_seen: first,
            last_seen: last,
            max_risk,
            reasons,
            listings,
            links_checked: false,
            linked: Vec::new(),
            linked_capped: false,
            complaints_checked: false,
            complaints: Vec::new(),
            file: String::new(),
        });
    }
    name_dossiers(&mut rep.dossiers);
    rep
}
