//! Reading loosely typed JSON values: schema.org and marketplace APIs write the same fact as a
//! string, a number, an object with `@value`/`name`/`value`, or a one-element array.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use serde_json::Value;

/// Text of a value, trimmed; `None` when empty.
pub fn text(v: &Value) -> Option<String> {
    let s = match v {
        Value::String(s) => s.trim().to_string(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Array(a) => return a.iter().find_map(text),
        Value::Object(o) => {
            return ["@value", "value", "name", "@id", "url"]
                .iter()
                .find_map(|k| o.get(*k).and_then(text))
        }
        Value::Null => return None,
    };
    (!s.is_empty()).then_some(s)
}

/// A field of an object, as text.
pub fn field(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(text)
}

/// A plain number (`4.5`, `"4,5"`, `"1,234"` as 1234).
pub fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64().filter(|f| f.is_finite()),
        Value::String(s) => {
            let s = s.trim();
            s.parse::<f64>()
                .ok()
                .or_else(|| soi_price::parse_price(s).ok().map(|p| p.amount))
                .filter(|f| f.is_finite())
        }
        Value::Array(a) => a.iter().find_map(number),
        Value::Object(o) => ["@value", "value"]
            .iter()
            .find_map(|k| o.get(*k).and_then(number)),
        _ => None,
    }
}

/// A count (followers, ratings): non-negative whole number.
pub fn count(v: &Value) -> Option<u64> {
    number(v).filter(|f| *f >= 0.0).map(|f| f.round() as u64)
}

/// A flag: `true`, `"true"`, `"yes"`, `1`, `"1"`, `"có"`.
pub fn flag(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::Number(n) => n.as_f64().map(|f| f != 0.0),
        Value::String(s) => match s.trim().to_lowercase().as_str() {
            "true" | "yes" | "1" | "y" | "có" | "co" => Some(true),
            "false" | "no" | "0" | "n" | "không" | "khong" => Some(false),
            _ => None,
        },
        Value::Array(a) => a.iter().find_map(flag),
        Value::Object(o) => o.get("value").and_then(flag),
        Value::Null => None,
    }
}

/// A date: RFC 3339, `YYYY-MM-DD`, `YYYY`, or a Unix time in seconds or milliseconds.
pub fn date(v: &Value) -> Option<DateTime<Utc>> {
    if let Value::Number(n) = v {
        let t = n.as_f64()?;
        let secs = if t > 1e12 { t / 1000.0 } else { t };
        return Utc.timestamp_opt(secs as i64, 0).single();
    }
    let s = text(v)?;
    if let Ok(d) = DateTime::parse_from_rfc3339(&s) {
        return Some(d.with_timezone(&Utc));
    }
    let day = NaiveDate::parse_from_str(&s, "%Y-%m-%d")
        .ok()
        .or_else(|| NaiveDate::parse_from_str(&format!("{s}-01-01"), "%Y-%m-%d").ok())
        .or_else(|| {
            s.parse::<i64>()
                .ok()
                .and_then(|t| date(&Value::from(t)).map(|d| d.date_naive()))
        })?;
    day.and_hms_opt(0, 0, 0).map(|d| d.and_utc())
}

/// The schema.org types of a node, without any `http://schema.org/` prefix.
pub fn types(v: &Value) -> Vec<String> {
    let strip = |s: &str| s.rsplit(['/', '#', ':']).next().unwrap_or(s).to_string();
    match v.get("@type") {
        Some(Value::String(s)) => vec![strip(s)],
        Some(Value::Array(a)) => a.iter().filter_map(|t| t.as_str().map(strip)).collect(),
        _ => vec![],
    }
}

/// True when the node has one of `wanted` among its types.
pub fn is_a(v: &Value, wanted: &[&str]) -> bool {
    types(v)
        .iter()
        .any(|t| wanted.iter().any(|w| t.eq_ignore_ascii_case(w)))
}

/// An object or the first object of an array.
pub fn first_object(v: &Value) -> Option<&Value> {
    match v {
        Value::Object(_) => Some(v),
        Value::Array(a) => a.iter().find(|x| x.is_object()),
        _ => None,
    }
}

/// Elements of an array, or the value itself.
pub fn items(v: &Value) -> Vec<&Value> {
    match v {
        Value::Array(a) => a.iter().collect(),
        Value::Null => vec![],
        _ => vec![v],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn loose_values() {
        assert_eq!(text(&json!({"@value": " x "})), Some("x".into()));
        assert_eq!(number(&json!("4.5")), Some(4.5));
        assert_eq!(count(&json!("12,300")), Some(12_300));
        assert_eq!(flag(&json!("yes")), Some(true));
        assert_eq!(
            date(&json!("2024-03-01")).map(|d| d.to_rfc3339()),
            Some("2024-03-01T00:00:00+00:00".into())
        );
        assert_eq!(
            date(&json!(1_700_000_000)).map(|d| d.timestamp()),
            Some(1_700_000_000)
        );
        assert_eq!(
            types(&json!({"@type": "http://schema.org/Product"})),
            vec!["Product"]
        );
    }
}
