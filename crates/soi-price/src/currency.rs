//! Which currency a price text names.

/// Markers checked in order: the more specific first (`nt$` before `$`, `us$` before `$`).
const MARKERS: &[(&str, &str)] = &[
    ("nt$", "TWD"),
    ("ntd", "TWD"),
    ("twd", "TWD"),
    ("新台幣", "TWD"),
    ("台幣", "TWD"),
    ("us$", "USD"),
    ("usd", "USD"),
    ("cny", "CNY"),
    ("rmb", "CNY"),
    ("人民币", "CNY"),
    ("元", "CNY"),
    ("¥", "CNY"),
    ("￥", "CNY"),
    ("€", "EUR"),
    ("eur", "EUR"),
    ("vnd", "VND"),
    ("vnđ", "VND"),
    ("₫", "VND"),
    ("đồng", "VND"),
    ("đ", "VND"),
    ("£", "GBP"),
    ("gbp", "GBP"),
    ("$", "USD"),
];

/// The ISO 4217 code named in `text` (expected lower case), if any.
pub fn detect_currency(text: &str) -> Option<&'static str> {
    let lower = text.to_lowercase();
    // "nt" alone before a number ("NT 1,200") also means Taiwan dollars.
    MARKERS
        .iter()
        .find(|(m, _)| lower.contains(m))
        .map(|(_, code)| *code)
}

/// The canonical code for a currency code or symbol given by a caller or a page ("vnd", "₫").
pub fn canonical(code: &str) -> Option<&'static str> {
    let c = code.trim().to_lowercase();
    match c.as_str() {
        "vnd" | "vnđ" | "₫" | "đ" => Some("VND"),
        "twd" | "ntd" | "nt$" => Some("TWD"),
        "cny" | "rmb" | "¥" | "元" => Some("CNY"),
        "usd" | "$" | "us$" => Some("USD"),
        "eur" | "€" => Some("EUR"),
        "gbp" | "£" => Some("GBP"),
        "jpy" | "円" => Some("JPY"),
        _ => detect_currency(&c),
    }
}
