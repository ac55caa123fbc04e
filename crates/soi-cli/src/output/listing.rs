//! One listing for an analyst: facts, verdict, and each reason with its evidence in context.
//! Every stored string is scraped or derived from scraped text, so each is cleaned for the
//! terminal (see `terminal`) before it is printed.

use std::io::Write;

use soi_model::{char_len, char_slice, Listing, Reason};
use soi_store::ListingDetail;

use super::terminal::clean;

/// Characters of context shown around a piece of evidence.
const CONTEXT: usize = 40;

pub fn write_listing(out: &mut dyn Write, d: &ListingDetail) -> std::io::Result<()> {
    let l = &d.listing;
    writeln!(out, "Listing   {}/{}", clean(&l.marketplace), clean(&l.id))?;
    writeln!(out, "Title     {}", clean(&l.title))?;
    if let Some(u) = &l.url {
        writeln!(out, "URL       {}", clean(u))?;
    }
    if let Some(p) = l.price {
        writeln!(
            out,
            "Price     {p} {}",
            clean(l.currency.as_deref().unwrap_or(""))
        )?;
    }
    if let Some(c) = &l.category {
        writeln!(out, "Category  {}", clean(c))?;
    }
    if let Some(t) = l.observed_at {
        writeln!(out, "Observed  {}", t.to_rfc3339())?;
    }
    writeln!(
        out,
        "Evidence  sha256:{}",
        clean(l.evidence_sha256.as_deref().unwrap_or("(none recorded)"))
    )?;
    if let Some(s) = &d.seller {
        writeln!(
            out,
            "Seller    {} ({}) country {} ship-from {}{}",
            clean(s.name.as_deref().unwrap_or("-")),
            clean(&s.id),
            clean(s.country.as_deref().unwrap_or("?")),
            clean(s.ship_from.as_deref().unwrap_or("?")),
            if s.cross_border { ", cross-border" } else { "" }
        )?;
    }
    let Some(v) = &d.verdict else {
        writeln!(out, "Verdict   not scored yet")?;
        return Ok(());
    };
    let heads: Vec<String> = v
        .heads
        .iter()
        .map(|(k, p)| format!("{} {p:.2}", clean(k)))
        .collect();
    writeln!(out, "Risk      {:.2}  ({})", v.risk, heads.join(", "))?;
    writeln!(
        out,
        "Model     {} scored {}",
        clean(&v.model),
        v.scored_at.to_rfc3339()
    )?;
    if v.reasons.is_empty() {
        writeln!(out, "Reasons   none")?;
    }
    for (i, r) in v.reasons.iter().enumerate() {
        writeln!(
            out,
            "Reason {}  {} (+{:.2}, {})",
            i + 1,
            clean(&r.code),
            r.contribution,
            clean(&r.source)
        )?;
        writeln!(out, "          {}", clean(&r.message))?;
        writeln!(out, "          {}", clean(&r.message_vi))?;
        writeln!(
            out,
            "          {}[{}..{}]: {}",
            clean(&r.field),
            r.start,
            r.end,
            clean(&in_context(l, r))
        )?;
    }
    Ok(())
}

/// The evidence with some text either side, marked «like this».
fn in_context(l: &Listing, r: &Reason) -> String {
    let Some(text) = l.field_text(&r.field) else {
        return format!("\"{}\"", r.evidence);
    };
    let n = char_len(text);
    let (s, e) = (r.start.min(n), r.end.min(n));
    let from = s.saturating_sub(CONTEXT);
    let to = (e + CONTEXT).min(n);
    format!(
        "{}{}«{}»{}{}",
        if from > 0 { "…" } else { "" },
        char_slice(text, from, s),
        char_slice(text, s, e),
        char_slice(text, e, to),
        if to < n { "…" } else { "" }
    )
}
