//! The entity type every extractor returns, and [`extract`], which runs them all.

use serde::{Deserialize, Serialize};

use crate::{bank, contact, fold::Folded, price, url};

/// What kind of thing was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    /// A Vietnamese phone number; `value` is the normalised number starting with `0`.
    Phone,
    /// A Zalo mention or link (`zalo.me/...`).
    Zalo,
    /// A Telegram mention or link (`t.me/...`).
    Telegram,
    /// A WhatsApp mention or link (`wa.me/...`).
    WhatsApp,
    /// A Facebook / Messenger mention or link.
    Facebook,
    /// A bank account number near a bank name or "STK"; `detail` is the bank.
    BankAccount,
    /// An e-wallet or QR transfer mention: MoMo, ZaloPay, VietQR, ViettelPay.
    EWallet,
    /// A URL or bare domain; `value` is the host in ASCII, `detail` its look-alike skeleton.
    Url,
    /// A price; `amount` is the value, `detail` the currency (`VND`, `USD`).
    Price,
}

/// One entity with its place in the original text (character offsets).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entity {
    pub kind: EntityKind,
    /// Character offset of the first character in the original text.
    pub start: usize,
    /// Character offset one past the last character.
    pub end: usize,
    /// Canonical value (digits of a phone, host of a URL, the handle...).
    pub value: String,
    /// Extra detail: the bank of an account, the skeleton of a domain, the currency of a price.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Numeric value of a price.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<f64>,
}

impl Entity {
    pub(crate) fn new(kind: EntityKind, span: (usize, usize), value: String) -> Entity {
        Entity {
            kind,
            start: span.0,
            end: span.1,
            value,
            detail: None,
            amount: None,
        }
    }

    fn overlaps(&self, other: &Entity) -> bool {
        self.start < other.end && other.start < self.end
    }
}

/// Extracts every entity from `text`, sorted by start offset.
///
/// A digit run that is a bank account (after a bank name or "STK") is not reported again as a
/// phone number; a phone inside a URL is not reported either.
pub fn extract(text: &str) -> Vec<Entity> {
    let f = Folded::new(text);
    let mut out = Vec::new();
    let accounts = bank::accounts(&f);
    let urls = url::urls(&f, text);
    for p in contact::phones(&f) {
        if !accounts.iter().chain(urls.iter()).any(|a| a.overlaps(&p)) {
            out.push(p);
        }
    }
    out.extend(accounts);
    out.extend(urls.iter().cloned());
    for h in contact::handles(&f) {
        // A zalo.me link is reported as a Zalo handle as well as a URL, which is intended.
        out.push(h);
    }
    out.extend(bank::wallets(&f));
    for p in price::prices(&f) {
        if !out
            .iter()
            .any(|e| e.kind == EntityKind::Phone && e.overlaps(&p))
        {
            out.push(p);
        }
    }
    out.sort_by_key(|e| (e.start, e.end));
    out
}
