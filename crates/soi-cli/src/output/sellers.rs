//! The flagged-sellers list as a table, JSON or CSV. The table cleans every outside string for
//! the terminal; the CSV goes through soi-report's one writer, which neutralises formulas.

use std::io::Write;

use soi_store::SellerSummary;

use super::terminal::clean;
use super::text::{clip, fit};
use super::Format;

pub fn write_sellers(
    out: &mut dyn Write,
    sellers: &[SellerSummary],
    format: Format,
) -> anyhow::Result<()> {
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, sellers)?;
            writeln!(out)?;
        }
        Format::Csv => write_csv(out, sellers)?,
        Format::Table => write_table(out, sellers)?,
    }
    Ok(())
}

fn write_table(out: &mut dyn Write, sellers: &[SellerSummary]) -> std::io::Result<()> {
    if sellers.is_empty() {
        writeln!(
            out,
            "No flagged sellers match. / Không có người bán nào bị gắn cờ."
        )?;
        return Ok(());
    }
    writeln!(
        out,
        " #  RISK  {}  {}  CTRY  FLAGGED  LAST SEEN",
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
            "{:>2}  {:.2}  {}  {}  {}  {}  {}",
            i + 1,
            s.max_risk,
            fit(&key, 16),
            fit(s.name.as_deref().unwrap_or("-"), 30),
            fit(&country, 4),
            fit(&format!("{}/{}", s.flagged_listings, s.total_listings), 7),
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
    }
    writeln!(
        out,
        "RISK is the highest listing risk (0..1); FLAGGED counts listings at or above the threshold \
         out of those stored; * marks a cross-border seller. `soi listing ID` shows the evidence."
    )?;
    Ok(())
}

fn write_csv(out: &mut dyn Write, sellers: &[SellerSummary]) -> std::io::Result<()> {
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
        ])?;
    }
    w.finish()?;
    Ok(())
}
