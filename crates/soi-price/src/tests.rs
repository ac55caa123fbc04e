use super::*;

fn p(s: &str) -> (f64, Option<&'static str>, Option<f64>) {
    let r = parse_price(s).unwrap_or_else(|e| panic!("{s}: {e}"));
    (r.amount, r.currency, r.max)
}

#[test]
fn vietnamese_forms() {
    assert_eq!(p("1tr5"), (1_500_000.0, Some("VND"), None));
    assert_eq!(p("1tr25"), (1_250_000.0, Some("VND"), None));
    assert_eq!(p("2 triệu"), (2_000_000.0, Some("VND"), None));
    assert_eq!(p("1.5tr"), (1_500_000.0, Some("VND"), None));
    assert_eq!(p("150k").0, 150_000.0);
    assert_eq!(p("150k").1, None);
    assert_eq!(p("1k5").0, 1_500.0);
    assert_eq!(p("1.500.000đ"), (1_500_000.0, Some("VND"), None));
    assert_eq!(p("1.500.000 ₫"), (1_500_000.0, Some("VND"), None));
    assert_eq!(p("₫1.500.000"), (1_500_000.0, Some("VND"), None));
    assert_eq!(p("1,500,000 VND"), (1_500_000.0, Some("VND"), None));
    assert_eq!(p("Giá: 99.000 vnđ"), (99_000.0, Some("VND"), None));
    assert_eq!(p("500 nghìn"), (500_000.0, Some("VND"), None));
    assert_eq!(p("1 tỷ"), (1e9, Some("VND"), None));
    assert_eq!(p("3 củ"), (3_000_000.0, Some("VND"), None));
    assert_eq!(p("1,2tr"), (1_200_000.0, Some("VND"), None));
    assert_eq!(p("chỉ 1tr250"), (1_250_000.0, Some("VND"), None));
    assert_eq!(p("2 triệu 5"), (2_500_000.0, Some("VND"), None));
    assert_eq!(p("1tr 250 nhé"), (1_250_000.0, Some("VND"), None));
    assert_eq!(p("150 nghìn"), (150_000.0, Some("VND"), None));
    assert_eq!(p("250000₫"), (250_000.0, Some("VND"), None));
    assert_eq!(p("$19.99"), (19.99, Some("USD"), None));
}

/// Free text reaches this parser folded (no diacritics) from `soi-text`: the same amounts.
#[test]
fn folded_vietnamese_forms() {
    assert_eq!(p("3 cu"), (3_000_000.0, Some("VND"), None));
    assert_eq!(p("2 trieu"), (2_000_000.0, Some("VND"), None));
    assert_eq!(p("150 nghin"), (150_000.0, Some("VND"), None));
    assert_eq!(p("150ng"), (150_000.0, Some("VND"), None));
    assert_eq!(
        p("150 nguoi").1,
        None,
        "a word that only starts like `ng` multiplies nothing"
    );
    assert_eq!(p("150 nguoi").0, 150.0);
    assert_eq!(p("1.500.000d").0, 1_500_000.0);
}

#[test]
fn ranges() {
    assert_eq!(p("100k - 200k"), (100_000.0, None, Some(200_000.0)));
    assert_eq!(p("100-200k"), (100_000.0, None, Some(200_000.0)));
    assert_eq!(
        p("1.500.000đ – 2.000.000đ"),
        (1_500_000.0, Some("VND"), Some(2_000_000.0))
    );
    assert_eq!(p("NT$100~NT$250"), (100.0, Some("TWD"), Some(250.0)));
    assert_eq!(p("$5 to $3"), (3.0, Some("USD"), Some(5.0)));
    assert_eq!(p("Giảm 50% - còn 99k"), (99_000.0, None, None));
    assert_eq!(p("-30% 250.000đ"), (250_000.0, Some("VND"), None));
}

#[test]
fn other_currencies_and_locales() {
    assert_eq!(p("NT$1,200"), (1_200.0, Some("TWD"), None));
    assert_eq!(p("TWD 1 200"), (1_200.0, Some("TWD"), None));
    assert_eq!(p("¥89.50"), (89.5, Some("CNY"), None));
    assert_eq!(p("89.5元"), (89.5, Some("CNY"), None));
    assert_eq!(p("1.2万元"), (12_000.0, Some("CNY"), None));
    assert_eq!(p("$1,299.99"), (1_299.99, Some("USD"), None));
    assert_eq!(p("US$ 12"), (12.0, Some("USD"), None));
    assert_eq!(p("24,99\u{a0}€"), (24.99, Some("EUR"), None));
    assert_eq!(p("1.299,99 €"), (1_299.99, Some("EUR"), None));
    assert_eq!(p("$59.99"), (59.99, Some("USD"), None));
    assert_eq!(p("1.500"), (1_500.0, None, None));
    assert_eq!(p("0.5"), (0.5, None, None));
    assert_eq!(p(".5"), (0.5, None, None));
}

#[test]
fn default_currency_fills_in() {
    let r = parse_price_or("150k", Some("vnd")).unwrap();
    assert_eq!((r.amount, r.currency), (150_000.0, Some("VND")));
    let r = parse_price_or("$3", Some("VND")).unwrap();
    assert_eq!(r.currency, Some("USD"));
}

#[test]
fn errors_are_clear() {
    assert_eq!(parse_price("  "), Err(PriceError::Empty));
    assert!(matches!(
        parse_price("liên hệ"),
        Err(PriceError::NoNumber(_))
    ));
    let huge = "9".repeat(400);
    assert!(parse_price(&huge).is_err());
}

/// Never panics on arbitrary text; whatever parses is a finite, ordered, non-negative amount.
#[test]
fn property_never_panics_on_random_text() {
    const ALPHABET: &[char] = &[
        '0',
        '1',
        '2',
        '5',
        '9',
        '.',
        ',',
        ' ',
        '-',
        '~',
        'k',
        't',
        'r',
        'đ',
        '₫',
        '$',
        '¥',
        '€',
        '元',
        '万',
        'n',
        'v',
        'd',
        '\'',
        '\u{a0}',
        'ệ',
        'u',
        'm',
        '９',
        '–',
        'ỷ',
        '\u{1F600}',
        'é',
    ];
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for _ in 0..50_000 {
        let len = (next() % 24) as usize;
        let s: String = (0..len)
            .map(|_| {
                let r = next();
                if r % 11 == 0 {
                    char::from_u32((r >> 8) as u32 % 0x3_0000).unwrap_or('x')
                } else {
                    ALPHABET[(r >> 8) as usize % ALPHABET.len()]
                }
            })
            .collect();
        if let Ok(price) = parse_price(&s) {
            assert!(price.amount.is_finite() && price.amount >= 0.0, "{s:?}");
            if let Some(m) = price.max {
                assert!(m.is_finite() && m >= price.amount, "{s:?}");
            }
        }
    }
}
