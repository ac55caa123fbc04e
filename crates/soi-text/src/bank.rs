//! Bank account numbers near a bank name or "STK" ("số tài khoản"), and e-wallet / QR transfer
//! mentions (MoMo, ZaloPay, VietQR, ViettelPay). Scams that ask for a transfer outside the
//! marketplace's payment flow name one of these.

use std::sync::LazyLock;

use regex::Regex;

use crate::entity::{Entity, EntityKind};
use crate::fold::Folded;

/// Vietnamese banks as people write them, folded. The first name is the canonical one.
const BANKS: &[&[&str]] = &[
    &["vietcombank", "vcb"],
    &["techcombank", "tcb", "techcom"],
    &["mbbank", "mb bank", "mb"],
    &["bidv"],
    &["vietinbank", "viettinbank", "ctg"],
    &["agribank", "agri"],
    &["acb"],
    &["tpbank", "tp bank", "tpb"],
    &["vpbank", "vp bank", "vpb"],
    &["sacombank", "scb", "stb"],
    &["shb"],
    &["hdbank", "hd bank"],
    &["ocb"],
    &["vib"],
    &["msb", "maritime bank"],
    &["seabank"],
    &["eximbank"],
    &["lpbank", "lienvietpostbank", "lienviet"],
    &["timo"],
    &["cake"],
    &["vietabank"],
    &["namabank", "nam a bank"],
    &["kienlongbank"],
    &["bac a bank", "bacabank"],
    &["pvcombank"],
    &["oceanbank"],
    &["abbank"],
    &["baovietbank"],
    &["saigonbank"],
];

/// A bank name, "STK", "số tài khoản", "account no", followed within a few words by 6-19 digits
/// (spaces, dots and dashes allowed between digit groups).
static ACCOUNT: LazyLock<Regex> = LazyLock::new(|| {
    let mut names: Vec<String> = BANKS
        .iter()
        .flat_map(|b| b.iter())
        .map(|n| regex::escape(n).replace(' ', r"\s?"))
        .collect();
    names.sort_by_key(|n| std::cmp::Reverse(n.len()));
    let cue = format!(
        r"(?:^|[^a-z0-9])(?P<cue>{}|stk|so\s?tai\s?khoan|s\.t\.k|tai\s?khoan|tk|account(?:\s?(?:no|number))?|acc|bank)(?:$|[^a-z0-9])",
        names.join("|")
    );
    Regex::new(&format!(
        r"{cue}[^0-9\n]{{0,30}}?(?P<num>[0-9](?:[\s.\-]?[0-9]){{5,18}})(?:$|[^0-9])"
    ))
    .expect("account regex")
});

fn bank_of(cue: &str) -> Option<&'static str> {
    let cue: String = cue.chars().filter(|c| !c.is_whitespace()).collect();
    BANKS
        .iter()
        .find(|b| b.iter().any(|n| n.replace(' ', "") == cue))
        .map(|b| b[0])
}

/// Bank account numbers. `value` is the digits, `detail` the bank when one is named, and the span
/// covers the digits only.
pub(crate) fn accounts(f: &Folded) -> Vec<Entity> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(c) = ACCOUNT.captures_at(&f.text, at) {
        let (Some(cue), Some(num)) = (c.name("cue"), c.name("num")) else {
            break;
        };
        at = num.end();
        let digits: String = num.as_str().chars().filter(char::is_ascii_digit).collect();
        let mut e = Entity::new(
            EntityKind::BankAccount,
            f.orig_span(num.start(), num.end()),
            digits,
        );
        e.detail = bank_of(cue.as_str()).map(str::to_string);
        out.push(e);
    }
    out
}

static WALLET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:^|[^a-z0-9])(m[o0]m[o0]|zal[o0]\s?pay|viet\s?qr|viettel\s?(?:pay|money)|vnpay|qr\s?code\s?(?:chuyen\s?khoan|ck)|ma\s?qr|quet\s?(?:ma\s?)?qr)(?:$|[^a-z0-9])",
    )
    .expect("wallet regex")
});

/// E-wallet and QR-transfer mentions; `value` is the folded name with spaces removed.
pub(crate) fn wallets(f: &Folded) -> Vec<Entity> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(c) = WALLET.captures_at(&f.text, at) {
        let Some(m) = c.get(1) else { break };
        at = m.end();
        let value: String = m.as_str().chars().filter(|c| !c.is_whitespace()).collect();
        out.push(Entity::new(
            EntityKind::EWallet,
            f.orig_span(m.start(), m.end()),
            value.replace('0', "o"),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::{extract, EntityKind};

    fn find(s: &str, k: EntityKind) -> Vec<(String, Option<String>, String)> {
        extract(s)
            .into_iter()
            .filter(|e| e.kind == k)
            .map(|e| {
                let q: String = s.chars().skip(e.start).take(e.end - e.start).collect();
                (e.value, e.detail, q)
            })
            .collect()
    }

    #[test]
    fn accounts_near_bank_names() {
        let a = find(
            "CK trước vào Vietcombank: 1234 5678 9012 chủ TK Nguyen Van A",
            EntityKind::BankAccount,
        );
        assert_eq!(a[0].0, "123456789012");
        assert_eq!(a[0].1.as_deref(), Some("vietcombank"));
        assert_eq!(a[0].2, "1234 5678 9012");
        let a = find("STK 19036543210011 techcombank", EntityKind::BankAccount);
        assert_eq!(a[0].0, "19036543210011");
        let a = find(
            "MB Bank - số tài khoản: 0912345678",
            EntityKind::BankAccount,
        );
        assert_eq!(a[0].0, "0912345678");
        assert_eq!(a[0].1.as_deref(), Some("mbbank"));
        // The account is not reported again as a phone.
        assert!(find("MB Bank - số tài khoản: 0912345678", EntityKind::Phone).is_empty());
        // Digits with no bank cue are not an account.
        assert!(find("mã đơn 123456789", EntityKind::BankAccount).is_empty());
    }

    #[test]
    fn wallets_and_qr() {
        let w = find(
            "Thanh toán qua MoMo hoặc ZaloPay, quét mã QR",
            EntityKind::EWallet,
        );
        let v: Vec<&str> = w.iter().map(|x| x.0.as_str()).collect();
        assert_eq!(v, vec!["momo", "zalopay", "quetmaqr"]);
        assert_eq!(find("chuyển VietQR", EntityKind::EWallet)[0].2, "VietQR");
    }
}
