//! A small RFC 4180 reader (quoted fields, doubled quotes, newlines inside quotes) for the
//! training sets; a UTF-8 byte-order mark at the start is skipped.

/// Parses `text` into records of fields with the given delimiter.
pub fn parse(text: &str, delim: char) -> Vec<Vec<String>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut in_quotes = false;
    let mut chars = text.chars().peekable();
    let mut any = false;
    while let Some(c) = chars.next() {
        any = true;
        if in_quotes {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    field.push('"');
                    chars.next();
                } else {
                    in_quotes = false;
                }
            } else {
                field.push(c);
            }
        } else if c == '"' && field.is_empty() {
            in_quotes = true;
        } else if c == delim {
            row.push(std::mem::take(&mut field));
        } else if c == '\n' || c == '\r' {
            if c == '\r' && chars.peek() == Some(&'\n') {
                chars.next();
            }
            row.push(std::mem::take(&mut field));
            rows.push(std::mem::take(&mut row));
            any = false;
        } else {
            field.push(c);
        }
    }
    if any {
        row.push(field);
        rows.push(row);
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_fields_and_newlines() {
        let rows = parse("\u{feff}a,b\n\"x, \"\"y\"\"\nz\",2\r\nlast,3", ',');
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[1], vec!["x, \"y\"\nz".to_string(), "2".to_string()]);
        assert_eq!(rows[2], vec!["last".to_string(), "3".to_string()]);
    }
}
