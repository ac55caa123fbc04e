//! Minimal RFC 4180 CSV writing.

use std::io::Write;

/// Writes one record, quoting fields that need it.
pub fn record(out: &mut dyn Write, fields: &[String]) -> std::io::Result<()> {
    let line: Vec<String> = fields.iter().map(|f| field(f)).collect();
    write!(out, "{}\r\n", line.join(","))
}

fn field(f: &str) -> String {
    if f.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", f.replace('"', "\"\""))
    } else {
        f.to_string()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn quotes_when_needed() {
        let mut v = Vec::new();
        super::record(&mut v, &["a".into(), "b,c".into(), "say \"hi\"".into()]).unwrap();
        assert_eq!(
            String::from_utf8(v).unwrap(),
            "a,\"b,c\",\"say \"\"hi\"\"\"\r\n"
        );
    }
}
