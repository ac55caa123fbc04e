//! The dossier of one console case (`soi serve`, `/cases/{id}/dossier.html`) as one
//! self-contained bilingual HTML page: the case (id, title, status, assignee, sellers, TLP
//! marking, which version of it the page was made from), then the cross-border report's dossier
//! section for every seller of the case with flagged listings: every reason with its quoted
//! evidence, the evidence page's sha256, and the linked accounts and hotline complaints that
//! [`DossierExtras`] finds.
//!
//! Why here and not in the console: the page leaves the office (to the police, to an agency
//! abroad) beside the cross-border reports the same officers already receive, so it is made by
//! the same code: the same `<head>` and stylesheet, the same wording, the same dossier sections,
//! laid out for A4 printing with each seller on a new page. And it is as reproducible: nothing
//! comes from the wall clock (the page is dated by the case's last change, `updated_at`) or from
//! hash-map order, so the same case over the same store gives byte-identical pages and the
//! sha256 the console puts on the custody log can be checked again later.
//!
//! Everything that came from outside (titles, names, quoted evidence, notes of who did what) is
//! escaped. The page also carries its Content-Security-Policy ([`CASE_CSP`]) in a `<meta>`
//! element, so the file, once saved and opened from a disk where no server sends headers, still
//! loads and runs nothing.

use std::fmt::Write;

use chrono::{DateTime, Utc};
use soi_store::console::{Case, CaseStatus};
use soi_store::{ReportRow, Tlp};

use crate::html::{dossier_section, esc, head_with, seller_label};
use crate::model::{self, Dossier};
use crate::{DossierExtras, ReportError};

/// The policy the page needs: its inline stylesheet, nothing else (no script, no image, no
/// network). A server sending the page should send it as the `Content-Security-Policy` header.
pub const CASE_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'";

/// What the page is made for, besides the rows.
#[derive(Debug, Clone, Copy)]
pub struct CaseParams<'a> {
    /// The case as stored (its latest version).
    pub case: &'a Case,
    /// Listings at or above this risk are the flagged ones; the others are left out.
    pub min_risk: f64,
    /// Sharing marking printed on the page.
    pub tlp: Tlp,
}

/// The page for the case: its sellers' dossiers built from `rows` (any order, see
/// [`case_dossiers`]), filled by `extras`, then rendered by [`case_page`].
pub async fn case_dossier(
    p: &CaseParams<'_>,
    rows: Vec<ReportRow>,
    extras: &DossierExtras<'_>,
) -> Result<String, ReportError> {
    let dossiers = case_dossiers(p, rows, extras).await?;
    Ok(case_page(p, &dossiers))
}

/// One dossier per seller of the case with at least one flagged listing, in the case's order of
/// sellers. Rows below `min_risk`, and rows of sellers that are not in the case, are dropped.
/// Each dossier's name (the anchor of its section) is unique on the page.
pub async fn case_dossiers(
    p: &CaseParams<'_>,
    rows: Vec<ReportRow>,
    extras: &DossierExtras<'_>,
) -> Result<Vec<Dossier>, ReportError> {
    let rows: Vec<ReportRow> = rows
        .into_iter()
        .filter(|r| r.verdict.risk >= p.min_risk)
        .filter(|r| position(p.case, &r.seller.marketplace, &r.seller.id).is_some())
        .collect();
    let mut countries = model::build(rows, false);
    extras.fill(&mut countries).await?;
    let mut dossiers: Vec<Dossier> = countries.into_iter().flat_map(|c| c.dossiers).collect();
    dossiers.sort_by_key(|d| position(p.case, &d.seller.marketplace, &d.seller.id));
    model::name_dossiers(&mut dossiers);
    Ok(dossiers)
}

/// Where the seller `(marketplace, id)` stands in the case's list of sellers.
fn position(case: &Case, marketplace: &str, id: &str) -> Option<usize> {
    case.sellers
        .iter()
        .position(|(m, s)| m == marketplace && s == id)
}

/// The case's status, Vietnamese / English.
fn status_words(s: CaseStatus) -> &'static str {
    match s {
        CaseStatus::Open => "đang mở / open",
        CaseStatus::Pending => "chờ phê duyệt chuyển / waiting for referral approval",
        CaseStatus::Referred => "đã chuyển / referred",
        CaseStatus::Closed => "đã đóng / closed",
    }
}

fn at(t: &DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%S UTC").to_string()
}

/// `when`, `bởi / by` `who`.
fn by(t: &DateTime<Utc>, who: &str) -> String {
    format!("{} · bởi / by {who}", at(t))
}

/// The page: the case's header, the table of its sellers, then `dossiers` (as
/// [`case_dossiers`] gives them) one section each. The same arguments give the same bytes.
pub fn case_page(p: &CaseParams<'_>, dossiers: &[Dossier]) -> String {
    let c = p.case;
    let tlp = format!("TLP:{}", p.tlp.as_str().to_ascii_uppercase());
    let title = format!("Hồ sơ vụ việc / Case dossier {}: {}", c.id, c.title);
    let listings: usize = dossiers.iter().map(|d| d.listings.len()).sum();
    let csp = format!(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"{}\">\n",
        esc(CASE_CSP)
    );
    let mut s = head_with(&title, &csp);
    let _ = write!(
        s,
        "<p class=\"meta\"><strong>{tlp}</strong></p>\n<h1>{}</h1>\n<p class=\"meta\">Lập từ \
         phiên bản {} của vụ việc, cập nhật {} / Made from version {} of the case, updated {} · \
         Khoá / Key: case-{}-v{}</p>\n<table>\n",
        esc(&title),
        c.version,
        esc(&at(&c.updated_at)),
        c.version,
        esc(&at(&c.updated_at)),
        esc(&c.id),
        c.version
    );
    let mut fact = |k: &str, v: &str| {
        let _ = writeln!(s, "<tr><th>{k}</th><td>{}</td></tr>", esc(v));
    };
    fact("Mã vụ việc / Case id", &c.id);
    fact("Tiêu đề / Title", &c.title);
    fact("Trạng thái / Status", status_words(c.status));
    fact(
        "Người phụ trách / Assignee",
        c.assignee.as_deref().unwrap_or("—"),
    );
    if let Some(to) = &c.referred_to {
        fact("Chuyển cho / Referred to", to);
    }
    if let Some(who) = &c.referral_approved_by {
        fact("Phê duyệt chuyển / Referral approved by", who);
    }
    fact("Số người bán / Sellers", &c.sellers.len().to_string());
    fact(
        "Người bán có tin bị gắn cờ / Sellers with flagged listings",
        &dossiers.len().to_string(),
    );
    fact(
        "Tin đăng bị gắn cờ / Flagged listings",
        &listings.to_string(),
    );
    fact(
        "Ngưỡng rủi ro / Risk threshold",
        &format!("{:.2}", p.min_risk),
    );
    fact("Phân loại chia sẻ / Sharing marking", &tlp);
    fact("Tạo lúc / Created", &by(&c.created_at, &c.created_by));
    fact("Cập nhật lúc / Updated", &by(&c.updated_at, &c.updated_by));
    s.push_str("</table>\n");
    sellers_table(&mut s, c, dossiers);
    for d in dossiers {
        s.push_str(&dossier_section(d));
    }
    let _ = write!(
        s,
        "<p class=\"meta\"><strong>{tlp}</strong></p>\n</body>\n</html>\n"
    );
    s
}

/// One row per seller of the case, linked to its section when it has flagged listings.
fn sellers_table(s: &mut String, c: &Case, dossiers: &[Dossier]) {
    s.push_str(
        "<h2>Người bán trong vụ việc <span class=\"en\">/ Sellers in the case</span></h2>\n\
         <table><tr><th>Sàn / Marketplace</th><th>Người bán / Seller</th>\
         <th class=\"num\">Tin bị gắn cờ / Flagged listings</th>\
         <th class=\"num\">Rủi ro cao nhất / Max risk</th></tr>\n",
    );
    for (m, id) in &c.sellers {
        let d = dossiers
            .iter()
            .find(|d| d.seller.marketplace == *m && d.seller.id == *id);
        let (who, n, risk) = match d {
            Some(d) => (
                format!(
                    "<a href=\"#{}\">{}</a>",
                    esc(&d.file),
                    esc(&seller_label(d))
                ),
                d.listings.len(),
                format!("{:.2}", d.max_risk),
            ),
            None => (esc(id), 0, "—".to_string()),
        };
        let _ = writeln!(
            s,
            "<tr><td>{}</td><td>{who}</td><td class=\"num\">{n}</td><td class=\"num\">{risk}</td></tr>",
            esc(m)
        );
    }
    s.push_str("</table>\n");
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use soi_model::{Listing, Reason, Seller, Verdict};

    use super::*;

    fn t(h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 20, h, 0, 0).unwrap()
    }

    fn case(sellers: &[(&str, &str)]) -> Case {
        Case {
            id: "C-0007".into(),
            version: 3,
            title: "Vòng Zalo <script>alert(1)</script> & co".into(),
            sellers: sellers
                .iter()
                .map(|(m, s)| (m.to_string(), s.to_string()))
                .collect(),
            status: CaseStatus::Pending,
            assignee: Some("ana".into()),
            referred_to: Some("police".into()),
            referral_requested_by: Some("ana".into()),
            referral_approved_by: None,
            notes: vec![],
            created_by: "ana".into(),
            created_at: t(8),
            updated_by: "sup".into(),
            updated_at: t(10),
        }
    }

    fn row(m: &str, sid: &str, id: &str, risk: f64, evidence: &str) -> ReportRow {
        let mut seller = Seller::new(m, sid);
        seller.name = Some(format!("Shop <script>x</script> & {sid}"));
        seller.country = Some("CN".into());
        let listing = Listing {
            id: id.into(),
            marketplace: m.into(),
            title: format!("Tin {id} <b>chính hãng</b> & rẻ"),
            observed_at: Some(t(9)),
            evidence_sha256: Some(format!("{:0>64}", id)),
            seller: Some(seller.clone()),
            ..Default::default()
        };
        let verdict = Verdict {
            listing_id: id.into(),
            marketplace: m.into(),
            seller_id: Some(sid.into()),
            risk,
            reasons: vec![Reason {
                code: "off_platform_contact".into(),
                message: "Asks to move off the platform".into(),
                message_vi: "Kéo ra ngoài sàn".into(),
                field: "description".into(),
                start: 0,
                end: evidence.chars().count(),
                evidence: evidence.into(),
                ..Default::default()
            }],
            model: "test".into(),
            scored_at: t(9),
            ..Default::default()
        };
        ReportRow {
            listing,
            verdict,
            seller,
        }
    }

    fn rows() -> Vec<ReportRow> {
        vec![
            row(
                "shopee",
                "s2",
                "20",
                0.9,
                "zalo <script>alert(2)</script> & 0900",
            ),
            row("lazada", "s1", "10", 0.7, "chuyển cọc trước"),
            row("lazada", "s1", "11", 0.2, "NOT FLAGGED"),
            row("tiki", "outsider", "30", 0.99, "NOT IN THE CASE"),
        ]
    }

    async fn page(case: &Case, rows: Vec<ReportRow>) -> String {
        let p = CaseParams {
            case,
            min_risk: 0.5,
            tlp: Tlp::Amber,
        };
        case_dossier(&p, rows, &DossierExtras::none())
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn same_case_same_bytes_whatever_the_row_order() {
        let c = case(&[("lazada", "s1"), ("shopee", "s2"), ("sendo", "gone")]);
        let a = page(&c, rows()).await;
        let mut reversed = rows();
        reversed.reverse();
        assert_eq!(a, page(&c, reversed).await);
        assert_eq!(a, page(&c, rows()).await);
        // Dossiers follow the case's order of sellers.
        let (s1, s2) = (a.find("id=\"lazada--s1\""), a.find("id=\"shopee--s2\""));
        assert!(s1.is_some() && s1 < s2, "{a}");
    }

    #[tokio::test]
    async fn header_flagged_listings_and_dates_come_from_the_data() {
        let c = case(&[("lazada", "s1"), ("shopee", "s2"), ("sendo", "gone")]);
        let html = page(&c, rows()).await;
        for want in [
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src &#39;none&#39;; \
             style-src &#39;unsafe-inline&#39;\">",
            "<strong>TLP:AMBER</strong>",
            "<tr><th>Mã vụ việc / Case id</th><td>C-0007</td></tr>",
            "chờ phê duyệt chuyển / waiting for referral approval",
            "<tr><th>Người phụ trách / Assignee</th><td>ana</td></tr>",
            "<tr><th>Số người bán / Sellers</th><td>3</td></tr>",
            "<tr><th>Tin đăng bị gắn cờ / Flagged listings</th><td>2</td></tr>",
            "updated 2026-11-20 10:00:00 UTC",
            "Khoá / Key: case-C-0007-v3",
            "<td>sendo</td><td>gone</td><td class=\"num\">0</td>",
            "chuyển cọc trước",
            &format!("{:0>64}", "10"),
        ] {
            assert!(html.contains(want), "{want} not in {html}");
        }
        assert!(!html.contains("NOT FLAGGED"), "below the threshold");
        assert!(!html.contains("NOT IN THE CASE"), "another seller");
        assert!(html.ends_with("</body>\n</html>\n"));
    }

    #[tokio::test]
    async fn outside_text_is_escaped() {
        let c = case(&[("lazada", "s1"), ("shopee", "s2")]);
        let html = page(&c, rows()).await;
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<b>"), "{html}");
        for want in [
            "Vòng Zalo &lt;script&gt;alert(1)&lt;/script&gt; &amp; co",
            "Shop &lt;script&gt;x&lt;/script&gt; &amp; s2",
            "“zalo &lt;script&gt;alert(2)&lt;/script&gt; &amp; 0900”",
            "Tin 20 &lt;b&gt;chính hãng&lt;/b&gt; &amp; rẻ",
        ] {
            assert!(html.contains(want), "{want} not in {html}");
        }
    }

    #[tokio::test]
    async fn a_case_without_flagged_listings_still_has_its_header() {
        let c = case(&[("sendo", "gone")]);
        let html = page(&c, vec![]).await;
        assert!(html.contains("<tr><th>Tin đăng bị gắn cờ / Flagged listings</th><td>0</td></tr>"));
        assert!(!html.contains("<section"));
    }
}
