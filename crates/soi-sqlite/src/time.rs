//! One text form for times the outbox compares in SQL: RFC 3339, UTC, milliseconds, `Z`, so that
//! string order is time order. And checked time arithmetic: chrono's `+`/`-` panic when a result
//! leaves its range (years beyond ±262,143), and times here come from messages and config.

use chrono::{DateTime, Duration, SecondsFormat, Utc};

use soi_store::StoreError;

pub fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

pub fn parse_ts(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// `at` moved by `secs` seconds (`later` forward, else back); `None` when out of range.
pub fn shift(at: DateTime<Utc>, secs: i64, later: bool) -> Option<DateTime<Utc>> {
    let d = Duration::try_seconds(secs)?;
    if later {
        at.checked_add_signed(d)
    } else {
        at.checked_sub_signed(d)
    }
}

/// [`shift`] of a time taken from the record `key`: out of range is a content error naming
/// `what` (the record's field and the config key that moved it).
pub fn shift_record(
    key: &str,
    what: &str,
    at: DateTime<Utc>,
    secs: i64,
    later: bool,
) -> Result<DateTime<Utc>, StoreError> {
    shift(at, secs, later).ok_or_else(|| StoreError::Content {
        key: key.to_string(),
        why: format!(
            "{what}: {at} {} {secs} s lies outside the times the store can represent",
            if later { "plus" } else { "minus" }
        ),
    })
}
