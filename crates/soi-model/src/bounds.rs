//! Sanity bounds on dates and ids that come from outside.
//!
//! Why: chrono accepts dates from year -262143 to 262142, and the stages do arithmetic on them
//! (listing age, alert windows) that overflows far outside any real marketplace date. A date is
//! therefore refused unless it lies in [`EARLIEST`] ..= [`LATEST`]: the Unix epoch (what a
//! default-constructed record holds; no marketplace is older) up to the end of 2099. A fixed upper
//! bound (rather than "now plus a day") keeps replaying an old message deterministic. The check runs when a record is deserialised (so every reader of the bus
//! refuses such a message, naming the field) and again in `validate` for records built in code.
//!
//! Ids and marketplace names form the `marketplace/id` key that stores and buses upsert by and
//! that reports use in file names, so a `/` (which makes the key ambiguous) or a control character
//! is refused rather than escaped: the error names the field and nothing is silently rewritten.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer};

use crate::ModelError;

/// The earliest accepted date: 1970-01-01T00:00:00Z.
pub const EARLIEST: DateTime<Utc> = match DateTime::from_timestamp(0, 0) {
    Some(t) => t,
    None => DateTime::<Utc>::MIN_UTC,
};

/// The latest accepted date: 2099-12-31T23:59:59Z (anything before 2100-01-01).
pub const LATEST: DateTime<Utc> = match DateTime::from_timestamp(4_102_444_799, 0) {
    Some(t) => t,
    None => DateTime::<Utc>::MAX_UTC,
};

/// Longest accepted id or marketplace name, in characters.
pub const MAX_ID_CHARS: usize = 256;

/// Refuses a date outside [`EARLIEST`] ..= [`LATEST`], naming the field.
pub fn check_date(field: &'static str, t: &DateTime<Utc>) -> Result<(), ModelError> {
    if *t < EARLIEST || *t > LATEST {
        return Err(ModelError::Invalid {
            field,
            why: format!(
                "{} is outside the accepted range {} ..= {}",
                t.date_naive(),
                EARLIEST.date_naive(),
                LATEST.date_naive()
            ),
        });
    }
    Ok(())
}

/// Makes an id read from a page acceptable to [`check_id`] without losing it: `%`, `/` and
/// control characters become `%XX` (UTF-8 bytes, upper-case hex). Injective, so `a/b` and
/// `a%2Fb` stay two ids; ids without those characters come back unchanged.
pub fn escape_id(id: &str) -> String {
    let mut out = String::with_capacity(id.len());
    for c in id.chars() {
        if c == '%' || c == '/' || c.is_control() {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Refuses an empty id, one longer than [`MAX_ID_CHARS`], or one holding `/` or a control
/// character, naming the field.
pub fn check_id(field: &'static str, id: &str) -> Result<(), ModelError> {
    if id.trim().is_empty() {
        return Err(ModelError::Missing(field));
    }
    let why = if let Some(c) = id.chars().find(|c| *c == '/' || c.is_control()) {
        format!(
            "{:?} holds {c:?}, which is not allowed (it would make the `marketplace/id` key \
             ambiguous or unprintable)",
            crate::truncate_chars(id, 64)
        )
    } else if id.chars().nth(MAX_ID_CHARS).is_some() {
        format!("longer than {MAX_ID_CHARS} characters")
    } else {
        return Ok(());
    };
    Err(ModelError::Invalid { field, why })
}

fn optional_date<'de, D: Deserializer<'de>>(
    field: &'static str,
    d: D,
) -> Result<Option<DateTime<Utc>>, D::Error> {
    let t = Option::<DateTime<Utc>>::deserialize(d)?;
    if let Some(t) = &t {
        check_date(field, t).map_err(serde::de::Error::custom)?;
    }
    Ok(t)
}

/// Deserialises `Listing::observed_at`, refusing dates out of range.
pub(crate) fn observed_at<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<DateTime<Utc>>, D::Error> {
    optional_date("observed_at", d)
}

/// Deserialises `Seller::joined_at`, refusing dates out of range.
pub(crate) fn joined_at<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<DateTime<Utc>>, D::Error> {
    optional_date("joined_at", d)
}

/// Deserialises `Verdict::scored_at`, refusing dates out of range.
pub(crate) fn scored_at<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
    let t = DateTime::<Utc>::deserialize(d)?;
    check_date("scored_at", &t).map_err(serde::de::Error::custom)?;
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_range_is_1970_to_2099() {
        assert_eq!(EARLIEST.to_rfc3339(), "1970-01-01T00:00:00+00:00");
        assert_eq!(LATEST.to_rfc3339(), "2099-12-31T23:59:59+00:00");
        let far: DateTime<Utc> = "-262143-01-01T00:00:00Z".parse().expect("chrono parses it");
        let e = check_date("observed_at", &far).unwrap_err().to_string();
        assert!(
            e.contains("`observed_at`") && e.contains("1970-01-01"),
            "{e}"
        );
        assert!(check_date("x", &EARLIEST).is_ok() && check_date("x", &LATEST).is_ok());
    }

    #[test]
    fn escaped_ids_pass_and_stay_distinct() {
        assert_eq!(escape_id("12345"), "12345");
        assert_eq!(escape_id("/p/1"), "%2Fp%2F1");
        assert_ne!(escape_id("a/b"), escape_id("a%2Fb"));
        assert!(check_id("id", &escape_id("a/b\u{7}c")).is_ok());
    }

    #[test]
    fn ids_with_a_slash_or_control_character_are_refused() {
        assert!(check_id("id", "a-1.x_2").is_ok());
        for bad in ["a/b", "..\u{0}", "x\ny"] {
            let e = check_id("seller.id", bad).unwrap_err().to_string();
            assert!(e.contains("`seller.id`"), "{e}");
        }
        assert!(matches!(
            check_id("id", " "),
            Err(ModelError::Missing("id"))
        ));
        let long = "x".repeat(MAX_ID_CHARS + 1);
        assert!(check_id("id", &long)
            .unwrap_err()
            .to_string()
            .contains("longer"));
    }
}
