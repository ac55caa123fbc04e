//! Emoji. Scam posts lean on them ("🔥🔥 SALE 💯"), so the classifier sees them as tokens and the
//! signals can count them.

/// Is `c` an emoji or pictograph (including flags, dingbats and the variation selector)?
pub fn is_emoji(c: char) -> bool {
    matches!(c as u32,
        0x1F000..=0x1FAFF | 0x2600..=0x27BF | 0x2B00..=0x2BFF | 0xFE0F | 0x200D | 0x2190..=0x21FF | 0x3297 | 0x3299)
}

/// Number of emoji characters in `s` (joiners and variation selectors not counted).
pub fn count(s: &str) -> usize {
    s.chars()
        .filter(|&c| is_emoji(c) && c != '\u{fe0f}' && c != '\u{200d}')
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_emoji() {
        assert_eq!(count("🔥 SALE 💯 ❤️"), 3);
        assert_eq!(count("hàng chính hãng"), 0);
        assert!(is_emoji('🎁'));
    }
}
