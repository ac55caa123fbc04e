//! Hotline complaints: what a consumer reported to the hotline, read from the CSV or JSON Lines
//! file the hotline exports ([`read`]), and the identifiers in it ([`complaint_keys`]).
//!
//! Why here: a complaint names the seller the way the public does (the phone it called, the Zalo
//! it was told to message, the account it paid into, a link, a shop name, in Vietnamese, rarely
//! spelled as the listing spells it). The same text core that finds those in listings finds them
//! in complaints, normalised the same way, so a complaint's key meets a listing's key in the
//! store without a second set of rules.

mod parse;

pub use parse::{parse_amount, parse_time, read, ComplaintError, Format, Records};
pub use soi_model::Complaint;

use crate::keys::identifier_keys;
use crate::types::{LinkKey, LinkKind};

/// Longest complaint text kept, in characters; longer texts are cut there (the hotline's own
/// record keeps the whole).
pub const MAX_TEXT_CHARS: usize = 20_000;

/// The identifiers a complaint names, each `(kind, value)` once: phones, handles, bank accounts,
/// e-wallets and domains from its text, phone and URL; the shop name it gives. Near-text is not a
/// key here: a complaint retells, it does not copy the listing.
pub fn complaint_keys(c: &Complaint) -> Vec<LinkKey> {
    let mut out: Vec<LinkKey> = Vec::new();
    let mut push = |k: LinkKey| {
        if !out.iter().any(|o| o.kind == k.kind && o.value == k.value) {
            out.push(k);
        }
    };
    for field in ["phone", "url", "text"] {
        if let Some(text) = c.field_text(field) {
            identifier_keys(field, text).into_iter().for_each(&mut push);
        }
    }
    if let Some(name) = c.shop_name.as_deref() {
        if let Some(value) = crate::shopname::normalise(name) {
            let end = name.chars().count();
            push(LinkKey {
                kind: LinkKind::ShopName,
                value,
                evidence: crate::keys::evidence("shop_name", name, 0, end),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::DateTime;

    fn complaint(text: &str) -> Complaint {
        Complaint {
            id: "C1".into(),
            received_at: DateTime::from_timestamp(1_780_000_000, 0).unwrap_or_default(),
            channel: "phone".into(),
            text: text.into(),
            phone: None,
            shop_name: None,
            url: None,
            amount: None,
        }
    }

    #[test]
    fn a_complaint_names_the_phone_the_account_and_the_shop() {
        let mut c = complaint(
            "Tôi chuyển khoản 1.500.000đ vào STK 19036543210011 Techcombank theo hướng dẫn qua \
             Zalo 0912 345 678 nhưng không nhận được hàng",
        );
        c.phone = Some("+84 901 234 567".into());
        c.shop_name = Some("Kho Sỉ Minh Tâm".into());
        let keys = complaint_keys(&c);
        let has =
            |kind: LinkKind, value: &str| keys.iter().any(|k| k.kind == kind && k.value == value);
        assert!(has(LinkKind::Phone, "0901234567"), "{keys:?}");
        assert!(has(LinkKind::BankAccount, "19036543210011"), "{keys:?}");
        assert!(has(LinkKind::Zalo, "0912345678"), "{keys:?}");
        assert!(
            keys.iter().any(|k| k.kind == LinkKind::ShopName),
            "{keys:?}"
        );
        let phone = keys
            .iter()
            .find(|k| k.kind == LinkKind::Phone)
            .map(|k| &k.evidence);
        assert_eq!(phone.map(|e| e.field.as_str()), Some("phone"));
    }

    #[test]
    fn a_complaint_without_identifiers_has_no_keys() {
        let c = complaint("Shop lừa đảo, nhắn Zalo mà không trả lời, hàng không giống hình");
        assert!(complaint_keys(&c).is_empty());
    }
}
