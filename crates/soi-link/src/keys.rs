//! The blocking keys of one listing: the strong identifiers it prints, normalised so that the
//! same phone or account written two ways gives the same key, each with the quoted evidence.
//!
//! Sources are the listing's `title` and `description` and its seller's `seller.name`, read with
//! `soi_text::extract`. The listing's own `url` is left out on purpose: it points at the
//! marketplace (or at the seller's own site, which the seller also prints where it matters), and a
//! marketplace not in [`crate::domain::SHARED_DOMAIN_LABELS`] would otherwise link all its sellers.
//!
//! A mention is a key only when it names an account: "Zalo 0901 234 567" and `zalo.me/0901234567`
//! are keys, a bare "ib Zalo" is not; "MoMo 0901234567" is, "thanh toán MoMo" is not (everybody
//! says "MoMo").

use std::collections::HashSet;

use soi_model::Listing;
use soi_text::{Entity, EntityKind};

use crate::domain::seller_domain;
use crate::minhash::{self, Signature};
use crate::shopname;
use crate::types::{Evidence, LinkKey, LinkKind};

/// Fewest digits of a bank account that links (shorter runs after "tk" are order numbers, codes).
pub const MIN_ACCOUNT_DIGITS: usize = 8;
/// Fewest characters of a handle taken from a link (`t.me/abcd`).
pub const MIN_HANDLE_CHARS: usize = 4;
/// Most characters between "Zalo" / "MoMo" and the number that belongs to it ("Zalo/SĐT: ").
const MAX_GAP_CHARS: usize = 12;

/// Facebook paths that are pages of the platform, not of a seller.
const FACEBOOK_PLATFORM_PATHS: &[&str] = &[
    "profile.php",
    "groups",
    "pages",
    "share",
    "sharer",
    "people",
    "watch",
    "story.php",
    "permalink.php",
    "marketplace",
    "photo.php",
    "events",
    "reel",
    "login",
    "home.php",
];

/// Everything the linker needs from one listing: its keys, and the MinHash signature of the text
/// its [`LinkKind::NearText`] keys came from (to verify a shared band before linking).
#[derive(Debug, Clone, Default)]
pub struct Extracted {
    pub keys: Vec<LinkKey>,
    pub signature: Option<Signature>,
}

/// The keys of a listing, identifiers first, then the near-text bands; each `(kind, value)` once.
pub fn keys(listing: &Listing) -> Vec<LinkKey> {
    extract(listing).keys
}

/// [`keys`] with the signature of the near-text source.
pub fn extract(listing: &Listing) -> Extracted {
    let mut out = Extracted::default();
    let mut seen: HashSet<(LinkKind, String)> = HashSet::new();
    let mut push = |out: &mut Extracted, k: LinkKey| {
        if seen.insert((k.kind, k.value.clone())) {
            out.keys.push(k);
        }
    };
    for field in ["title", "description", "seller.name"] {
        let Some(text) = listing.field_text(field) else {
            continue;
        };
        for k in identifier_keys(field, text) {
            push(&mut out, k);
        }
    }
    if let Some(name) = listing.field_text("seller.name") {
        if let Some(value) = shopname::normalise(name) {
            let k = LinkKey {
                kind: LinkKind::ShopName,
                value,
                evidence: evidence("seller.name", name, 0, name.chars().count()),
            };
            push(&mut out, k);
        }
    }
    // The description carries the copied scam text; a title long enough stands in for a missing
    // or short one.
    let near = ["description", "title"]
        .iter()
        .find_map(|f| minhash::near_text_keys(f, listing.field_text(f)?));
    if let Some((sig, keys)) = near {
        out.signature = Some(sig);
        for k in keys {
            push(&mut out, k);
        }
    }
    out
}

/// The quoted evidence of characters `start..end` of a field's text.
pub(crate) fn evidence(field: &str, text: &str, start: usize, end: usize) -> Evidence {
    let span = soi_model::char_slice(text, start, end);
    Evidence {
        field: field.to_string(),
        start,
        end,
        quote: soi_model::truncate_chars(span, soi_model::MAX_EVIDENCE_CHARS).to_string(),
    }
}

/// Phone digits in the canonical `0…` form (`84901234567` → `0901234567`); other digit runs as
/// they are.
fn phone_digits(digits: &str) -> String {
    match digits.strip_prefix("84") {
        Some(rest) if rest.len() == 9 || rest.len() == 10 => format!("0{rest}"),
        _ => digits.to_string(),
    }
}

/// Is a digit run a Vietnamese phone number: a mobile `03/05/07/08/09` + 8 digits or a landline
/// `02` + 9?
fn phone_shaped(d: &str) -> bool {
    let b = d.as_bytes();
    match b.len() {
        10 => b[0] == b'0' && matches!(b[1], b'3' | b'5' | b'7' | b'8' | b'9'),
        11 => b.starts_with(b"02"),
        _ => false,
    }
}

/// The account part of a handle link (`zalo.me/0901234567` → `0901234567`), phone-normalised when
/// it is all digits; `None` for a mention that is not a link or a too short handle.
fn link_handle(value: &str) -> Option<String> {
    let (_, path) = value.split_once('/')?;
    let path = path.trim_matches(['/', '.']).trim_start_matches('+');
    if path.chars().count() < MIN_HANDLE_CHARS {
        return None;
    }
    if path.chars().all(|c| c.is_ascii_digit()) {
        return Some(phone_digits(path));
    }
    Some(path.to_string())
}

/// The phone or account number written right after a mention, if any.
fn number_after<'a>(e: &Entity, all: &'a [Entity]) -> Option<&'a Entity> {
    all.iter().find(|n| {
        matches!(n.kind, EntityKind::Phone | EntityKind::BankAccount)
            && n.start >= e.end
            && n.start - e.end <= MAX_GAP_CHARS
    })
}

/// `@handle` written right after a Telegram mention ("Telegram: @sale_hn"), as a character span.
fn at_handle_after(text: &str, end: usize) -> Option<(usize, usize, String)> {
    let rest: Vec<char> = text.chars().skip(end).take(40).collect();
    let mut i = 0;
    while i < rest.len() && i < 3 && matches!(rest[i], ' ' | ':' | '-') {
        i += 1;
    }
    if rest.get(i) != Some(&'@') {
        return None;
    }
    let handle: String = rest[i + 1..]
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric() || **c == '_')
        .collect::<String>()
        .to_ascii_lowercase();
    (handle.len() >= 5).then(|| (end + i, end + i + 1 + handle.len(), handle))
}

/// The identifier keys of one field: phones, handles, bank accounts, wallets with a number,
/// seller domains.
pub(crate) fn identifier_keys(field: &str, text: &str) -> Vec<LinkKey> {
    let entities = soi_text::extract(text);
    let mut out = Vec::new();
    let key = |kind, value: String, start, end| LinkKey {
        kind,
        value,
        evidence: evidence(field, text, start, end),
    };
    for e in &entities {
        match e.kind {
            EntityKind::Phone => out.push(key(LinkKind::Phone, e.value.clone(), e.start, e.end)),
            EntityKind::Zalo => {
                if let Some(h) = link_handle(&e.value) {
                    out.push(key(LinkKind::Zalo, h, e.start, e.end));
                } else if let Some(n) = number_after(e, &entities) {
                    out.push(key(LinkKind::Zalo, n.value.clone(), e.start, n.end));
                }
            }
            EntityKind::Telegram => {
                if let Some(h) = link_handle(&e.value) {
                    out.push(key(LinkKind::Telegram, h, e.start, e.end));
                } else if let Some((_, end, h)) = at_handle_after(text, e.end) {
                    out.push(key(LinkKind::Telegram, h, e.start, end));
                }
            }
            EntityKind::WhatsApp => {
                if let Some(h) = link_handle(&e.value) {
                    out.push(key(LinkKind::WhatsApp, h, e.start, e.end));
                } else if let Some(n) = number_after(e, &entities) {
                    out.push(key(LinkKind::WhatsApp, n.value.clone(), e.start, n.end));
                }
            }
            EntityKind::Facebook => {
                let h = link_handle(&e.value).filter(|h| {
                    let first = h.split('/').next().unwrap_or(h);
                    !FACEBOOK_PLATFORM_PATHS.contains(&first)
                });
                if let Some(h) = h {
                    out.push(key(LinkKind::Facebook, h, e.start, e.end));
                }
            }
            EntityKind::BankAccount if e.value.len() >= MIN_ACCOUNT_DIGITS => {
                out.push(key(LinkKind::BankAccount, e.value.clone(), e.start, e.end));
                // Digits after a bank name may be a phone ("... ACB. Gọi 0933 111 222"), and
                // many accounts are the owner's phone number (MB Bank, MoMo): either way the
                // number is the seller's phone too.
                let phone = phone_digits(&e.value);
                if phone_shaped(&phone) {
                    out.push(key(LinkKind::Phone, phone, e.start, e.end));
                }
            }
            EntityKind::EWallet => {
                if let Some(n) = number_after(e, &entities) {
                    let v = format!("{}:{}", e.value, n.value);
                    out.push(key(LinkKind::EWallet, v, e.start, n.end));
                }
            }
            EntityKind::Url => {
                if let Some(d) = seller_domain(&e.value) {
                    out.push(key(LinkKind::Domain, d, e.start, e.end));
                }
            }
            EntityKind::BankAccount | EntityKind::Price => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listing(title: &str, desc: &str, seller: &str) -> Listing {
        let mut s = soi_model::Seller::new("shopee", "s1");
        s.name = Some(seller.to_string());
        Listing {
            id: "l1".into(),
            marketplace: "shopee".into(),
            title: title.into(),
            description: Some(desc.into()),
            seller: Some(s),
            ..Default::default()
        }
    }

    fn find(ks: &[LinkKey], kind: LinkKind) -> Vec<(String, String)> {
        ks.iter()
            .filter(|k| k.kind == kind)
            .map(|k| (k.value.clone(), k.evidence.quote.clone()))
            .collect()
    }

    #[test]
    fn phones_are_normalised_and_quoted() {
        let ks = keys(&listing(
            "Giày nam",
            "Gọi 0901 234 567 hoặc +84901234567",
            "x",
        ));
        assert_eq!(
            find(&ks, LinkKind::Phone),
            vec![("0901234567".to_string(), "0901 234 567".to_string())]
        );
        let e = &ks[0].evidence;
        assert_eq!(e.field, "description");
        assert_eq!((e.start, e.end), (4, 16));
    }

    #[test]
    fn zalo_needs_a_number_or_a_link() {
        let ks = keys(&listing(
            "Ib Zalo để được giá tốt",
            "Zalo: 0912.345.678",
            "x",
        ));
        assert_eq!(
            find(&ks, LinkKind::Zalo),
            vec![("0912345678".to_string(), "Zalo: 0912.345.678".to_string())]
        );
        let ks = keys(&listing("Giày", "kết bạn zalo.me/84912345678 nhé", "x"));
        assert_eq!(find(&ks, LinkKind::Zalo)[0].0, "0912345678");
        let ks = keys(&listing("Ib Zalo nhé", "inbox zalo", "x"));
        assert!(find(&ks, LinkKind::Zalo).is_empty());
        assert!(find(&ks, LinkKind::Domain).is_empty());
    }

    #[test]
    fn handles_from_links() {
        let ks = keys(&listing(
            "Giày",
            "join t.me/sale_giay_hn, fb.com/giay.hanoi.88, wa.me/84912345678, Telegram @banhang_hn",
            "x",
        ));
        let tg: Vec<String> = find(&ks, LinkKind::Telegram)
            .into_iter()
            .map(|k| k.0)
            .collect();
        assert_eq!(tg, ["sale_giay_hn", "banhang_hn"]);
        assert_eq!(find(&ks, LinkKind::Facebook)[0].0, "giay.hanoi.88");
        assert_eq!(find(&ks, LinkKind::WhatsApp)[0].0, "0912345678");
        let ks = keys(&listing("Giày", "xem facebook.com/profile.php nha", "x"));
        assert!(find(&ks, LinkKind::Facebook).is_empty());
    }

    #[test]
    fn bank_accounts_and_wallets_with_numbers() {
        let ks = keys(&listing(
            "Đồng hồ",
            "CK trước vào Vietcombank: 1234 5678 9012, hoặc MoMo 0987 654 321",
            "x",
        ));
        assert_eq!(
            find(&ks, LinkKind::BankAccount),
            vec![("123456789012".to_string(), "1234 5678 9012".to_string())]
        );
        assert_eq!(
            find(&ks, LinkKind::EWallet),
            vec![(
                "momo:0987654321".to_string(),
                "MoMo 0987 654 321".to_string()
            )]
        );
        let ks = keys(&listing("Đồng hồ", "Thanh toán qua MoMo hoặc ZaloPay", "x"));
        assert!(find(&ks, LinkKind::EWallet).is_empty());
        let ks = keys(&listing("Đồng hồ", "STK 123456 acb", "x"));
        assert!(find(&ks, LinkKind::BankAccount).is_empty());
        // A phone read as an account after a bank name is a phone key as well.
        let ks = keys(&listing(
            "Đồng hồ",
            "STK 1903654321 ACB. Gọi 0933 111 222",
            "x",
        ));
        assert_eq!(find(&ks, LinkKind::Phone)[0].0, "0933111222");
        let ks = keys(&listing("Đồng hồ", "Techcombank. Gọi +84933111222", "x"));
        assert_eq!(find(&ks, LinkKind::Phone)[0].0, "0933111222");
    }

    #[test]
    fn domains_but_not_platforms() {
        let ks = keys(&listing(
            "Đồng hồ",
            "Xem thêm tại www.donghogiare-hn.com hoặc shopee.vn/abc",
            "x",
        ));
        assert_eq!(
            find(&ks, LinkKind::Domain),
            vec![(
                "donghogiare-hn.com".to_string(),
                "www.donghogiare-hn.com".to_string()
            )]
        );
    }

    #[test]
    fn shop_names_and_near_text() {
        let ks = keys(&listing("Giày", "ngắn", "Shop Giày Hà Nội Chính Hãng"));
        assert_eq!(find(&ks, LinkKind::ShopName)[0].0, "giay ha noi");
        assert!(find(&ks, LinkKind::NearText).is_empty());
        let long = "Giày thể thao nam nữ phong cách Hàn Quốc đế cao su chống trơn";
        let ex = extract(&listing(long, "ngắn", "x"));
        assert!(ex.signature.is_some());
        let near = ex.keys.iter().filter(|k| k.kind == LinkKind::NearText);
        assert!(near.clone().all(|k| k.evidence.field == "title"));
        assert_eq!(near.count(), minhash::BANDS);
    }
}
