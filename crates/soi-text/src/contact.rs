//! Off-platform contact points: Vietnamese phone numbers and Zalo, Telegram, WhatsApp and
//! Facebook handles or links, including the usual disguises ("z@lo", "0 9 1 2...", "O9l2").

use std::sync::LazyLock;

use regex::Regex;

use crate::entity::{Entity, EntityKind};
use crate::fold::Folded;

/// A phone-like run: an optional +84/84 prefix, then digits (or `o`/`l` standing in for 0/1)
/// separated by at most one space, dot or dash each.
static PHONE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:^|[^0-9a-z+])((?:\+\s?84|\(\+?84\)|84|[0o])(?:[\s.\-]{0,3}[0-9ol]){8,10})(?:$|[^0-9a-z])",
    )
    .expect("phone regex")
});

/// Normalises a matched phone run to `0` + 9 or 10 digits, or rejects it.
fn normalise_phone(m: &str) -> Option<String> {
    let mut digits = String::with_capacity(12);
    let mut letters = 0;
    for c in m.chars() {
        match c {
            '0'..='9' => digits.push(c),
            'o' => {
                digits.push('0');
                letters += 1;
            }
            'l' => {
                digits.push('1');
                letters += 1;
            }
            _ => {}
        }
    }
    if letters > 2 {
        return None;
    }
    let local = if let Some(rest) = digits.strip_prefix("84") {
        if m.trim_start().starts_with('0') || m.trim_start().starts_with('o') {
            return None;
        }
        format!("0{rest}")
    } else {
        digits
    };
    let b = local.as_bytes();
    let ok = match b.len() {
        // Mobile: 03x, 05x, 07x, 08x, 09x.
        10 => b[0] == b'0' && matches!(b[1], b'3' | b'5' | b'7' | b'8' | b'9'),
        // Landline: 02x plus 8 digits.
        11 => b[0] == b'0' && b[1] == b'2',
        _ => false,
    };
    ok.then_some(local)
}

/// Vietnamese phone numbers in the folded text.
pub(crate) fn phones(f: &Folded) -> Vec<Entity> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(c) = PHONE.captures_at(&f.text, at) {
        let Some(m) = c.get(1) else { break };
        at = m.end();
        let raw = m.as_str().trim_end_matches(['.', '-', ' ']);
        if let Some(v) = normalise_phone(raw) {
            out.push(Entity::new(
                EntityKind::Phone,
                f.orig_span(m.start(), m.start() + raw.len()),
                v,
            ));
        }
    }
    out
}

/// A separator people put inside a word to dodge filters: "z.a.l.o", "z a l o", "z-alo".
const SEP: &str = r"[\s.\-_*]?";

static HANDLES: LazyLock<Vec<(EntityKind, Regex)>> = LazyLock::new(|| {
    let obf = |w: &str| -> String {
        // Each letter may be followed by one separator; look-alike characters are allowed.
        w.chars()
            .map(|c| {
                let class = match c {
                    'a' => "[a@4]",
                    'o' => "[o0]",
                    'e' => "[e3]",
                    'l' => "[l1|]",
                    'i' => "[i1!]",
                    's' => "[s$5]",
                    _ => return regex::escape(&c.to_string()),
                };
                class.to_string()
            })
            .collect::<Vec<_>>()
            .join(SEP)
    };
    let word = |body: String| format!(r"(?:^|[^a-z0-9])({body})(?:$|[^a-z0-9])");
    let rx = |s: String| Regex::new(&s).expect("handle regex");
    vec![
        (
            EntityKind::Zalo,
            rx(r"(zalo\.me/[0-9a-z_./]+|chat\.zalo\.me/?[0-9a-z_./]*)".into()),
        ),
        (EntityKind::Zalo, rx(word(obf("zalo")))),
        (EntityKind::Zalo, rx(word("zl|z\\.l".into()))),
        (
            EntityKind::Telegram,
            rx(r"((?:t|telegram)\.me/[0-9a-z_]{3,})".into()),
        ),
        (EntityKind::Telegram, rx(word(obf("telegram")))),
        (EntityKind::Telegram, rx(word("tele|tg|@tele".into()))),
        (EntityKind::WhatsApp, rx(r"(wa\.me/\+?[0-9]{6,})".into())),
        (
            EntityKind::WhatsApp,
            rx(word(format!("{}{SEP}{}", obf("whats"), obf("app")))),
        ),
        (
            EntityKind::Facebook,
            rx(r"((?:facebook|fb)\.com/[0-9a-z_.]{3,}|m\.me/[0-9a-z_.]{3,})".into()),
        ),
        (EntityKind::Facebook, rx(word(obf("facebook")))),
        (EntityKind::Facebook, rx(word("fb|messenger|mess".into()))),
    ]
});

/// Zalo, Telegram, WhatsApp and Facebook mentions and links in the folded text. Overlapping
/// matches of the same kind are reported once.
pub(crate) fn handles(f: &Folded) -> Vec<Entity> {
    let mut out: Vec<Entity> = Vec::new();
    for (kind, re) in HANDLES.iter() {
        let mut at = 0;
        while let Some(c) = re.captures_at(&f.text, at) {
            let Some(m) = c.get(1) else { break };
            at = m.end().max(at + 1);
            let span = f.orig_span(m.start(), m.end());
            if out
                .iter()
                .any(|e| e.kind == *kind && e.start < span.1 && span.0 < e.end)
            {
                continue;
            }
            let value: String = m
                .as_str()
                .chars()
                .filter(|c| c.is_alphanumeric() || "./_@".contains(*c))
                .collect();
            out.push(Entity::new(*kind, span, value));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::{extract, EntityKind};

    fn kinds(s: &str, k: EntityKind) -> Vec<(String, String)> {
        extract(s)
            .into_iter()
            .filter(|e| e.kind == k)
            .map(|e| {
                let q: String = s.chars().skip(e.start).take(e.end - e.start).collect();
                (e.value, q)
            })
            .collect()
    }

    #[test]
    fn phones_plain_spaced_dotted_international_and_disguised() {
        let p = kinds("Gọi 0912345678 nhé", EntityKind::Phone);
        assert_eq!(p, vec![("0912345678".into(), "0912345678".into())]);
        let p = kinds(
            "inbox z@lo 0 9 0 0 . 0 0 0 . 4 0 4 de dc",
            EntityKind::Phone,
        );
        assert_eq!(p[0].1, "0 9 0 0 . 0 0 0 . 4 0 4");
        let p = kinds("lh 0 9 1 2 3 4 5 6 7 8 ngay", EntityKind::Phone);
        assert_eq!(p[0].0, "0912345678");
        assert_eq!(p[0].1, "0 9 1 2 3 4 5 6 7 8");
        assert_eq!(
            kinds("sđt: 091.234.5678", EntityKind::Phone)[0].0,
            "0912345678"
        );
        assert_eq!(
            kinds("call +84 912 345 678", EntityKind::Phone)[0].0,
            "0912345678"
        );
        assert_eq!(kinds("ĐT O9l2345678", EntityKind::Phone)[0].0, "0912345678");
        assert_eq!(
            kinds("bàn 028 3725 2002", EntityKind::Phone)[0].0,
            "02837252002"
        );
        // Not phones: a price, a short number, an id with letters glued on.
        assert!(kinds("giá 1.500.000đ", EntityKind::Phone).is_empty());
        assert!(kinds("mã 12345", EntityKind::Phone).is_empty());
        assert!(kinds("sku ab0912345678cd", EntityKind::Phone).is_empty());
    }

    #[test]
    fn handles_and_links() {
        let z = kinds("Ib Z@lo để được giá tốt", EntityKind::Zalo);
        assert_eq!(z[0].1, "Z@lo");
        assert_eq!(
            kinds("kết bạn z.a.l.o nhé", EntityKind::Zalo)[0].1,
            "z.a.l.o"
        );
        assert_eq!(
            kinds("xem zalo.me/0912345678", EntityKind::Zalo)[0].1,
            "zalo.me/0912345678"
        );
        assert_eq!(
            kinds("nhắn Telegram @shop", EntityKind::Telegram)[0].1,
            "Telegram"
        );
        assert_eq!(
            kinds("join t.me/sale_vn now", EntityKind::Telegram)[0].1,
            "t.me/sale_vn"
        );
        assert_eq!(kinds("WhatsApp me", EntityKind::WhatsApp)[0].1, "WhatsApp");
        assert_eq!(
            kinds("wa.me/84912345678", EntityKind::WhatsApp)[0].1,
            "wa.me/84912345678"
        );
        assert_eq!(
            kinds("inbox fb.com/shop.abc", EntityKind::Facebook)[0].1,
            "fb.com/shop.abc"
        );
        assert!(kinds("Realistic salon", EntityKind::Zalo).is_empty());
    }
}
