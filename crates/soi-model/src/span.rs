//! Character spans. Reasons point into listing text with `start`/`end` counted in Unicode scalar
//! values (characters), not bytes, so that tools in any language can slice the same text.

/// Number of characters in `s`.
pub fn char_len(s: &str) -> usize {
    s.chars().count()
}

/// Converts a byte range of `s` into a character range. Bytes past the end are clamped.
pub fn char_span_of_bytes(s: &str, start: usize, end: usize) -> (usize, usize) {
    let clamp = |b: usize| {
        let mut b = b.min(s.len());
        while !s.is_char_boundary(b) {
            b -= 1;
        }
        b
    };
    let (start, end) = (clamp(start), clamp(end));
    let cs = s[..start].chars().count();
    let ce = cs + s[start..end.max(start)].chars().count();
    (cs, ce)
}

/// The characters `start..end` of `s` (clamped to the text).
pub fn char_slice(s: &str, start: usize, end: usize) -> &str {
    let mut idx = s
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(s.len()));
    let b0 = idx.by_ref().nth(start).unwrap_or(s.len());
    let b1 = if end > start {
        idx.nth(end - start - 1).unwrap_or(s.len())
    } else {
        b0
    };
    &s[b0..b1]
}

/// The first `max` characters of `s` (all of it when shorter), cut on a character boundary.
pub fn truncate_chars(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((b, _)) => &s[..b],
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_count_characters_not_bytes() {
        let s = "hàng chính hãng giá rẻ";
        let b = s.find("chính").unwrap();
        let (cs, ce) = char_span_of_bytes(s, b, b + "chính".len());
        assert_eq!((cs, ce), (5, 10));
        assert_eq!(char_slice(s, cs, ce), "chính");
        assert_eq!(char_slice(s, 16, 100), "giá rẻ");
        assert_eq!(char_slice(s, 3, 3), "");
    }

    #[test]
    fn truncation_cuts_on_character_boundaries() {
        assert_eq!(truncate_chars("giá rẻ", 3), "giá");
        assert_eq!(truncate_chars("giá rẻ", 6), "giá rẻ");
        assert_eq!(truncate_chars("giá rẻ", 60), "giá rẻ");
        assert_eq!(truncate_chars("ẻ", 0), "");
    }
}
