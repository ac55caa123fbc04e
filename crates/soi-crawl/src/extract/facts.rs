//! Facts derived from raw marketplace values: `[values]` in a marketplace file.
//!
//! Why: marketplaces state the same fact in their own words. Shopee's `shop_location` is a
//! province, or `Nước ngoài` (abroad) for cross-border sellers, with no country; official shops
//! are flagged `"mall"` or `1`; a join date is a Unix time or "3 năm trước". A seller whose
//! `ship_from` says abroad is cross-border even without a country (default words below, a config
//! adds its own), and a config maps other raw values onto what the model reads.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Duration, Utc};
use serde_json::Value;

use crate::config::ValueRules;

/// Words that, in `ship_from`, mean the seller ships from abroad. Compared case-insensitively
/// as a part of the text.
pub const ABROAD_WORDS: &[&str] = &[
    "nước ngoài",
    "nuoc ngoai",
    "quốc tế",
    "overseas",
    "abroad",
    "international",
    "cross-border",
    "cross border",
    "海外",
    "国外",
    "國外",
    "境外",
    "跨境",
];

/// `[values]` compiled: words lower-cased, map keys trimmed and lower-cased.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    abroad: Vec<String>,
    map: BTreeMap<String, HashMap<String, Value>>,
}

impl Facts {
    pub fn new(rules: &ValueRules) -> Facts {
        let abroad = ABROAD_WORDS
            .iter()
            .map(|w| w.to_string())
            .chain(rules.abroad.iter().map(|w| w.trim().to_lowercase()))
            .filter(|w| !w.is_empty())
            .collect();
        let map = rules
            .map
            .iter()
            .map(|(field, m)| {
                let m = m
                    .iter()
                    .map(|(raw, v)| (raw.trim().to_lowercase(), v.clone()))
                    .collect();
                (field.clone(), m)
            })
            .collect();
        Facts { abroad, map }
    }

    /// The value read for `field` (a model field name such as `official` or `ship_from`): the
    /// mapped value when the raw text is in `[values.map.<field>]`, else the raw value.
    pub fn map(&self, field: &str, raw: Value) -> Value {
        let Some(m) = self.map.get(field) else {
            return raw;
        };
        let key = match &raw {
            Value::String(s) => s.trim().to_lowercase(),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            _ => return raw,
        };
        m.get(&key).cloned().unwrap_or(raw)
    }

    /// Whether a `ship_from` text says the seller ships from abroad.
    pub fn abroad(&self, ship_from: &str) -> bool {
        let t = ship_from.to_lowercase();
        self.abroad.iter().any(|w| t.contains(w.as_str()))
    }
}

/// A join date: what [`super::value::date`] reads (RFC 3339, `YYYY-MM-DD`, Unix time in seconds
/// or milliseconds), or a relative text ("5 ngày trước", "3 năm trước", "2 months ago",
/// "Tham gia 12 tháng trước") counted back from `now`.
pub fn joined_at(v: &Value, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    super::value::date(v).or_else(|| match v {
        Value::String(s) => relative(s, now),
        _ => None,
    })
}

/// "N <unit> trước" / "N <unit>(s) ago" before `now`.
fn relative(s: &str, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let t = s.to_lowercase();
    if !(t.contains("trước") || t.contains("ago") || t.contains("前")) {
        return None;
    }
    let start = t.find(|c: char| c.is_ascii_digit())?;
    let digits: String = t[start..]
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    let n: i64 = digits.parse().ok().filter(|n| *n <= 100_000)?;
    let unit = t[start + digits.len()..].trim_start();
    let days = [
        (&["ngày", "day", "天", "日"][..], 1),
        (&["tuần", "week", "周", "週"][..], 7),
        (&["tháng", "month", "个月", "個月", "月"][..], 30),
        (&["năm", "year", "年"][..], 365),
    ]
    .iter()
    .find(|(words, _)| words.iter().any(|w| unit.starts_with(w)))
    .map(|(_, d)| *d)?;
    now.checked_sub_signed(Duration::try_days(n * days)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn abroad_words_by_default_and_from_the_config() {
        let f = Facts::new(&ValueRules::default());
        assert!(f.abroad("Nước ngoài") && f.abroad("Ships from Overseas") && f.abroad("海外"));
        assert!(!f.abroad("TP. Hồ Chí Minh") && !f.abroad("Hà Nội"));
        let f = Facts::new(&ValueRules {
            abroad: vec!["Hàng ngoại nhập".into()],
            ..Default::default()
        });
        assert!(f.abroad("hàng ngoại nhập"));
    }

    #[test]
    fn raw_values_are_mapped_per_field() {
        let mut m = BTreeMap::new();
        m.insert(
            "official".to_string(),
            BTreeMap::from([("Mall".to_string(), json!(true)), ("1".into(), json!(true))]),
        );
        let f = Facts::new(&ValueRules {
            map: m,
            ..Default::default()
        });
        assert_eq!(f.map("official", json!(" mall ")), json!(true));
        assert_eq!(f.map("official", json!(1)), json!(true));
        assert_eq!(f.map("official", json!("other")), json!("other"));
        assert_eq!(f.map("name", json!("Mall")), json!("Mall"));
    }

    #[test]
    fn join_dates_absolute_and_relative() {
        let now = DateTime::parse_from_rfc3339("2026-01-31T00:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let day = |v: Value| joined_at(&v, now).map(|d| d.date_naive().to_string());
        assert_eq!(day(json!(1_735_689_600)), Some("2025-01-01".into()));
        assert_eq!(day(json!("30 ngày trước")), Some("2026-01-01".into()));
        // A year counts 365 days, a month 30: a join date is approximate anyway.
        assert_eq!(
            day(json!("Tham gia 2 năm trước")),
            Some("2024-02-01".into())
        );
        assert_eq!(day(json!("3 weeks ago")), Some("2026-01-10".into()));
        assert_eq!(day(json!("2 months ago")), Some("2025-12-02".into()));
        assert_eq!(day(json!("30 ngày")), None, "no 'ago': not a relative date");
        assert_eq!(day(json!("99999999999 năm trước")), None);
    }
}
