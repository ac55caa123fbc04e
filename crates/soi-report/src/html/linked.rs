//! The dossier's linked accounts and complaints: a bilingual summary sentence ("3 linked accounts
//! on lazada and tiki share this seller's Zalo number"), then the evidence tables. Nothing is
//! shown for what was not looked up; what was looked up and not found is said plainly.

use std::collections::BTreeSet;
use std::fmt::Write;

use soi_store::links::{kind_words, LinkSide};

use super::esc;
use crate::model::Dossier;

/// `a`, `a and b`, `a, b and c` (with `and` in the language asked).
fn join(items: &[&str], and: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} {and} {last}", init.join(", ")),
    }
}

/// The summary sentence of the linked accounts, Vietnamese and English (plain text).
pub fn linked_sentence(d: &Dossier) -> (String, String) {
    let n = d.linked.len();
    if n == 0 {
        return (
            "Không tìm thấy tài khoản liên kết nào.".into(),
            "No linked accounts found.".into(),
        );
    }
    let markets: BTreeSet<&str> = d
        .linked
        .iter()
        .map(|a| a.seller.marketplace.as_str())
        .collect();
    let markets: Vec<&str> = markets.into_iter().collect();
    let direct = d.linked.iter().all(|a| a.hops == 1);
    let me = (&d.seller.marketplace, &d.seller.id);
    // Direct only: the kinds shared with the seller itself; else every kind of the network.
    let kinds: BTreeSet<&str> = d
        .linked
        .iter()
        .flat_map(|a| &a.links)
        .filter(|l| !direct || (&l.other.seller.marketplace, &l.other.seller.seller_id) == me)
        .map(|l| l.kind.as_str())
        .collect();
    let (en_k, vi_k): (Vec<&str>, Vec<&str>) = kinds.into_iter().map(kind_words).unzip();
    let (vi_k, en_k) = (join(&vi_k, "và"), join(&en_k, "and"));
    let (vi_m, en_m) = (join(&markets, "và"), join(&markets, "and"));
    let (account, verb, be) = if n == 1 {
        ("account", "shares", "is")
    } else {
        ("accounts", "share", "are")
    };
    let (mut vi, mut en) = if direct {
        (
            format!("{n} tài khoản liên kết trên {vi_m} dùng chung {vi_k} với người bán này."),
            format!("{n} linked {account} on {en_m} {verb} this seller's {en_k}."),
        )
    } else {
        (
            format!(
                "{n} tài khoản liên kết trên {vi_m} nối với người bán này qua {vi_k}, trực tiếp \
                 hoặc qua nhau."
            ),
            format!(
                "{n} linked {account} on {en_m} {be} tied to this seller by {en_k}, directly or \
                 through one another."
            ),
        )
    };
    if d.linked_capped {
        let _ = write!(vi, " Ít nhất: việc tìm kiếm dừng ở {n} tài khoản.");
        let _ = write!(en, " At least: the search stopped at {n} accounts.");
    }
    (vi, en)
}

fn side_cell(s: &LinkSide, with_seller: bool) -> String {
    let who = if with_seller {
        format!("{}<br>", esc(&s.seller.to_string()))
    } else {
        String::new()
    };
    format!(
        "{who}{} · {} [{}..{}]<br><span class=\"q\">“{}”</span>",
        esc(&s.listing_id),
        esc(&s.field),
        s.start,
        s.end,
        esc(&s.quote)
    )
}

/// The linked accounts: nothing when not looked up, else the sentence and the evidence table.
pub fn linked_section(d: &Dossier) -> String {
    if !d.links_checked {
        return String::new();
    }
    let (vi, en) = linked_sentence(d);
    let mut s = format!(
        "<h3>Tài khoản liên kết <span class=\"en\">/ Linked accounts</span></h3>\n\
         <p class=\"linked\">{}<br><span class=\"en\">{}</span></p>\n",
        esc(&vi),
        esc(&en)
    );
    if d.linked.is_empty() {
        return s;
    }
    s.push_str(
        "<table><tr><th>Tài khoản / Account</th><th>Liên kết / Link</th>\
         <th>Bằng chứng của tài khoản / Account's evidence</th>\
         <th>Bên kia / Other side</th></tr>\n",
    );
    for a in &d.linked {
        let reach = match a.hops.saturating_sub(1) {
            0 => "trực tiếp / direct".to_string(),
            1 => "qua 1 tài khoản / through 1 account".to_string(),
            k => format!("qua {k} tài khoản / through {k} accounts"),
        };
        for l in &a.links {
            let (en_k, vi_k) = kind_words(&l.kind);
            let value = l
                .value
                .as_deref()
                .map(|v| format!(": {}", esc(v)))
                .unwrap_or_default();
            let _ = writeln!(
                s,
                "<tr><td>{}<br><span class=\"en\">{}</span></td><td>{} / {}{value}</td>\
                 <td>{}</td><td>{}</td></tr>",
                esc(&a.seller.to_string()),
                esc(&reach),
                esc(vi_k),
                esc(en_k),
                side_cell(&l.this, false),
                side_cell(&l.other, true)
            );
        }
    }
    s.push_str("</table>\n");
    s
}

/// `1500000.0` as `1.500.000` (Vietnamese grouping); `—` for a value that is not a number.
fn dong(v: f64) -> String {
    if v.is_finite() {
        thousands(v, '.')
    } else {
        "—".into()
    }
}

/// A finite number rounded to a whole one, its thousands grouped by `sep` (`-1.500.000` with
/// `.`, `1,500` with `,`); no minus sign for what rounds to zero.
pub fn thousands(v: f64, sep: char) -> String {
    let digits = format!("{:.0}", v.abs());
    let mut out = String::new();
    if v < 0.0 && digits != "0" {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

/// The complaints: nothing when not looked up, else a sentence and the table.
pub fn complaints_section(d: &Dossier) -> String {
    if !d.complaints_checked {
        return String::new();
    }
    let mut s = String::from(
        "<h3>Khiếu nại qua đường dây nóng <span class=\"en\">/ Hotline complaints</span></h3>\n",
    );
    let n = d.complaint_count();
    if n == 0 {
        s.push_str(
            "<p class=\"complaints\">Không có khiếu nại nào nêu tên người bán này.<br>\
             <span class=\"en\">No complaints name this seller.</span></p>\n",
        );
        return s;
    }
    let mut seen = BTreeSet::new();
    let lost: f64 = d
        .complaints
        .iter()
        .filter(|c| seen.insert(c.link.complaint_id.as_str()))
        .filter_map(|c| c.amount)
        .filter(|a| a.is_finite())
        .sum();
    let names = if n == 1 {
        "complaint names"
    } else {
        "complaints name"
    };
    let lost = dong(lost);
    let _ = writeln!(
        s,
        "<p class=\"complaints\">{n} khiếu nại nêu tên người bán này; thiệt hại khai báo {lost} ₫.\
         <br><span class=\"en\">{n} {names} this seller; declared losses {lost} ₫.</span></p>"
    );
    s.push_str(
        "<table><tr><th>Mã / Id</th><th>Ngày nhận / Received</th><th>Kênh / Channel</th>\
         <th>Khớp theo / Matched by</th><th>Trích dẫn / Quote</th>\
         <th class=\"num\">Số tiền / Amount (₫)</th></tr>\n",
    );
    for c in &d.complaints {
        let (en_k, vi_k) = kind_words(&c.link.kind);
        let _ = writeln!(
            s,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{} / {}: {}</td>\
             <td>{} [{}..{}]<br><span class=\"q\">“{}”</span></td><td class=\"num\">{}</td></tr>",
            esc(&c.link.complaint_id),
            c.received_at.format("%Y-%m-%d %H:%M UTC"),
            esc(&c.channel),
            esc(vi_k),
            esc(en_k),
            esc(&c.link.value),
            esc(&c.link.field),
            c.link.start,
            c.link.end,
            esc(&c.link.quote),
            c.amount.map(dong).unwrap_or_else(|| "—".into())
        );
    }
    s.push_str("</table>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dong_groups_thousands() {
        assert_eq!(dong(0.0), "0");
        assert_eq!(dong(999.0), "999");
        assert_eq!(dong(1_500_000.0), "1.500.000");
        assert_eq!(dong(-12_345.4), "-12.345");
        assert_eq!(dong(f64::NAN), "—");
        assert_eq!(thousands(1_500_000.4, ','), "1,500,000");
        assert_eq!(thousands(-0.3, '.'), "0");
    }

    #[test]
    fn join_reads_like_a_list() {
        assert_eq!(join(&["a"], "and"), "a");
        assert_eq!(join(&["a", "b"], "và"), "a và b");
        assert_eq!(join(&["a", "b", "c"], "and"), "a, b and c");
    }
}
