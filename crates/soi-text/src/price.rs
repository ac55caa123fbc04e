//! Where free text names a price: "1tr5" (1,500,000), "150k", "1.500.000đ", "2 triệu", "3 củ",
//! "1,2tr", "$19.99". The amount is read by `soi-price`, the one price parser of `soi`.

use std::sync::LazyLock;

use regex::Regex;

use crate::entity::{Entity, EntityKind};
use crate::fold::Folded;

static PRICE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
        (?:^|[^0-9a-z.,])
        (?P<all>
            (?:[0-9]{1,4})\s?(?:tr|trieu|cu)\s?(?:[0-9]{1,3})?(?:\s?(?:d|vnd|dong))?
          | (?:[0-9]{1,4}[.,][0-9]{1,2})\s?(?:tr|trieu|cu)
          | (?:[0-9]{1,4}(?:[.,][0-9]{1,3})?)\s?(?:k|nghin|ngan|ng)
          | (?:[0-9]{1,3}(?:[.,][0-9]{3})+|[0-9]{4,10})\s?(?:d|vnd|dong|₫|vnđ)
          | (?:\$\s?|usd\s?)(?:[0-9]{1,6}(?:\.[0-9]{1,2})?)
          | (?:[0-9]{1,6}(?:\.[0-9]{1,2})?)\s?(?:usd|\$)
        )
        (?:$|[^0-9a-z])",
    )
    .expect("price regex")
});

/// Prices in the folded text; `amount` is the value, `detail` the currency. The pattern above only
/// finds where a price is written; what it is worth is `soi-price`'s reading of that span, the
/// same reading the crawler gives a price field.
pub(crate) fn prices(f: &Folded) -> Vec<Entity> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(c) = PRICE.captures_at(&f.text, at) {
        let Some(all) = c.name("all") else { break };
        at = all.end();
        let text = all.as_str().trim_end();
        let Ok(p) = soi_price::parse_price_or(text, Some("VND")) else {
            continue;
        };
        if p.amount <= 0.0 {
            continue;
        }
        let mut e = Entity::new(
            EntityKind::Price,
            f.orig_span(all.start(), all.start() + text.len()),
            format!("{}", p.amount),
        );
        e.amount = Some(p.amount);
        e.detail = Some(p.currency.unwrap_or("VND").to_string());
        out.push(e);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first price found in `s`: `(amount, currency)`.
    fn first_price(s: &str) -> Option<(f64, String)> {
        prices(&Folded::new(s))
            .into_iter()
            .next()
            .and_then(|e| e.amount.zip(e.detail))
    }

    #[test]
    fn vietnamese_price_forms_in_text() {
        for (text, amount, cur) in [
            ("1tr5", 1_500_000.0, "VND"),
            ("giá 2tr", 2_000_000.0, "VND"),
            ("chỉ 1tr250", 1_250_000.0, "VND"),
            ("chỉ 1tr 5 thôi", 1_500_000.0, "VND"),
            ("150k", 150_000.0, "VND"),
            ("150 nghìn", 150_000.0, "VND"),
            ("150ng", 150_000.0, "VND"),
            ("1.500.000đ", 1_500_000.0, "VND"),
            ("1,500,000 VND", 1_500_000.0, "VND"),
            ("2 triệu", 2_000_000.0, "VND"),
            ("1,2tr", 1_200_000.0, "VND"),
            ("3 củ", 3_000_000.0, "VND"),
            ("$19.99", 19.99, "USD"),
            ("19.99 usd", 19.99, "USD"),
            ("250000₫", 250_000.0, "VND"),
            ("１５０ｋ", 150_000.0, "VND"),
        ] {
            assert_eq!(first_price(text), Some((amount, cur.to_string())), "{text}");
        }
        for text in ["size 42", "0k", "mã 12345", "150 người"] {
            assert_eq!(first_price(text), None, "{text}");
        }
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
