//! A seller's network as text or JSON: accounts per marketplace, each link with the evidence of
//! both sides, and the flagged listings of every account in it.

use std::io::Write;

use serde::Serialize;
use soi_store::links::{kind_words, LinkSide, Network, SellerRef};

use super::terminal::clean;
use super::text::clip;

/// A listing of the network at or above the flag threshold.
#[derive(Debug, Clone, Serialize)]
pub struct FlaggedListing {
    pub seller: SellerRef,
    pub listing_id: String,
    pub title: String,
    pub risk: f64,
    pub codes: Vec<String>,
}

#[derive(Serialize)]
struct JsonNetwork<'a> {
    #[serde(flatten)]
    network: &'a Network,
    flagged_listings: &'a [FlaggedListing],
}

/// What a link kind is called in the text, in both languages.
fn kind_label(kind: &str) -> String {
    let (en, vi) = kind_words(kind);
    format!("{en} / {vi}")
}

fn side_line(out: &mut dyn Write, s: &LinkSide) -> std::io::Result<()> {
    writeln!(
        out,
        "      {}  listing {}  {} [{}..{}]: \"{}\"",
        clean(&s.seller.to_string()),
        clean(&s.listing_id),
        clean(&s.field),
        s.start,
        s.end,
        clip(&s.quote, 80)
    )
}

pub fn write_network(
    out: &mut dyn Write,
    net: &Network,
    flagged: &[FlaggedListing],
    json: bool,
) -> anyhow::Result<()> {
    if json {
        let row = JsonNetwork {
            network: net,
            flagged_listings: flagged,
        };
        serde_json::to_writer_pretty(&mut *out, &row)?;
        writeln!(out)?;
        return Ok(());
    }
    let who = clean(&net.seller.to_string()).into_owned();
    if net.sellers.len() <= 1 {
        writeln!(
            out,
            "{who} shares no phone, handle, account, website, shop name or copied text with \
             another seller. / Không liên kết với người bán nào khác."
        )?;
    } else {
        let per: Vec<String> = net
            .per_marketplace()
            .iter()
            .map(|(m, n)| format!("{} {n}", clean(m)))
            .collect();
        writeln!(
            out,
            "{who}: {} accounts in one network ({}) / {} tài khoản liên kết{}",
            net.sellers.len(),
            per.join(", "),
            net.sellers.len(),
            if net.truncated {
                " — stopped at --max-sellers: there are more"
            } else {
                ""
            }
        )?;
        writeln!(out, "Accounts:")?;
        for s in &net.sellers {
            writeln!(out, "  {}", clean(&s.to_string()))?;
        }
        writeln!(out, "Links ({}):", net.links.len())?;
        for l in &net.links {
            let value = if l.kind == "near_text" {
                String::new()
            } else {
                format!(" {}", clean(&l.value))
            };
            writeln!(
                out,
                "  {}{value}  (found {})",
                kind_label(&l.kind),
                l.found_at.format("%Y-%m-%d")
            )?;
            side_line(out, &l.a)?;
            side_line(out, &l.b)?;
        }
    }
    writeln!(out, "Flagged listings ({}):", flagged.len())?;
    for f in flagged {
        writeln!(
            out,
            "  {:.2}  {}  {}  {}  [{}]",
            f.risk,
            clean(&f.seller.to_string()),
            clean(&f.listing_id),
            clip(&f.title, 50),
            clean(&f.codes.join(", "))
        )?;
    }
    writeln!(
        out,
        "`soi listing ID --marketplace M` shows a listing's evidence; a link's quotes are where each \
         listing says the shared identifier (field and character offsets)."
    )?;
    Ok(())
}
