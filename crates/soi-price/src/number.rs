//! One amount: digits with separators and an optional multiplier word.

/// A parsed amount (multiplier already applied).
#[derive(Debug, Clone, Copy)]
pub struct Amount {
    pub value: f64,
    /// The multiplier written after the number, if any (`k` is 1e3).
    pub multiplier: Option<f64>,
    /// A Vietnamese multiplier word (`tr`, `triệu`, `nghìn`...) was used.
    pub implies_vnd: bool,
}

/// Multiplier words, longest first so `triệu` wins over `tr`.
const MULTIPLIERS: &[(&str, f64, bool)] = &[
    ("triệu", 1e6, true),
    ("trieu", 1e6, true),
    ("nghìn", 1e3, true),
    ("nghin", 1e3, true),
    ("ngàn", 1e3, true),
    ("ngan", 1e3, true),
    ("tỷ", 1e9, true),
    ("tỉ", 1e9, true),
    ("ty", 1e9, true),
    ("tr", 1e6, true),
    ("củ", 1e6, true),
    // Folded forms (diacritics removed, as `soi-text` reads free text): "3 cu", "150ng".
    ("cu", 1e6, true),
    ("ng", 1e3, true),
    ("lít", 1e5, true),
    ("万", 1e4, false),
    ("千", 1e3, false),
    ("k", 1e3, false),
    ("m", 1e6, false),
];

/// Reads the first number in `s` that is not a percentage, and what follows it.
pub fn parse_amount(s: &str) -> Option<Amount> {
    let mut from = 0;
    loop {
        let at = from + s[from..].find(|c: char| c.is_ascii_digit())?;
        let (_, used) = scan_number(&s[at..]);
        let next = at + used;
        if s[next..].trim_start().starts_with('%') {
            from = next;
            continue;
        }
        return amount_at(s, at);
    }
}

fn amount_at(s: &str, start: usize) -> Option<Amount> {
    // A leading ".5" keeps its point.
    let start = match s[..start].strip_suffix(['.', ',']) {
        Some(p) if !p.ends_with(|c: char| c.is_ascii_digit()) => start - 1,
        _ => start,
    };
    let rest = &s[start..];
    let (digits, consumed) = scan_number(rest);
    let after = &rest[consumed..];
    let word = after.trim_start();
    let mult = MULTIPLIERS.iter().find(|(w, _, _)| {
        word.starts_with(w) && {
            // The word must end there ("k" but not "kg"; "tr5" is fine: digits follow).
            let tail = &word[w.len()..];
            !tail.starts_with(|c: char| c.is_alphabetic()) || w.chars().all(|c| !c.is_ascii())
        }
    });
    match mult {
        Some((w, m, vnd)) => {
            let base = to_f64(&digits, true)?;
            // "1tr5" is 1.5 million, "1k25" is 1,250: digits straight after the word are the
            // leading digits of the fraction; after a Vietnamese million or billion word they may
            // follow a space ("2 triệu 5", "1tr 250").
            let mut tail = &word[w.len()..];
            if *vnd && *m >= 1e6 {
                if let Some(t) = tail.strip_prefix(' ') {
                    let n = t.bytes().take_while(u8::is_ascii_digit).count();
                    if (1..=3).contains(&n) {
                        tail = t;
                    }
                }
            }
            let frac_len = tail.bytes().take_while(u8::is_ascii_digit).count();
            let mut value = base * m;
            if frac_len > 0 && !digits.contains('.') {
                let frac: f64 = tail[..frac_len].parse().ok()?;
                value += frac * m / 10f64.powi(frac_len.min(300) as i32);
            }
            Some(Amount {
                value,
                multiplier: Some(*m),
                implies_vnd: *vnd,
            })
        }
        None => Some(Amount {
            value: to_f64(&digits, false)?,
            multiplier: None,
            implies_vnd: false,
        }),
    }
}

/// Takes digits and separators (`.`, `,`, `'`, and a space between digit groups of three).
/// Returns the raw text (spaces and apostrophes dropped) and the bytes consumed.
fn scan_number(s: &str) -> (String, usize) {
    let b = s.as_bytes();
    let mut out = String::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let separator = (c == b'.' || c == b',') && b.get(i + 1).is_some_and(u8::is_ascii_digit);
        if c.is_ascii_digit() || separator {
            out.push(c as char);
            i += 1;
        } else if (c == b' ' || c == b'\'') && !out.is_empty() && group_of_three(&b[i + 1..]) {
            i += 1;
        } else if s[i..].starts_with('’') && group_of_three(&b[i + '’'.len_utf8()..]) {
            i += '’'.len_utf8();
        } else {
            break;
        }
    }
    (out, i)
}

fn group_of_three(b: &[u8]) -> bool {
    b.len() >= 3
        && b[..3].iter().all(u8::is_ascii_digit)
        && !b.get(3).is_some_and(u8::is_ascii_digit)
}

/// Turns `1.500.000`, `1,299.99`, `24,99`, `1.5` into a number; `decimal_hint` says a multiplier
/// follows, so a single separator is a decimal point.
fn to_f64(raw: &str, decimal_hint: bool) -> Option<f64> {
    let dots = raw.matches('.').count();
    let commas = raw.matches(',').count();
    let decimal = match (dots, commas) {
        (0, 0) => None,
        (d, c) if d > 0 && c > 0 => raw.rfind(['.', ',']).map(|i| raw.as_bytes()[i]),
        (1, 0) | (0, 1) => {
            let i = raw.find(['.', ','])?;
            let after = raw.len() - i - 1;
            if decimal_hint || after != 3 {
                Some(raw.as_bytes()[i])
            } else {
                None
            }
        }
        _ => None,
    };
    let mut cleaned = String::with_capacity(raw.len());
    let mut seen_decimal = false;
    for (i, c) in raw.char_indices() {
        match c {
            '0'..='9' => cleaned.push(c),
            '.' | ',' => {
                let is_last_sep = raw[i + 1..].find(['.', ',']).is_none();
                if Some(c as u8) == decimal && is_last_sep && !seen_decimal {
                    cleaned.push('.');
                    seen_decimal = true;
                }
            }
            _ => {}
        }
    }
    if cleaned.is_empty() || cleaned == "." {
        return None;
    }
    let v: f64 = cleaned.parse().ok()?;
    v.is_finite().then_some(v)
}
