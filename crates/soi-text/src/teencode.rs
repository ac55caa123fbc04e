//! Teencode: the shorthand Vietnamese buyers and sellers type ("ko" for "không", "ck" for
//! "chuyển khoản", "ib" for "inbox"). Expanding it lets a classifier and the phrase rules see one
//! word where people write five.

/// Folded teencode token and its folded expansion.
const TEENCODE: &[(&str, &str)] = &[
    ("ko", "khong"),
    ("k", "khong"),
    ("kh", "khong"),
    ("khg", "khong"),
    ("hok", "khong"),
    ("hong", "khong"),
    ("hem", "khong"),
    ("dc", "duoc"),
    ("dk", "duoc"),
    ("sp", "san pham"),
    ("ib", "inbox"),
    ("inb", "inbox"),
    ("ck", "chuyen khoan"),
    ("stk", "so tai khoan"),
    ("tk", "tai khoan"),
    ("lh", "lien he"),
    ("sdt", "so dien thoai"),
    ("dt", "dien thoai"),
    ("kb", "ket ban"),
    ("nt", "nhan tin"),
    ("tn", "tin nhan"),
    ("j", "gi"),
    ("mk", "minh"),
    ("mn", "moi nguoi"),
    ("vs", "voi"),
    ("cx", "cung"),
    ("r", "roi"),
    ("ng", "nguoi"),
    ("bh", "bao gio"),
    ("trc", "truoc"),
    ("ship", "giao hang"),
    ("cod", "thanh toan khi nhan hang"),
    ("auth", "authentic"),
    ("rep", "replica"),
    ("zl", "zalo"),
    ("tele", "telegram"),
    ("ok", "ok"),
];

/// Every (teencode token, expansion) pair, folded.
pub fn table() -> &'static [(&'static str, &'static str)] {
    TEENCODE
}

/// The folded expansion of a folded teencode token, if it is one.
pub fn expand(token: &str) -> Option<&'static str> {
    TEENCODE.iter().find(|(t, _)| *t == token).map(|(_, e)| *e)
}

/// Rewrites every teencode token of a folded text (words split on non-alphanumerics).
pub fn expand_text(folded: &str) -> String {
    let mut out = String::with_capacity(folded.len() + 16);
    for (i, w) in folded.split_whitespace().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let core = w.trim_matches(|c: char| !c.is_alphanumeric());
        match expand(core) {
            Some(e) if !core.is_empty() => out.push_str(&w.replace(core, e)),
            _ => out.push_str(w),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expands_common_shorthand() {
        assert_eq!(expand("ck"), Some("chuyen khoan"));
        assert_eq!(expand("xin"), None);
        assert_eq!(
            expand_text("sp ko dc nhu hinh, ib shop"),
            "san pham khong duoc nhu hinh, inbox shop"
        );
    }
}
