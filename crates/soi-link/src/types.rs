//! The values the linker hands out: what kind of identifier two sellers share ([`LinkKind`]), where
//! each side said it ([`Evidence`]), the keys extracted from one listing ([`LinkKey`]) and the
//! links and clusters built from them ([`Link`], [`Cluster`]).

use serde::{Deserialize, Serialize};

/// What two sellers share. Every kind is a strong identifier: a single shared word is never one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkKind {
    /// A Vietnamese phone number; value `0` + 9 or 10 digits.
    Phone,
    /// A Zalo account: a `zalo.me/...` link or a number written after "Zalo".
    Zalo,
    /// A Telegram account: a `t.me/...` link.
    Telegram,
    /// A WhatsApp account: a `wa.me/...` link.
    WhatsApp,
    /// A Facebook page or profile: a `facebook.com/...`, `fb.com/...` or `m.me/...` link.
    Facebook,
    /// A bank account number written near a bank name or "STK"; value the digits.
    BankAccount,
    /// An e-wallet with its account: "MoMo 0901..."; value `wallet:number`.
    EWallet,
    /// A registrable domain that is not a marketplace's or a big platform's.
    Domain,
    /// A distinctive shop name, folded and without generic words.
    ShopName,
    /// Near-duplicate listing text: value the hash of one MinHash band.
    NearText,
}

impl LinkKind {
    /// Every kind, in a fixed order.
    pub const ALL: [LinkKind; 10] = [
        LinkKind::Phone,
        LinkKind::Zalo,
        LinkKind::Telegram,
        LinkKind::WhatsApp,
        LinkKind::Facebook,
        LinkKind::BankAccount,
        LinkKind::EWallet,
        LinkKind::Domain,
        LinkKind::ShopName,
        LinkKind::NearText,
    ];

    /// Stable snake_case name, as serialised.
    pub fn as_str(self) -> &'static str {
        match self {
            LinkKind::Phone => "phone",
            LinkKind::Zalo => "zalo",
            LinkKind::Telegram => "telegram",
            LinkKind::WhatsApp => "whats_app",
            LinkKind::Facebook => "facebook",
            LinkKind::BankAccount => "bank_account",
            LinkKind::EWallet => "e_wallet",
            LinkKind::Domain => "domain",
            LinkKind::ShopName => "shop_name",
            LinkKind::NearText => "near_text",
        }
    }

    pub(crate) fn index(self) -> u8 {
        self as u8
    }
}

/// Where a listing says what it shares, in the convention of `soi_model::Reason`: a field name
/// (`title`, `description`, `seller.name`) and character offsets into that field's text; `quote`
/// is the text of the span, at most [`soi_model::MAX_EVIDENCE_CHARS`] characters of it (the start)
/// for long spans.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Evidence {
    pub field: String,
    pub start: usize,
    pub end: usize,
    pub quote: String,
}

/// One blocking key of a listing: two listings with the same `(kind, value)` belong to linked
/// sellers (for [`LinkKind::NearText`], once their texts are verified to be near duplicates).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkKey {
    pub kind: LinkKind,
    /// The normalised value: `0901234567` however the number was written.
    pub value: String,
    pub evidence: Evidence,
}

/// A seller account: the marketplace and the seller's id there.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SellerKey {
    pub marketplace: String,
    pub id: String,
}

impl SellerKey {
    pub fn new(marketplace: &str, id: &str) -> SellerKey {
        SellerKey {
            marketplace: marketplace.to_string(),
            id: id.to_string(),
        }
    }
}

impl std::fmt::Display for SellerKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.marketplace, self.id)
    }
}

/// One side of a link: the seller, the listing that said it and where.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Side {
    pub seller: SellerKey,
    /// The listing's id on its marketplace.
    pub listing: String,
    pub evidence: Evidence,
}

/// Two sellers that share an identifier. `a` is the first seller seen with it, `b` the later one.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Link {
    pub kind: LinkKind,
    pub value: String,
    pub a: Side,
    pub b: Side,
}

/// Sellers connected by links, directly or through others, with every link recorded between them.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Cluster {
    /// Sorted by marketplace, then id.
    pub sellers: Vec<SellerKey>,
    /// In the order they were found.
    pub links: Vec<Link>,
}
