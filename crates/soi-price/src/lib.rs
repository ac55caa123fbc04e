//! Prices as people write them on marketplaces, parsed into an amount and an ISO 4217 currency.
//!
//! Why a crate of its own: the crawler reads prices from pages and APIs, and `soi-text` reads the
//! prices written in free text ("chỉ 1tr5", "giá gốc 150k") that the scorer compares with market
//! prices. Both must read `1tr5` (1,500,000 VND), `150k`, `1.500.000đ`, `1,500,000 VND`,
//! `NT$1,200`, `¥89.50`, `24,99 €` and ranges such as `100k - 200k` the same way, so the rules
//! live here once.
//!
//! Separators are locale-aware by shape rather than by a locale setting, because one Vietnamese
//! page mixes `1.500.000đ` with `$1,299.99`:
//! - when both `.` and `,` occur, the last one is the decimal separator;
//! - one kind occurring more than once is a thousands separator;
//! - a single separator followed by exactly three digits is a thousands separator, otherwise a
//!   decimal one (`24,99` is 24.99; `1.500` is 1500), except after a multiplier word where it is
//!   always decimal (`1.5tr`, `1,5k`).
//!
//! Vietnamese multipliers (`k`, `nghìn`, `ngàn`, `tr`, `triệu`, `củ`, `tỷ`, also folded without
//! diacritics) and the short forms `1tr5`, `2 triệu 5` and `1k5` are read;
//! `tr`/`triệu`/`tỷ`/`nghìn` imply VND when no other currency is written.
//! Chinese `万`/`千` multiply, `元`/`¥`/`RMB` mean CNY unless `NT` says TWD.
//!
//! Percentages are skipped (`-30% 250.000đ` is 250,000). The parser never panics on any input
//! (a property test feeds it random strings).

mod currency;
mod number;

use thiserror::Error;

pub use currency::detect_currency;

/// A parsed price. For a range, `amount` is the low end and `max` the high end.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Price {
    pub amount: f64,
    /// ISO 4217 code, when the text or the caller's default says which.
    pub currency: Option<&'static str>,
    /// High end of a range such as `100k - 200k`.
    pub max: Option<f64>,
}

/// Why a text is not a price.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PriceError {
    #[error("empty price text")]
    Empty,
    #[error("no number in price text `{0}`")]
    NoNumber(String),
    #[error("price text `{0}` is not a finite, non-negative amount")]
    OutOfRange(String),
}

/// Parses a price; the currency is `None` when the text does not say.
pub fn parse_price(text: &str) -> Result<Price, PriceError> {
    parse_price_or(text, None)
}

/// Parses a price, using `default_currency` when the text names none (a marketplace's home
/// currency, e.g. `"VND"` on a Vietnamese site).
pub fn parse_price_or(text: &str, default_currency: Option<&str>) -> Result<Price, PriceError> {
    let norm = normalise(text);
    if norm.trim().is_empty() {
        return Err(PriceError::Empty);
    }
    let (left, right) = split_range(&norm);
    // "Giảm 50% - còn 99k": a side holding only a percentage is no price.
    let (lo, hi) = match (
        number::parse_amount(left),
        right.and_then(number::parse_amount),
    ) {
        (Some(lo), hi) => (lo, hi),
        (None, Some(hi)) => (hi, None),
        (None, None) => return Err(PriceError::NoNumber(short(text))),
    };
    let mut amount = lo.value;
    let mut max = None;
    if let Some(hi) = hi {
        // "100-200k": the multiplier written once applies to both ends.
        if lo.multiplier.is_none() {
            if let Some(m) = hi.multiplier {
                if lo.value * m <= hi.value {
                    amount = lo.value * m;
                }
            }
        }
        max = Some(hi.value);
    }
    let implied_vnd = lo.implies_vnd || hi.is_some_and(|h| h.implies_vnd);
    let currency = detect_currency(&norm)
        .or(if implied_vnd { Some("VND") } else { None })
        .or_else(|| default_currency.and_then(currency::canonical));
    let ok = |v: f64| v.is_finite() && v >= 0.0;
    if !ok(amount) || !max.is_none_or(ok) {
        return Err(PriceError::OutOfRange(short(text)));
    }
    if let Some(m) = max {
        if m < amount {
            max = Some(amount);
            amount = m;
        }
    }
    Ok(Price {
        amount,
        currency,
        max,
    })
}

fn short(text: &str) -> String {
    text.chars().take(60).collect()
}

/// Lower case, no-break and thin spaces as plain spaces, full-width digits as ASCII.
fn normalise(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{a0}' | '\u{202f}' | '\u{2009}' | '\u{2007}' | '\u{3000}' => ' ',
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            '，' => ',',
            '．' => '.',
            _ => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// Splits `a - b`, `a ~ b`, `a đến b`, `a to b`, `a 至 b` when both sides hold a digit.
fn split_range(s: &str) -> (&str, Option<&str>) {
    const SEPS: [&str; 8] = [" - ", "-", "–", "—", "~", "～", " đến ", " to "];
    for sep in SEPS.iter().chain(std::iter::once(&"至")) {
        if let Some(i) = s.find(sep) {
            let (a, b) = (&s[..i], &s[i + sep.len()..]);
            let has_digit = |x: &str| x.chars().any(|c| c.is_ascii_digit());
            if has_digit(a) && has_digit(b) {
                return (a, Some(b));
            }
        }
    }
    (s, None)
}

#[cfg(test)]
mod tests;
