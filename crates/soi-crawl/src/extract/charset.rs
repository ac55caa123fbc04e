//! Page bytes to text in the page's own encoding: the `Content-Type` charset, else a
//! `<meta charset>` in the first bytes, else a byte-order mark, else UTF-8. Taiwanese and
//! mainland Chinese shops still serve Big5 and GBK pages; reading them as UTF-8 would garble
//! every title.
//!
//! A declared label that is unknown, or that the Encoding Standard maps to the `replacement`
//! decoder (`replacement`, `iso-2022-kr`, `hz-gb-2312`, `iso-2022-cn`: it turns the whole page
//! into one U+FFFD), is ignored with a warning and the next source is tried.

use encoding_rs::{Encoding, REPLACEMENT, UTF_8};

/// Decodes `body`; malformed sequences become U+FFFD rather than failing.
pub fn decode(body: &[u8], content_type: &str) -> String {
    let enc = label_in(content_type)
        .and_then(|l| usable(&l, "Content-Type"))
        .or_else(|| Encoding::for_bom(body).map(|(e, _)| e))
        .or_else(|| meta_charset(body))
        .unwrap_or(UTF_8);
    let (text, _, _) = enc.decode(body);
    text.into_owned()
}

/// The encoding a declared label names, unless it is unknown or the replacement decoder.
fn usable(label: &str, source: &str) -> Option<&'static Encoding> {
    match Encoding::for_label(label.as_bytes()) {
        Some(e) if e != REPLACEMENT => Some(e),
        found => {
            let why = if found.is_some() {
                "decodes to nothing (the replacement decoder)"
            } else {
                "is unknown"
            };
            tracing::warn!(%label, source, "charset label {why}; sniffing the page instead");
            None
        }
    }
}

fn label_in(s: &str) -> Option<String> {
    let lower = s.to_ascii_lowercase();
    let at = lower.find("charset=")? + "charset=".len();
    let v: String = lower[at..]
        .trim_start_matches(['"', '\''])
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    (!v.is_empty()).then_some(v)
}

fn meta_charset(body: &[u8]) -> Option<&'static Encoding> {
    let head = &body[..body.len().min(2048)];
    let text = String::from_utf8_lossy(head).to_ascii_lowercase();
    let mut rest = text.as_str();
    while let Some(i) = rest.find("<meta") {
        rest = &rest[i + 5..];
        let tag = rest.split('>').next().unwrap_or("");
        if let Some(label) = label_in(tag.replace("charset =", "charset=").as_str()) {
            return usable(&label, "<meta charset>");
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_the_declared_encoding() {
        let (big5, _, _) = encoding_rs::BIG5.encode("<p>藍牙耳機 NT$1,200</p>");
        assert_eq!(
            decode(&big5, "text/html; charset=Big5"),
            "<p>藍牙耳機 NT$1,200</p>"
        );
        let mut page = b"<html><head><meta charset=\"gbk\"></head>".to_vec();
        page.extend_from_slice(&encoding_rs::GBK.encode("<p>蓝牙耳机</p>").0);
        assert!(decode(&page, "text/html").contains("蓝牙耳机"));
        assert_eq!(decode("Áo thun".as_bytes(), ""), "Áo thun");
        assert_eq!(decode(&[0xff, 0xfe, 0x41, 0x00], ""), "A");
    }

    /// Labels the Encoding Standard maps to the replacement decoder, and unknown labels, fall
    /// back to the `<meta>`, the BOM or UTF-8 instead of turning the page into one U+FFFD.
    #[test]
    fn replacement_and_unknown_labels_fall_back() {
        let page = "<html><p>Áo thun 150k</p></html>";
        for label in [
            "replacement",
            "iso-2022-kr",
            "csiso2022kr",
            "hz-gb-2312",
            "iso-2022-cn",
            "x-no-such-charset",
        ] {
            let ct = format!("text/html; charset={label}");
            assert_eq!(decode(page.as_bytes(), &ct), page, "{label}");
            let meta = format!("<meta charset=\"{label}\">{page}");
            assert_eq!(decode(meta.as_bytes(), "text/html"), meta, "meta {label}");
        }
        let mut gbk = b"<meta charset=\"gbk\">".to_vec();
        gbk.extend_from_slice(&encoding_rs::GBK.encode("蓝牙耳机").0);
        assert!(decode(&gbk, "text/html; charset=iso-2022-kr").contains("蓝牙耳机"));
    }
}
