//! The flagged-sellers list as a table, JSON or CSV. The table cleans every outside string for
//! the terminal; the CSV goes through soi-report's one writer, which neutralises formulas.

use std::io::Write;

use std::collections::HashMap;

use serde::Serialize;
use soi_store::complaints::SellerComplaint;
use soi_store::links::SellerRef;
use soi_store::SellerSummary;

use super::terminal::clean;
use super::text::{clip, fit};
use super::Format;

/// What is known of sellers beyond their listings: the accounts linked to them and the hotline
/// complaints naming them.
#[derive(Debug, Default)]
pub struct SellerSignals {
    /// Cluster sizes ([`soi_store::links::cluster_sizes`]); absent means linked to nobody.
    pub clusters: HashMap<SellerRef, usize>,
    /// Complaints naming the seller, and the newest of them.
    pub complaints: HashMap<SellerRef, (usize, SellerComplaint)>,
}

impl SellerSignals {
    fn key(s: &SellerSummary) -> SellerRef {
        SellerRef::new(&s.marketplace, &s.seller_id)
    }

    /// The other accounts in a seller's cluster.
    fn linked(&self, s: &SellerSummary) -> usize {
        self.clusters
            .get(&Self::key(s))
            .map_or(0, |n| n.saturating_sub(1))
    }

    fn complaints(&self, s: &SellerSummary) -> Option<&(usize, SellerComplaint)> {
        self.complaints.get(&Self::key(s))
    }

    fn complaint_count(&self, s: &SellerSummary) -> usize {
        self.complaints(s).map_or(0, |(n, _)| *n)
    }
}

/// A seller as JSON: the store's summary, the accounts linked to it, the complaints naming it.
#[derive(Serialize)]
struct JsonRow<'a> {
    #[serde(flatten)]
    seller: &'a SellerSummary,
    linked_accounts: usize,
    complaints: usize,
    latest_complaint: Option<&'a SellerComplaint>,
}

pub fn write_sellers(
    out: &mut dyn Write,
    sellers: &[SellerSummary],
    signals: &SellerSignals,
    format: Format,
) -> anyhow::Result<()> {
    match format {
        Format::Json => {
            let rows: Vec<JsonRow> = sellers
                .iter()
                .map(|s| JsonRow {
                    seller: s,
                    linked_accounts: signals.linked(s),
                    complaints: signals.complaint_count(s),
                    latest_complaint: signals.complaints(s).map(|(_, c)| c),
                })
                .collect();
            serde_json::to_writer_pretty(&mut *out, &rows)?;
            writeln!(out)?;
        }
        Format::Csv => write_csv(out, sellers, signals)?,
        Format::Table => write_table(out, sellers, signals)?,
    }
    Ok(())
}

fn write_table(
    out: &mut dyn Write,
    sellers: &[SellerSummary],
    signals: &SellerSignals,
) -> std::io::Result<()> {
    if sellers.is_empty() {
        writeln!(
            out,
            "No flagged sellers match. / Không có người bán nào bị gắn cờ."
        )?;
        return Ok(());
    }
    writeln!(
        out,
        " #  RISK  {}  {}  CTRY  FLAGGED  LINKED  COMPL  LAST SEEN",
        fit("SELLER", 16),
        fit("NAME", 30)
    )?;
    for (i, s) in sellers.iter().enumerate() {
        let key = format!("{}/{}", s.marketplace, s.seller_id);
        let country = match (&s.country, s.cross_border) {
            (Some(c), true) => format!("{c}*"),
            (Some(c), false) => c.clone(),
            (None, _) => "?".into(),
        };
        writeln!(
            out,
            "{:>2}  {:.2}  {}  {}  {}  {}  {}  {}  {}",
            i + 1,
            s.max_risk,
            fit(&key, 16),
            fit(s.name.as_deref().unwrap_or("-"), 30),
            fit(&country, 4),
            fit(&format!("{}/{}", s.flagged_listings, s.total_listings), 7),
            fit(&signals.linked(s).to_string(), 6),
            fit(&signals.complaint_count(s).to_string(), 5),
            s.last_seen
                .map(|t| t.format("%Y-%m-%d").to_string())
                .unwrap_or_else(|| "-".into()),
        )?;
        for r in &s.reasons {
            writeln!(
                out,
                "      - {} ({}x): \"{}\" [{} {}]",
                clean(&r.code),
                r.listings,
                clip(&r.example_evidence, 60),
                clean(&r.example_listing_id),
                clean(&r.example_field),
            )?;
            writeln!(
                out,
                "        {} / {}",
                clean(&r.message),
                clean(&r.message_vi)
            )?;
        }
        if let Some((n, c)) = signals.complaints(s) {
            writeln!(
                out,
                "      - hotline_complaints ({n}x): \"{}\" [complaint {} {}]",
                clip(&c.complaint.text.replace('\n', " "), 60),
                clean(&c.complaint.id),
                c.complaint.received_at.format("%Y-%m-%d"),
            )?;
            writeln!(
                out,
                "        Consumers reported this seller to the hotline (by its {}) / Người tiêu \
                 dùng đã khiếu nại người bán này",
                clean(&c.link.kind)
            )?;
        }
    }
    writeln!(
        out,
        "RISK is the highest listing risk (0..1); FLAGGED counts listings at or above the threshold \
         out of those stored; * marks a cross-border seller; LINKED counts other accounts that share \
         a phone, handle, bank account, domain, shop name or copied text with it (`soi network \
         MARKETPLACE/SELLER` shows them); COMPL counts hotline complaints naming it (`soi \
         complaints list MARKETPLACE/SELLER`). `soi listing ID` shows the evidence."
    )?;
    Ok(())
}

fn write_csv(
    out: &mut dyn Write,
    sellers: &[SellerSummary],
    signals: &SellerSignals,
) -> std::io::Result<()> {
    let header = [
        "marketplace",
        "seller_id",
        "name",
        "country",
        "cross_border",
        "max_risk",
        "mean_risk",
        "flagged_listings",
        "total_listings",
        "first_seen",
        "last_seen",
        "reasons",
        "top_evidence",
        "linked_accounts",
        "complaints",
    ];
    let mut w = soi_report::CsvWriter::new(out, &header)?;
    for s in sellers {
        let reasons: Vec<String> = s
            .reasons
            .iter()
            .map(|r| format!("{}:{}", r.code, r.listings))
            .collect();
        let time = |t: Option<chrono::DateTime<chrono::Utc>>| {
            t.map(|t| t.to_rfc3339()).unwrap_or_default()
        };
        w.row([
            s.marketplace.clone(),
            s.seller_id.clone(),
            s.name.clone().unwrap_or_default(),
            s.country.clone().unwrap_or_default(),
            s.cross_border.to_string(),
            format!("{:.4}", s.max_risk),
            format!("{:.4}", s.mean_risk),
            s.flagged_listings.to_string(),
            s.total_listings.to_string(),
            time(s.first_seen),
            time(s.last_seen),
            reasons.join(";"),
            s.reasons
                .first()
                .map(|r| r.example_evidence.clone())
                .unwrap_or_default(),
            signals.linked(s).to_string(),
            signals.complaint_count(s).to_string(),
        ])?;
    }
    w.finish()?;
    Ok(())
}
