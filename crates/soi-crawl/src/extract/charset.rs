//! Page bytes to text in the page's own encoding: the `Content-Type` charset, else a
//! `<meta charset>` in the first bytes, else a byte-order mark, else UTF-8. Taiwanese and
//! mainland Chinese shops still serve Big5 and GBK pages; reading them as UTF-8 would garble
//! every title.

use encoding_rs::{Encoding, UTF_8};

/// Decodes `body`; malformed sequences become U+FFFD rather than failing.
pub fn decode(body: &[u8], content_type: &str) -> String {
    let enc = label_in(content_type)
        .and_then(|l| Encoding::for_label(l.as_bytes()))
        .or_else(|| Encoding::for_bom(body).map(|(e, _)| e))
        .or_else(|| meta_charset(body))
        .unwrap_or(UTF_8);
    let (text, _, _) = enc.decode(body);
    text.into_owned()
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
            return Encoding::for_label(label.as_bytes());
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
}
