//! Text helpers that count characters, not bytes (Vietnamese text is mostly multi-byte). Both
//! clean their input for the terminal first (see `terminal`), so what they measure is what shows.

use super::terminal::clean;

/// `s` cut to `width` characters (with an ellipsis) and padded to exactly `width`.
pub fn fit(s: &str, width: usize) -> String {
    let s = clean(s);
    let n = s.chars().count();
    if n > width {
        let cut: String = s.chars().take(width.saturating_sub(1)).collect();
        format!("{cut}…")
    } else {
        format!("{s}{}", " ".repeat(width - n))
    }
}

/// Up to `max` characters of `s`, with an ellipsis when cut.
pub fn clip(s: &str, max: usize) -> String {
    let s = clean(s);
    if s.chars().count() > max {
        let cut: String = s.chars().take(max.saturating_sub(1)).collect();
        format!("{cut}…")
    } else {
        s.into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fits_by_characters() {
        assert_eq!(fit("Giá Sốc", 9), "Giá Sốc  ");
        assert_eq!(fit("Apple Store Giá Sốc", 8), "Apple S…");
        assert_eq!(clip("hàng", 10), "hàng");
        assert_eq!(fit("\u{1b}[31mRED", 4), "RED ");
    }
}
