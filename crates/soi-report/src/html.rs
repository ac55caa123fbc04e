//! Bilingual (Vietnamese first, English second) HTML: one page per country with the summary,
//! charts and every seller's dossier, and one page per dossier. Self-contained (inline CSS and
//! SVG, no script, no network) and laid out for A4 printing: each dossier starts a new page.

mod linked;

use std::fmt::Write;

use crate::model::{CountryReport, Dossier};
use crate::svg;
use crate::ReportParams;

pub use linked::{complaints_section, linked_section, linked_sentence, thousands};

/// Escapes text for HTML element content and attribute values.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            _ => o.push(c),
        }
    }
    o
}

/// Vietnamese / English name of a reason code.
pub fn reason_name(code: &str) -> String {
    let (vi, en) = match code {
        "off_platform_contact" => ("Kéo người mua ra ngoài sàn", "Off-platform contact"),
        "deposit_before_delivery" => ("Đòi đặt cọc trước khi giao", "Deposit before delivery"),
        "bank_account_in_listing" => ("Số tài khoản trong tin", "Bank account in listing"),
        "genuine_claim_low_price" => ("“Chính hãng” giá rẻ bất thường", "Genuine claim, low price"),
        "price_far_below_median" => ("Giá thấp bất thường", "Price far below median"),
        "fake_giveaway" => ("Quà tặng / trúng thưởng giả", "Fake giveaway"),
        "health_cure_claim" => ("Quảng cáo chữa bệnh", "Health cure claim"),
        "cross_border_posing_local" => ("Hàng ngoại giả hàng nội", "Cross-border posing as local"),
        "blocklisted_domain" => ("Tên miền trong danh sách lừa đảo", "Blocklisted domain"),
        "lookalike_domain" => ("Tên miền giả mạo", "Look-alike domain"),
        _ => return code.to_string(),
    };
    format!("{vi} / {en}")
}

const CSS: &str = "body{font-family:'DejaVu Sans',Arial,sans-serif;color:#111;margin:24px;\
max-width:1000px}h1{font-size:22px;border-bottom:3px solid #c0392b;padding-bottom:6px}\
h2{font-size:18px;margin-top:28px}h3{font-size:15px}.en{color:#555;font-weight:normal}\
table{border-collapse:collapse;width:100%;margin:8px 0;font-size:12px}\
th,td{border:1px solid #bbb;padding:4px 6px;text-align:left;vertical-align:top}\
th{background:#f0f0f0}.num{text-align:right}.charts{display:flex;flex-wrap:wrap;gap:16px}\
.q{background:#fff3cd;padding:0 2px}.hash{font-family:monospace;font-size:10px;word-break:break-all}\
.meta{font-size:12px;color:#333}@page{size:A4;margin:14mm}\
@media print{body{margin:0;max-width:none}.dossier{break-before:page}\
svg,table,tr{break-inside:avoid}a{color:#111;text-decoration:none}}";

fn head(title: &str) -> String {
    head_with(title, "")
}

/// The pages' `<head>` (charset, viewport, title, the stylesheet) and the opening `<body>`, with
/// `extra` (markup of this crate, not outside text) put before the title.
pub(crate) fn head_with(title: &str, extra: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"vi\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         {extra}<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
        esc(title)
    )
}

fn period(p: &ReportParams) -> String {
    format!(
        "{} – {}",
        p.from.format("%Y-%m-%d"),
        p.to.format("%Y-%m-%d")
    )
}

/// The country page: summary, charts, seller table, then every dossier.
pub fn country_page(c: &CountryReport, p: &ReportParams) -> String {
    let title = format!(
        "Báo cáo người bán xuyên biên giới – {} / Cross-border seller report – {}",
        c.country, c.country
    );
    let mut s = head(&title);
    let _ = write!(
        s,
        "<h1>{}</h1>\n<p class=\"meta\">Kỳ báo cáo / Period: {} · Ngưỡng rủi ro / Risk threshold: \
         {:.2}{}{}</p>\n",
        esc(&title),
        period(p),
        p.min_risk,
        p.marketplace
            .as_deref()
            .map(|m| format!(" · Sàn / Marketplace: {}", esc(m)))
            .unwrap_or_default(),
        p.tlp_note()
    );
    let _ = write!(
        s,
        "<h2>Tóm tắt <span class=\"en\">/ Summary</span></h2>\n<table><tr>\
         <th>Người bán bị gắn cờ / Flagged sellers</th><td class=\"num\">{}</td></tr>\
         <tr><th>Tin đăng bị gắn cờ / Flagged listings</th><td class=\"num\">{}</td></tr></table>\n",
        c.sellers, c.listings
    );
    let by_m: Vec<(String, usize)> = c
        .by_marketplace
        .iter()
        .map(|(k, v)| (k.clone(), v.1))
        .collect();
    let by_r: Vec<(String, usize)> = {
        let mut v: Vec<(String, usize)> =
            c.by_reason.iter().map(|(k, v)| (k.clone(), *v)).collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        v
    };
    let by_t: Vec<(String, usize)> = c.over_time.iter().map(|(k, v)| (k.clone(), *v)).collect();
    let _ = write!(
        s,
        "<div class=\"charts\">\n<figure><figcaption>Theo sàn / By marketplace</figcaption>{}</figure>\n\
         <figure><figcaption>Theo loại lừa đảo / By kind of scam</figcaption>{}</figure>\n\
         <figure><figcaption>Theo thời gian / Over time</figcaption>{}</figure>\n</div>\n",
        svg::bars("By marketplace", &by_m),
        svg::bars("By kind of scam", &by_r),
        svg::columns("Over time", &by_t)
    );
    s.push_str(
        "<h3>Theo loại lừa đảo <span class=\"en\">/ By kind of scam</span></h3>\n\
         <table><tr><th>Mã / Code</th><th>Loại / Kind</th><th class=\"num\">Tin / Listings</th></tr>\n",
    );
    for (code, n) in &by_r {
        let _ = writeln!(
            s,
            "<tr><td>{}</td><td>{}</td><td class=\"num\">{n}</td></tr>",
            esc(code),
            esc(&reason_name(code))
        );
    }
    s.push_str("</table>\n");
    s.push_str(
        "<h2>Người bán <span class=\"en\">/ Sellers</span></h2>\n<table><tr><th>Sàn / Marketplace</th>\
         <th>Người bán / Seller</th><th class=\"num\">Tin / Listings</th>\
         <th class=\"num\">Rủi ro cao nhất / Max risk</th><th>Lần đầu / First seen</th>\
         <th>Lần cuối / Last seen</th></tr>\n",
    );
    for d in &c.dossiers {
        let _ = writeln!(
            s,
            "<tr><td>{}</td><td><a href=\"dossiers/{}.html\">{}</a></td><td class=\"num\">{}</td>\
             <td class=\"num\">{:.2}</td><td>{}</td><td>{}</td></tr>",
            esc(&d.seller.marketplace),
            esc(&d.file),
            esc(&seller_label(d)),
            d.listings.len(),
            d.max_risk,
            d.first_seen.format("%Y-%m-%d"),
            d.last_seen.format("%Y-%m-%d")
        );
    }
    s.push_str("</table>\n");
    for d in &c.dossiers {
        s.push_str(&dossier_section(d));
    }
    s.push_str("</body>\n</html>\n");
    s
}

/// `name (id)`, or the id when the seller has no name (plain text, not escaped).
pub(crate) fn seller_label(d: &Dossier) -> String {
    match &d.seller.name {
        Some(n) => format!("{n} ({})", d.seller.id),
        None => d.seller.id.clone(),
    }
}

/// One dossier as a section (page break before it when printed).
pub fn dossier_section(d: &Dossier) -> String {
    let s0 = &d.seller;
    let mut s = String::new();
    let _ = write!(
        s,
        "<section class=\"dossier\" id=\"{}\">\n<h2>Hồ sơ người bán <span class=\"en\">/ Seller \
         dossier</span>: {}</h2>\n<table>\n",
        esc(&d.file),
        esc(&seller_label(d))
    );
    let mut fact = |k: &str, v: String| {
        let _ = writeln!(s, "<tr><th>{k}</th><td>{}</td></tr>", esc(&v));
    };
    fact("Sàn / Marketplace", s0.marketplace.clone());
    fact("Mã người bán / Seller id", s0.id.clone());
    fact("Tên / Name", s0.name.clone().unwrap_or_default());
    fact(
        "Quốc gia đăng ký / Registered country",
        s0.country.clone().unwrap_or_default(),
    );
    fact(
        "Gửi hàng từ / Ships from",
        s0.ship_from.clone().unwrap_or_default(),
    );
    fact(
        "Tham gia / Joined",
        s0.joined_at
            .map(|t| t.format("%Y-%m-%d").to_string())
            .unwrap_or_default(),
    );
    fact(
        "Đánh giá / Rating",
        s0.rating
            .map(|r| format!("{r:.1} ({})", s0.rating_count.unwrap_or(0)))
            .unwrap_or_default(),
    );
    fact(
        "Lần đầu thấy / First seen",
        d.first_seen.format("%Y-%m-%d %H:%M UTC").to_string(),
    );
    fact(
        "Lần cuối thấy / Last seen",
        d.last_seen.format("%Y-%m-%d %H:%M UTC").to_string(),
    );
    fact("Rủi ro cao nhất / Max risk", format!("{:.2}", d.max_risk));
    s.push_str("</table>\n");
    s.push_str(&linked_section(d));
    s.push_str(&complaints_section(d));
    for l in &d.listings {
        let _ = writeln!(
            s,
            "<h3>{} <span class=\"en\">({} · {} · rủi ro / risk {:.2})</span></h3>",
            esc(&l.title),
            esc(&format!("{}/{}", l.marketplace, l.id)),
            l.seen_at.format("%Y-%m-%d"),
            l.risk
        );
        if let Some(u) = &l.url {
            let _ = writeln!(s, "<p class=\"meta\">URL: {}</p>", esc(u));
        }
        s.push_str(
            "<table><tr><th>Lý do / Reason</th><th>Trường / Field</th>\
             <th>Bằng chứng trích dẫn / Quoted evidence</th></tr>\n",
        );
        for r in &l.verdict.reasons {
            let _ = writeln!(
                s,
                "<tr><td>{}<br><span class=\"en\">{}</span></td><td>{} [{}..{}]</td>\
                 <td><span class=\"q\">“{}”</span></td></tr>",
                esc(&r.message_vi),
                esc(&r.message),
                esc(&r.field),
                r.start,
                r.end,
                esc(&r.evidence)
            );
        }
        s.push_str("</table>\n");
        let _ = writeln!(
            s,
            "<p class=\"meta\">SHA-256 trang bằng chứng / evidence page: <span class=\"hash\">{}</span></p>",
            esc(l.evidence_sha256.as_deref().unwrap_or("—"))
        );
    }
    s.push_str("</section>\n");
    s
}

/// A dossier on its own page.
pub fn dossier_page(d: &Dossier, p: &ReportParams) -> String {
    let title = format!("Hồ sơ / Dossier: {}", seller_label(d));
    let mut s = head(&title);
    let _ = writeln!(
        s,
        "<p class=\"meta\">Kỳ báo cáo / Period: {}{}</p>",
        period(p),
        p.tlp_note()
    );
    s.push_str(&dossier_section(d));
    s.push_str("</body>\n</html>\n");
    s
}

/// The report's front page: the period and one line per country, linking to its page.
pub fn index_page(countries: &[CountryReport], p: &ReportParams) -> String {
    let title = "Báo cáo người bán xuyên biên giới / Cross-border seller report";
    let mut s = head(title);
    let _ = write!(
        s,
        "<h1>{}</h1>\n<p class=\"meta\">Kỳ báo cáo / Period: {} · Ngưỡng rủi ro / Risk threshold: \
         {:.2}{}</p>\n<table><tr><th>Quốc gia / Country</th>\
         <th class=\"num\">Người bán / Sellers</th><th class=\"num\">Tin / Listings</th></tr>\n",
        esc(title),
        period(p),
        p.min_risk,
        p.tlp_note()
    );
    for c in countries {
        let dir = esc(&c.dir);
        let _ = writeln!(
            s,
            "<tr><td><a href=\"{dir}/report.html\">{}</a></td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td></tr>",
            esc(&c.country),
            c.sellers,
            c.listings
        );
    }
    s.push_str(
        "</table>\n<p class=\"meta\">manifest.json: SHA-256 của từng tệp / of every file</p>\n\
         </body>\n</html>\n",
    );
    s
}
