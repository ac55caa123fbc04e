//! Reading the hotline's export: CSV with a header row, or JSON Lines, one complaint per record.
//! Every record is checked on its own: a bad one is an error naming its line and what was wrong,
//! and the records around it are still read.

use std::io::{BufRead, Read};

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc};
use serde_json::Value;
use thiserror::Error;

use super::{Complaint, MAX_TEXT_CHARS};
use soi_model::MAX_ID_CHARS;

/// The file's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    JsonLines,
}

impl Format {
    /// By the file's extension: `.csv` is CSV, anything else JSON Lines.
    pub fn of_path(path: &std::path::Path) -> Format {
        match path.extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("csv") => Format::Csv,
            _ => Format::JsonLines,
        }
    }
}

/// Each record with its line number: the complaint, or why it was refused.
pub type Records = Vec<(u64, Result<Complaint, ComplaintError>)>;

/// Why one record of the file was refused.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum ComplaintError {
    #[error("line {line}: {why}")]
    Record { line: u64, why: String },
    /// The CSV header lacks a required column: no record can be read.
    #[error("the CSV header has no `{column}` column (it needs id, received_at, channel, text)")]
    Header { column: &'static str },
    #[error("reading the file: {0}")]
    Io(String),
}

const REQUIRED: [&str; 4] = ["id", "received_at", "channel", "text"];
const OPTIONAL: [&str; 4] = ["phone", "shop_name", "url", "amount"];

/// Vietnam's offset from UTC in seconds (UTC+7, no daylight saving): times written without a
/// zone are in it.
const VIETNAM_SECS: i32 = 7 * 3600;

/// A time as the hotline writes it: RFC 3339, `YYYY-MM-DD[ HH:MM[:SS]]` or
/// `DD/MM/YYYY[ HH:MM[:SS]]` in Vietnam's time; years 1990 to 2100.
pub fn parse_time(s: &str) -> Result<DateTime<Utc>, String> {
    let s = s.trim();
    let t = if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        t.with_timezone(&Utc)
    } else {
        let naive = [
            "%Y-%m-%d %H:%M:%S",
            "%Y-%m-%dT%H:%M:%S",
            "%Y-%m-%d %H:%M",
            "%d/%m/%Y %H:%M:%S",
            "%d/%m/%Y %H:%M",
        ]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
        .or_else(|| {
            ["%Y-%m-%d", "%d/%m/%Y"]
                .iter()
                .find_map(|f| NaiveDate::parse_from_str(s, f).ok())
                .and_then(|d| d.and_hms_opt(0, 0, 0))
        })
        .ok_or_else(|| {
            format!(
                "received_at `{}` is not a time (RFC 3339, YYYY-MM-DD HH:MM or DD/MM/YYYY)",
                clip(s)
            )
        })?;
        FixedOffset::east_opt(VIETNAM_SECS)
            .and_then(|tz| tz.from_local_datetime(&naive).single())
            .ok_or_else(|| format!("received_at `{}` is not a time in Vietnam", clip(s)))?
            .with_timezone(&Utc)
    };
    if !(1990..=2100).contains(&t.year()) {
        return Err(format!("received_at `{}` is outside 1990..2100", clip(s)));
    }
    Ok(t)
}

/// An amount in đồng: a number, or text such as `1.500.000đ`, `1,500,000 VND`, `250000`.
pub fn parse_amount(s: &str) -> Result<f64, String> {
    let t: String = s
        .trim()
        .trim_end_matches(['đ', '₫'])
        .trim_end_matches("VND")
        .trim_end_matches("vnd")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let grouped = t.len() > 4
        && t.chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
        && t.split(['.', ',']).skip(1).all(|g| g.len() == 3)
        && t.split(['.', ','])
            .next()
            .is_some_and(|g| (1..=3).contains(&g.len()));
    let n = if grouped {
        t.replace(['.', ','], "").parse::<f64>().ok()
    } else {
        t.replace(',', ".").parse::<f64>().ok()
    };
    match n {
        Some(v) if v.is_finite() && v >= 0.0 => Ok(v),
        _ => Err(format!("amount `{}` is not a sum of money", clip(s))),
    }
}

fn clip(s: &str) -> String {
    soi_model::truncate_chars(s, 60).to_string()
}

/// The complaint from its fields by name (`get`), or why not.
fn build(get: &dyn Fn(&str) -> Option<String>) -> Result<Complaint, String> {
    let need = |name: &str| {
        get(name)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let id = need("id").ok_or("no id")?;
    if id.chars().count() > MAX_ID_CHARS || id.chars().any(char::is_control) {
        return Err(format!(
            "id `{}` is too long or has control characters",
            clip(&id)
        ));
    }
    let received_at = parse_time(&need("received_at").ok_or("no received_at")?)?;
    let text = need("text").ok_or("no text")?;
    let text = soi_model::truncate_chars(&text, MAX_TEXT_CHARS).to_string();
    let amount = match need("amount") {
        Some(a) => Some(parse_amount(&a)?),
        None => None,
    };
    Ok(Complaint {
        id,
        received_at,
        channel: need("channel").unwrap_or_else(|| "unknown".into()),
        text,
        phone: need("phone"),
        shop_name: need("shop_name"),
        url: need("url"),
        amount,
    })
}

/// One JSON Lines record.
fn json_record(line: &str) -> Result<Complaint, String> {
    let v: Value = serde_json::from_str(line).map_err(|e| format!("not JSON: {e}"))?;
    let Value::Object(map) = v else {
        return Err("not a JSON object".into());
    };
    for (k, val) in &map {
        let known = REQUIRED.contains(&k.as_str()) || OPTIONAL.contains(&k.as_str());
        if known && !matches!(val, Value::String(_) | Value::Number(_) | Value::Null) {
            return Err(format!("`{k}` must be a string or a number"));
        }
    }
    build(&|name| match map.get(name) {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    })
}

/// Reads every record; each comes with its line number (the CSV record's first line).
pub fn read<R: Read>(reader: R, format: Format) -> Result<Records, ComplaintError> {
    match format {
        Format::JsonLines => read_json_lines(reader),
        Format::Csv => read_csv(reader),
    }
}

fn read_json_lines<R: Read>(reader: R) -> Result<Records, ComplaintError> {
    let mut out = Vec::new();
    let mut buf = Vec::new();
    let mut r = std::io::BufReader::new(reader);
    let mut line = 0u64;
    loop {
        buf.clear();
        let n = r
            .read_until(b'\n', &mut buf)
            .map_err(|e| ComplaintError::Io(e.to_string()))?;
        if n == 0 {
            break;
        }
        line += 1;
        let record = match std::str::from_utf8(&buf) {
            Ok(text) if text.trim().is_empty() => continue,
            Ok(text) => json_record(text.trim_start_matches('\u{feff}')),
            Err(e) => Err(format!("not UTF-8 (byte {})", e.valid_up_to())),
        };
        out.push((
            line,
            record.map_err(|why| ComplaintError::Record { line, why }),
        ));
    }
    Ok(out)
}

fn read_csv<R: Read>(reader: R) -> Result<Records, ComplaintError> {
    let mut r = csv::ReaderBuilder::new().flexible(true).from_reader(reader);
    let headers: Vec<String> = r
        .headers()
        .map_err(|e| ComplaintError::Io(e.to_string()))?
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_ascii_lowercase())
        .collect();
    for column in REQUIRED {
        if !headers.iter().any(|h| h == column) {
            return Err(ComplaintError::Header { column });
        }
    }
    let mut out = Vec::new();
    let mut record = csv::ByteRecord::new();
    loop {
        let line = r.position().line() + 1;
        match r.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let why = e.to_string();
                out.push((line, Err(ComplaintError::Record { line, why })));
                continue;
            }
        }
        let line = record.position().map_or(line, |p| p.line());
        let fields: Result<Vec<&str>, _> = record.iter().map(std::str::from_utf8).collect();
        let c = match fields {
            Err(e) => Err(format!("not UTF-8 (byte {})", e.valid_up_to())),
            Ok(f) if f.len() != headers.len() => Err(format!(
                "{} fields where the header has {}",
                f.len(),
                headers.len()
            )),
            Ok(f) => build(&|name| {
                headers
                    .iter()
                    .position(|h| h == name)
                    .and_then(|i| f.get(i))
                    .map(|s| s.to_string())
            }),
        };
        out.push((line, c.map_err(|why| ComplaintError::Record { line, why })));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_as_the_hotline_writes_them() {
        let t = |s| parse_time(s).map(|t| t.to_rfc3339());
        assert_eq!(
            t("2026-03-01T10:00:00+07:00"),
            Ok("2026-03-01T03:00:00+00:00".into())
        );
        assert_eq!(
            t("2026-03-01 10:00"),
            Ok("2026-03-01T03:00:00+00:00".into())
        );
        assert_eq!(
            t("01/03/2026 10:00:00"),
            Ok("2026-03-01T03:00:00+00:00".into())
        );
        assert_eq!(t("01/03/2026"), Ok("2026-02-28T17:00:00+00:00".into()));
        assert!(t("yesterday").is_err_and(|e| e.contains("yesterday")));
        assert!(t("3026-01-01").is_err_and(|e| e.contains("1990..2100")));
    }

    #[test]
    fn amounts_in_dong() {
        assert_eq!(parse_amount("1.500.000đ"), Ok(1_500_000.0));
        assert_eq!(parse_amount("1,500,000 VND"), Ok(1_500_000.0));
        assert_eq!(parse_amount("250000"), Ok(250_000.0));
        assert_eq!(parse_amount("12.5"), Ok(12.5));
        assert!(parse_amount("-3").is_err());
        assert!(parse_amount("nhiều tiền").is_err());
    }

    #[test]
    fn json_lines_bad_records_are_named_and_the_rest_read() {
        let text = "{\"id\":\"C1\",\"received_at\":\"2026-03-01\",\"channel\":\"phone\",\"text\":\"Lừa đảo\",\"amount\":500000}\n\
                    {\"id\":\"C2\",\"received_at\":\"hôm qua\",\"channel\":\"web\",\"text\":\"x\"}\n\
                    \n\
                    not json\n\
                    {\"id\":\"C3\",\"received_at\":\"2026-03-02\",\"channel\":\"web\",\"text\":\"y\",\"phone\":[1]}\n\
                    {\"id\":\"C4\",\"received_at\":\"2026-03-02\",\"channel\":\"web\",\"text\":\"  \"}\n";
        let rows = read(text.as_bytes(), Format::JsonLines).expect("read");
        assert_eq!(rows.len(), 5);
        assert_eq!(rows[0].1.as_ref().map(|c| c.amount), Ok(Some(500_000.0)));
        let err = |i: usize| {
            rows[i]
                .1
                .as_ref()
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default()
        };
        assert!(
            err(1).starts_with("line 2:") && err(1).contains("hôm qua"),
            "{}",
            err(1)
        );
        assert!(err(2).starts_with("line 4: not JSON"), "{}", err(2));
        assert!(err(3).contains("`phone` must be a string"), "{}", err(3));
        assert!(err(4).contains("no text"), "{}", err(4));
    }

    #[test]
    fn csv_with_quoted_commas_and_a_short_row() {
        let text = "id,received_at,channel,text,phone\n\
                    C1,2026-03-01 09:30,phone,\"Chuyển khoản rồi, không nhận hàng\",0901234567\n\
                    C2,2026-03-01\n\
                    C3,2026-03-02,web,\"Nhiều dòng\nvẫn một khiếu nại\",\n";
        let rows = read(text.as_bytes(), Format::Csv).expect("read");
        assert_eq!(rows.len(), 3);
        let c1 = rows[0].1.as_ref().expect("C1");
        assert_eq!(c1.text, "Chuyển khoản rồi, không nhận hàng");
        assert_eq!(c1.phone.as_deref(), Some("0901234567"));
        assert!(
            rows[1]
                .1
                .as_ref()
                .is_err_and(|e| e.to_string().starts_with("line 3:")),
            "{:?}",
            rows[1]
        );
        let c3 = rows[2].1.as_ref().expect("C3");
        assert_eq!(c3.phone, None, "an empty optional field is absent");
        assert!(c3.text.contains('\n'));
    }

    #[test]
    fn a_csv_without_a_required_column_is_refused_whole() {
        let err = read("id,channel,text\nC1,web,x\n".as_bytes(), Format::Csv).err();
        assert_eq!(
            err,
            Some(ComplaintError::Header {
                column: "received_at"
            })
        );
    }
}
