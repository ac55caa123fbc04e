//! Prices as Vietnamese sellers write them: "1tr5" (1,500,000), "150k", "1.500.000đ",
//! "2 triệu", "3 củ", "1,2tr", "$19.99".

use std::sync::LazyLock;

use regex::Regex;

use crate::entity::{Entity, EntityKind};
use crate::fold::Folded;

static PRICE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
        (?:^|[^0-9a-z.,])
        (?P<all>
            (?P<tr>[0-9]{1,4})\s?(?:tr|trieu|cu)\s?(?P<trd>[0-9]{1,3})?(?:\s?(?:d|vnd|dong))?
          | (?P<dec>[0-9]{1,4}[.,][0-9]{1,2})\s?(?:tr|trieu|cu)
          | (?P<k>[0-9]{1,4}(?:[.,][0-9]{1,3})?)\s?(?:k|nghin|ngan|ng)
          | (?P<full>[0-9]{1,3}(?:[.,][0-9]{3})+|[0-9]{4,10})\s?(?:d|vnd|dong|₫|vnđ)
          | (?:\$\s?|usd\s?)(?P<usd>[0-9]{1,6}(?:\.[0-9]{1,2})?)
          | (?P<usd2>[0-9]{1,6}(?:\.[0-9]{1,2})?)\s?(?:usd|\$)
        )
        (?:$|[^0-9a-z])",
    )
    .expect("price regex")
});

fn num(s: &str) -> Option<f64> {
    s.replace(',', ".").parse().ok()
}

/// Parses one price written in any of the supported forms. Returns `(amount, currency)`.
pub fn parse_price(s: &str) -> Option<(f64, &'static str)> {
    let f = Folded::new(s);
    prices(&f).first().and_then(|e| {
        e.amount.map(|a| {
            (
                a,
                if e.detail.as_deref() == Some("USD") {
                    "USD"
                } else {
                    "VND"
                },
            )
        })
    })
}

/// Prices in the folded text; `amount` is the value, `detail` the currency.
pub(crate) fn prices(f: &Folded) -> Vec<Entity> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(c) = PRICE.captures_at(&f.text, at) {
        let Some(all) = c.name("all") else { break };
        at = all.end();
        let (amount, cur) = if let Some(tr) = c.name("tr") {
            let whole: f64 = num(tr.as_str()).unwrap_or(0.0);
            let frac = c.name("trd").map_or(0.0, |d| {
                // "1tr5" = 1.5M, "1tr25" = 1.25M, "1tr250" = 1.25M.
                let digits = d.as_str();
                num(digits).unwrap_or(0.0) / 10f64.powi(digits.len() as i32)
            });
            ((whole + frac) * 1e6, "VND")
        } else if let Some(d) = c.name("dec") {
            (num(d.as_str()).unwrap_or(0.0) * 1e6, "VND")
        } else if let Some(k) = c.name("k") {
            (num(k.as_str()).unwrap_or(0.0) * 1e3, "VND")
        } else if let Some(full) = c.name("full") {
            let digits: String = full.as_str().chars().filter(char::is_ascii_digit).collect();
            (num(&digits).unwrap_or(0.0), "VND")
        } else if let Some(u) = c.name("usd").or_else(|| c.name("usd2")) {
            (num(u.as_str()).unwrap_or(0.0), "USD")
        } else {
            continue;
        };
        if amount <= 0.0 {
            continue;
        }
        let text = all.as_str().trim_end();
        let mut e = Entity::new(
            EntityKind::Price,
            f.orig_span(all.start(), all.start() + text.len()),
            format!("{amount}"),
        );
        e.amount = Some(amount);
        e.detail = Some(cur.to_string());
        out.push(e);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vietnamese_price_forms() {
        assert_eq!(parse_price("1tr5"), Some((1_500_000.0, "VND")));
        assert_eq!(parse_price("giá 2tr"), Some((2_000_000.0, "VND")));
        assert_eq!(parse_price("chỉ 1tr250"), Some((1_250_000.0, "VND")));
        assert_eq!(parse_price("150k"), Some((150_000.0, "VND")));
        assert_eq!(parse_price("150 nghìn"), Some((150_000.0, "VND")));
        assert_eq!(parse_price("1.500.000đ"), Some((1_500_000.0, "VND")));
        assert_eq!(parse_price("1,500,000 VND"), Some((1_500_000.0, "VND")));
        assert_eq!(parse_price("2 triệu"), Some((2_000_000.0, "VND")));
        assert_eq!(parse_price("1,2tr"), Some((1_200_000.0, "VND")));
        assert_eq!(parse_price("3 củ"), Some((3_000_000.0, "VND")));
        assert_eq!(parse_price("$19.99"), Some((19.99, "USD")));
        assert_eq!(parse_price("250000₫"), Some((250_000.0, "VND")));
        assert_eq!(parse_price("size 42"), None);
    }

    #[test]
    fn price_span_in_text() {
        let s = "iPhone 15 Pro Max chính hãng chỉ 1tr5 thôi";
        let e = crate::extract(s);
        let p = e.iter().find(|e| e.kind == EntityKind::Price).unwrap();
        let q: String = s.chars().skip(p.start).take(p.end - p.start).collect();
        assert_eq!(q, "1tr5");
    }
}
