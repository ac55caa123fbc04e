//! Folding: one comparable form of a text, with a map back to the original characters.
//!
//! People write "hang chinh hang" for "hàng chính hãng", "ＺＡＬＯ" in full-width letters, or hide
//! zero-width spaces inside a word. Matching runs on the folded form (lower case, diacritics and
//! zero-width characters removed, full-width forms turned into ASCII), and every match is mapped
//! back to character offsets in the text the listing really carries.

use unicode_normalization::char::{decompose_canonical, is_combining_mark};
use unicode_normalization::UnicodeNormalization;

/// A folded copy of a text and, for every folded character, the index of the original character
/// it came from.
#[derive(Debug, Clone)]
pub struct Folded {
    /// Lower case, no diacritics, `đ` as `d`, full-width forms as ASCII, no zero-width characters.
    pub text: String,
    /// `map[i]` = character index in the original text of folded character `i`.
    map: Vec<usize>,
    /// Number of characters in the original text.
    orig_chars: usize,
}

impl Folded {
    /// Folds `s`.
    pub fn new(s: &str) -> Folded {
        let mut text = String::with_capacity(s.len());
        let mut map = Vec::with_capacity(s.len());
        let mut n = 0;
        for (i, c) in s.chars().enumerate() {
            n = i + 1;
            fold_char_into(c, &mut |f| {
                text.push(f);
                map.push(i);
            });
        }
        Folded {
            text,
            map,
            orig_chars: n,
        }
    }

    /// Converts a byte range of the folded text into a character range of the original text.
    pub fn orig_span(&self, byte_start: usize, byte_end: usize) -> (usize, usize) {
        let cs = self.text[..byte_start.min(self.text.len())].chars().count();
        let ce = self.text[..byte_end.min(self.text.len())].chars().count();
        let start = self.map.get(cs).copied().unwrap_or(self.orig_chars);
        let end = if ce == 0 {
            start
        } else {
            self.map
                .get(ce - 1)
                .map(|&i| i + 1)
                .unwrap_or(self.orig_chars)
        };
        (start, end.max(start))
    }
}

/// Is `c` an invisible character used to split words ("za\u{200b}lo")?
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}' | '\u{00ad}'
    )
}

/// Folds one character, calling `out` for every resulting character (zero or more).
pub fn fold_char_into(c: char, out: &mut impl FnMut(char)) {
    if is_invisible(c) || is_combining_mark(c) {
        return;
    }
    // Full-width ASCII forms (U+FF01..U+FF5E) and the ideographic space.
    let c = match c {
        '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xff01 + 0x21).unwrap_or(c),
        '\u{3000}' | '\u{00a0}' => ' ',
        _ => c,
    };
    if c.is_ascii() {
        out(c.to_ascii_lowercase());
        return;
    }
    for l in c.to_lowercase() {
        match l {
            'đ' | 'ð' => out('d'),
            _ => {
                let mut base = None;
                decompose_canonical(l, |d| {
                    if base.is_none() && !is_combining_mark(d) {
                        base = Some(d);
                    }
                });
                out(base.unwrap_or(l));
            }
        }
    }
}

/// The folded form of `s` without the offset map.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        fold_char_into(c, &mut |f| out.push(f));
    }
    out
}

/// Unicode NFC of `s` (composed characters, so "a" + combining acute becomes "á").
pub fn nfc(s: &str) -> String {
    s.nfc().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_vietnamese_and_tricks() {
        assert_eq!(fold("Hàng CHÍNH HÃNG Đẹp"), "hang chinh hang dep");
        assert_eq!(fold("ＺＡＬＯ"), "zalo");
        assert_eq!(fold("za\u{200b}lo"), "zalo");
        // Decomposed input (NFD) folds the same way as composed input.
        assert_eq!(fold("ha\u{300}ng"), "hang");
        assert_eq!(nfc("ha\u{300}ng"), "hàng");
    }

    #[test]
    fn maps_back_to_original_characters() {
        let s = "Liên hệ Za\u{200b}lo ngay";
        let f = Folded::new(s);
        let b = f.text.find("zalo").unwrap();
        let (cs, ce) = f.orig_span(b, b + 4);
        let orig: String = s.chars().skip(cs).take(ce - cs).collect();
        assert_eq!(orig, "Za\u{200b}lo");
    }
}
