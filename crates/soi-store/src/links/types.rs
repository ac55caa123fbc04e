//! The rows of the link state.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A seller account: the marketplace and the seller's id there.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SellerRef {
    pub marketplace: String,
    pub seller_id: String,
}

impl SellerRef {
    pub fn new(marketplace: &str, seller_id: &str) -> SellerRef {
        SellerRef {
            marketplace: marketplace.to_string(),
            seller_id: seller_id.to_string(),
        }
    }
}

impl std::fmt::Display for SellerRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.marketplace, self.seller_id)
    }
}

/// One side of a link: the seller, its listing that said it, and where (a field and character
/// offsets into it, as in `soi_model::Reason`, with the quoted text).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct LinkSide {
    pub seller: SellerRef,
    pub listing_id: String,
    pub field: String,
    pub start: usize,
    pub end: usize,
    pub quote: String,
}

/// The first listing seen with an identifier or a near-text band: later holders link to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyHolder {
    /// `phone`, `zalo`, ... `near_text` (`soi_link::LinkKind::as_str`).
    pub kind: String,
    pub value: String,
    pub side: LinkSide,
    pub seen_at: DateTime<Utc>,
}

/// A listing's MinHash signature (64 values), kept for the listings that hold a near-text band so
/// that a later candidate can be verified against it, with the quote of the text it was computed
/// from (field, character offsets, the start of the text). The quote lives here once per listing,
/// not on each of its band holders (sixteen of them), which keeps the link state small.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListingSignature {
    pub marketplace: String,
    pub listing_id: String,
    pub signature: Vec<u16>,
    pub field: String,
    pub start: usize,
    pub end: usize,
    pub quote: String,
}

/// Two sellers that share an identifier: `a` held it first, `b` came later.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkRow {
    pub kind: String,
    pub value: String,
    pub a: LinkSide,
    pub b: LinkSide,
    pub found_at: DateTime<Utc>,
}

/// What one batch of listings added to the link state.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkBatch {
    pub holders: Vec<KeyHolder>,
    pub signatures: Vec<ListingSignature>,
    pub links: Vec<LinkRow>,
}

impl LinkBatch {
    pub fn is_empty(&self) -> bool {
        self.holders.is_empty() && self.signatures.is_empty() && self.links.is_empty()
    }
}

/// What a link kind is called in English and Vietnamese, for messages, alerts and reports: one
/// table, so every output names a shared identifier the same way.
pub fn kind_words(kind: &str) -> (&'static str, &'static str) {
    match kind {
        "phone" => ("phone number", "số điện thoại"),
        "zalo" => ("Zalo account", "tài khoản Zalo"),
        "telegram" => ("Telegram account", "tài khoản Telegram"),
        "whats_app" => ("WhatsApp account", "tài khoản WhatsApp"),
        "facebook" => ("Facebook page", "trang Facebook"),
        "bank_account" => ("bank account", "số tài khoản ngân hàng"),
        "e_wallet" => ("e-wallet", "ví điện tử"),
        "domain" => ("website", "trang web"),
        "shop_name" => ("shop name", "tên shop"),
        "near_text" => ("copied listing text", "nội dung tin đăng sao chép"),
        _ => ("identifier", "thông tin nhận dạng"),
    }
}
