//! URLs in error texts. Webhook URLs often carry a token (in the path or the query), and error
//! texts end up stored in the outbox and shown by `soi alerts list`; so every URL that goes into
//! a text is cut down to `scheme://host[:port]/[redacted]`.

use url::Url;

/// `scheme://host[:port]/[redacted]`, or `[redacted URL]` when `raw` does not parse.
pub fn redacted(raw: &str) -> String {
    match Url::parse(raw) {
        Ok(u) => match (u.host_str(), u.port()) {
            (Some(h), Some(p)) => format!("{}://{h}:{p}/[redacted]", u.scheme()),
            (Some(h), None) => format!("{}://{h}/[redacted]", u.scheme()),
            _ => format!("{}:[redacted]", u.scheme()),
        },
        Err(_) => "[redacted URL]".to_string(),
    }
}

/// `text` with every occurrence of `raw` (and of its parsed spelling) replaced by
/// [`redacted`]`(raw)`.
pub fn scrub(text: &str, raw: &str) -> String {
    let r = redacted(raw);
    let mut out = text.replace(raw, &r);
    if let Ok(u) = Url::parse(raw) {
        out = out.replace(u.as_str(), &r);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_scheme_host_port_only() {
        assert_eq!(
            redacted("https://h.example:8443/a/TOKEN?k=TOKEN"),
            "https://h.example:8443/[redacted]"
        );
        assert_eq!(
            redacted("https://h.example/x"),
            "https://h.example/[redacted]"
        );
        let s = scrub(
            "failed for https://h.example/T?k=1 now",
            "https://h.example/T?k=1",
        );
        assert_eq!(s, "failed for https://h.example/[redacted] now");
    }
}
