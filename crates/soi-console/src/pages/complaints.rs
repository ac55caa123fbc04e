//! Hotline complaints as the pages show them: how many distinct complaints name each queue row's
//! seller (one store call for the whole page), and on a seller's page every complaint naming it,
//! newest first, with what it shares with the seller and the consumer's words.

use std::collections::HashMap;

use soi_store::complaints::SellerComplaint;
use soi_store::links::SellerRef;

use super::when;
use crate::i18n::Tr;
use crate::{AppState, ConsoleError};

/// The most characters of a consumer's text a seller page shows; longer ones are clipped.
pub const TEXT_MAX: usize = 600;

/// Each seller `rows` name with the id of the complaint naming it: for [`distinct_counts`], the
/// queue's count of distinct complaints per row (from one `complaints_of` call for the page).
///
/// [`distinct_counts`]: super::distinct_counts
pub fn complaint_pairs(rows: Vec<SellerComplaint>) -> impl Iterator<Item = (SellerRef, String)> {
    rows.into_iter().map(|c| (c.link.seller, c.complaint.id))
}

/// What a complaint shares with the seller: the kind, the value, where in the complaint, and
/// the complaint's words quoted.
pub struct ShareView {
    /// The kind in the page's language (the stored name when the table has none).
    pub kind: String,
    pub code: String,
    pub value: String,
    pub field: String,
    pub quote: String,
}

pub struct ComplaintView {
    pub id: String,
    pub received_at: String,
    pub channel: String,
    /// The consumer's text, clipped to [`TEXT_MAX`] characters (escaped by the template).
    pub text: String,
    pub clipped: bool,
    /// Empty when the complaint gives none.
    pub amount: String,
    pub shares: Vec<ShareView>,
}

/// The complaints naming a seller as its page shows them.
pub struct ComplaintsView {
    pub complaints: Vec<ComplaintView>,
    pub max: usize,
}

impl ComplaintsView {
    pub fn is_empty(&self) -> bool {
        self.complaints.is_empty()
    }
}

/// `text` cut to `max` characters (on a character boundary), and whether it was.
pub fn clip(text: &str, max: usize) -> (String, bool) {
    match text.char_indices().nth(max) {
        Some((at, _)) => (format!("{}…", &text[..at]), true),
        None => (text.to_string(), false),
    }
}

/// An amount in đồng, grouped by thousands as the language writes them (`1.500.000 ₫`,
/// `1,500,000 ₫`); a fractional part is rounded away.
pub fn dong(amount: f64, tr: &Tr) -> String {
    if !amount.is_finite() {
        return amount.to_string();
    }
    let sep = if tr.0 == crate::i18n::Lang::Vi {
        '.'
    } else {
        ','
    };
    format!("{} ₫", soi_report::html::thousands(amount, sep))
}

/// The complaints naming `here`, newest first, one entry per complaint with all it shares with
/// the seller.
pub async fn complaints_view(
    state: &AppState,
    tr: &Tr,
    here: &SellerRef,
) -> Result<ComplaintsView, ConsoleError> {
    let rows = state
        .complaints
        .complaints_of(std::slice::from_ref(here))
        .await?;
    Ok(ComplaintsView {
        complaints: group(rows, here, tr),
        max: TEXT_MAX,
    })
}

/// One view per complaint naming `here`, in the order the store gave (newest first).
fn group(rows: Vec<SellerComplaint>, here: &SellerRef, tr: &Tr) -> Vec<ComplaintView> {
    let mut out: Vec<ComplaintView> = vec![];
    let mut at: HashMap<String, usize> = HashMap::new();
    for SellerComplaint { link, complaint: c } in rows {
        if link.seller != *here {
            continue;
        }
        let share = ShareView {
            kind: tr.kind(&link.kind),
            code: link.kind,
            value: link.value,
            field: link.field,
            quote: link.quote,
        };
        if let Some(&i) = at.get(&c.id) {
            out[i].shares.push(share);
            continue;
        }
        let (text, clipped) = clip(&c.text, TEXT_MAX);
        at.insert(c.id.clone(), out.len());
        out.push(ComplaintView {
            received_at: when(&c.received_at),
            channel: c.channel,
            text,
            clipped,
            amount: c.amount.map(|a| dong(a, tr)).unwrap_or_default(),
            shares: vec![share],
            id: c.id,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn clips_on_characters_and_says_so() {
        assert_eq!(clip("abc", 3), ("abc".to_string(), false));
        assert_eq!(clip("ắằẳẵặ", 2), ("ắằ…".to_string(), true));
        assert_eq!(clip("", 0), (String::new(), false));
    }

    #[test]
    fn amounts_are_grouped_by_language() {
        assert_eq!(dong(1_500_000.0, &Tr(Lang::Vi)), "1.500.000 ₫");
        assert_eq!(dong(1_500_000.4, &Tr(Lang::En)), "1,500,000 ₫");
        assert_eq!(dong(950.0, &Tr(Lang::Vi)), "950 ₫");
        assert_eq!(dong(-12_000.0, &Tr(Lang::En)), "-12,000 ₫");
        assert_eq!(dong(0.0, &Tr(Lang::En)), "0 ₫");
    }
}
