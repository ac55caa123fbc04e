//! Shop names as identifiers. "Shop Giày Hà Nội Chính Hãng" on Shopee and "giày hà nội" on
//! Lazada are the same shop under two accounts; "Shop Chính Hãng" and "Official Store" are
//! everybody. A name links only once it is folded, its generic words are gone and what is left is
//! still distinctive: at least [`MIN_TOKENS`] words and [`MIN_CHARS`] characters.

/// Words that say "this is a shop" and nothing about which one (folded). Vietnamese syllables are
/// removed only as whole phrases ([`GENERIC_PHRASES`]): alone, "gia" or "nam" mean other things
/// ("đồ gia dụng", "giày nam"), and dropping them would merge different shops.
pub const GENERIC_WORDS: &[&str] = &[
    "shop",
    "shops",
    "store",
    "official",
    "offical",
    "mall",
    "flagship",
    "authentic",
    "genuine",
    "chinhhang",
    "online",
    "shopvn",
    "vn",
    "cty",
    "tnhh",
    "company",
    "ltd",
    "sieuthi",
    "uytin",
    "giare",
    "the",
    "and",
    "of",
    "by",
];

/// Generic phrases removed before single words (folded, space separated).
pub const GENERIC_PHRASES: &[&str] = &[
    "chinh hang",
    "cua hang",
    "sieu thi",
    "uy tin",
    "gia re",
    "gia si",
    "ban si",
    "ban le",
    "tong kho",
    "dai ly",
    "nha phan phoi",
    "cong ty",
    "viet nam",
    "official store",
    "flagship store",
];

/// Fewest distinctive words a name must keep to be a key.
pub const MIN_TOKENS: usize = 2;
/// Fewest characters (spaces included) the distinctive rest must have.
pub const MIN_CHARS: usize = 8;

/// The distinctive part of a shop name, folded, or `None` when too little is left.
pub fn normalise(name: &str) -> Option<String> {
    let folded = soi_text::fold(name);
    let tokens: Vec<&str> = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .collect();
    let mut joined = format!(" {} ", tokens.join(" "));
    for p in GENERIC_PHRASES {
        let pat = format!(" {p} ");
        while joined.contains(&pat) {
            joined = joined.replace(&pat, " ");
        }
    }
    let kept: Vec<&str> = joined
        .split(' ')
        .filter(|t| !t.is_empty() && !GENERIC_WORDS.contains(t))
        .collect();
    let out = kept.join(" ");
    (kept.len() >= MIN_TOKENS && out.chars().count() >= MIN_CHARS).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_shop_written_two_ways() {
        assert_eq!(
            normalise("Shop Giày Hà Nội Chính Hãng").as_deref(),
            Some("giay ha noi")
        );
        assert_eq!(normalise("giày hà nội").as_deref(), Some("giay ha noi"));
        assert_eq!(
            normalise("GIÀY HÀ NỘI - Official Store").as_deref(),
            Some("giay ha noi")
        );
    }

    #[test]
    fn generic_names_are_not_keys() {
        for n in [
            "Shop Chính Hãng",
            "Official Store",
            "Cửa hàng uy tín",
            "Shop 88 VN",
            "Mỹ phẩm",
            "abc xyz",
            "",
        ] {
            assert_eq!(normalise(n), None, "{n}");
        }
    }
}
