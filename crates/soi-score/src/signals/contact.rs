//! Off-platform contact: a listing that gives a Zalo, Telegram or WhatsApp handle, a phone number
//! or a Facebook link pulls the buyer out of the marketplace, where it cannot protect the payment.
//! A bank account or e-wallet in the listing text is a separate, weaker reason.

use std::sync::LazyLock;

use regex::Regex;
use soi_text::EntityKind;

use super::{FieldText, Hit};

/// Lure phrases that need no handle: "giao dịch ngoài sàn", "contact me on ...".
static LURE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:^|[^a-z0-9])((?:giao\s?dich|lien\s?he|chat|mua\s?ban|thanh\s?toan)\s?ngoai\s?(?:san|app|shopee|lazada|tiki)|(?:contact|message|text|chat\swith)\s(?:me|us)\s(?:on|via|through)\s(?:whatsapp|telegram|zalo|line|wechat|signal))(?:$|[^a-z0-9])",
    )
    .expect("lure regex")
});

const MSG: &str = "Moves the buyer off the marketplace to a private channel (Zalo, Telegram, WhatsApp, phone), where the purchase is not protected.";
const MSG_VI: &str = "Kéo người mua ra khỏi sàn sang kênh riêng (Zalo, Telegram, WhatsApp, điện thoại), nơi giao dịch không được bảo vệ.";

fn strength(kind: EntityKind, value: &str) -> f64 {
    match kind {
        EntityKind::Zalo | EntityKind::Telegram | EntityKind::WhatsApp | EntityKind::Phone => 1.0,
        EntityKind::Facebook if value.contains('/') => 0.8,
        EntityKind::Facebook => 0.4,
        _ => 0.0,
    }
}

/// The strongest off-platform contact in each field; the evidence of a handle followed closely
/// by a phone number ("Zalo 0912...") covers both.
pub(crate) fn off_platform(fields: &[FieldText<'_>]) -> Vec<Hit> {
    let mut out = Vec::new();
    for f in fields {
        let mut best: Option<(f64, usize, usize)> = None;
        for (i, e) in f.entities.iter().enumerate() {
            let s = strength(e.kind, &e.value);
            if s <= 0.0 {
                continue;
            }
            let mut end = e.end;
            if e.kind != EntityKind::Phone {
                if let Some(p) = f.entities[i + 1..].iter().find(|p| {
                    p.kind == EntityKind::Phone && p.start >= e.end && p.start <= e.end + 20
                }) {
                    end = p.end;
                }
            }
            if best.is_none_or(|b| s > b.0) {
                best = Some((s, e.start, end));
            }
        }
        if best.is_none() {
            if let Some(m) = LURE.captures(&f.folded.text).and_then(|c| c.get(1)) {
                let (s, e) = f.span(m.start(), m.end());
                best = Some((0.8, s, e));
            }
        }
        if let Some((strength, start, end)) = best {
            out.push(Hit {
                code: "off_platform_contact",
                source: "contact",
                field: f.field.to_string(),
                start,
                end,
                strength,
                message: MSG.into(),
                message_vi: MSG_VI.into(),
                evidence: None,
            });
        }
        if let Some(e) = f
            .entities
            .iter()
            .find(|e| matches!(e.kind, EntityKind::BankAccount | EntityKind::EWallet))
        {
            out.push(Hit {
                code: "bank_account_in_listing",
                source: "contact",
                field: f.field.to_string(),
                start: e.start,
                end: e.end,
                strength: if e.kind == EntityKind::BankAccount {
                    1.0
                } else {
                    0.6
                },
                message: "Gives a bank account or e-wallet for direct transfer.".into(),
                message_vi: "Đưa số tài khoản ngân hàng hoặc ví điện tử để chuyển tiền trực tiếp."
                    .into(),
                evidence: None,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quote(s: &str) -> Vec<(String, f64)> {
        let f = FieldText::new("description", s);
        off_platform(std::slice::from_ref(&f))
            .into_iter()
            .filter(|h| h.code == "off_platform_contact")
            .map(|h| {
                (
                    s.chars().skip(h.start).take(h.end - h.start).collect(),
                    h.strength,
                )
            })
            .collect()
    }

    #[test]
    fn handles_phones_and_lures() {
        assert_eq!(quote("Ib zalo để được giá sỉ")[0].0, "zalo");
        assert_eq!(
            quote("kết bạn Zalo 0912 345 678 nhé")[0].0,
            "Zalo 0912 345 678"
        );
        assert_eq!(quote("nhắn telegram @deal")[0].0, "telegram");
        assert_eq!(quote("gọi 0987654321")[0].0, "0987654321");
        assert_eq!(
            quote("giao dịch ngoài sàn cho rẻ")[0].0,
            "giao dịch ngoài sàn"
        );
        assert!(quote("Áo thun cotton 100%, size M").is_empty());
    }
}
