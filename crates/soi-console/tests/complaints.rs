//! Hotline complaints over real HTTP on SQLite: the queue counts the distinct complaints naming
//! each row's seller (however many ways one complaint names it), and a seller's page lists them
//! newest first with what they share with the seller and the consumer's words escaped (a very
//! long text clipped); a seller no complaint names says so.

mod common;

use chrono::{TimeZone, Utc};
use common::*;
use soi_model::Complaint;
use soi_store::complaints::{ComplaintLink, ComplaintsPut};
use soi_store::links::SellerRef;

fn complaint(id: &str, day: u32, channel: &str, text: &str, amount: Option<f64>) -> Complaint {
    Complaint {
        id: id.into(),
        received_at: Utc.with_ymd_and_hms(2026, 11, day, 9, 30, 0).unwrap(),
        channel: channel.into(),
        text: text.into(),
        phone: None,
        shop_name: None,
        url: None,
        amount,
    }
}

fn names(
    id: &str,
    seller: &str,
    kind: &str,
    value: &str,
    text: &str,
    quote: &str,
) -> ComplaintLink {
    let start = text[..text.find(quote).expect("quote in text")]
        .chars()
        .count();
    ComplaintLink {
        complaint_id: id.into(),
        seller: SellerRef::new("demo", seller),
        kind: kind.into(),
        value: value.into(),
        field: "text".into(),
        start,
        end: start + quote.chars().count(),
        quote: quote.into(),
    }
}

const K1: &str = "Tôi đặt cọc rồi gọi <b>0901234567</b> không ai nghe, shop Giá Rẻ Nhất biến mất";
const K2: &str = "Shop nhắn zalo 0907654321 bảo chuyển khoản trước, nhận tiền xong chặn luôn";

/// `demo/a` is named by K-001 (by phone and by shop name) and K-002 (newer); `demo/b` by K-003,
/// whose text is very long; `demo/c` by none.
async fn complained_console() -> Console {
    let c = default_console().await;
    let long = format!("zalo 0907654321 lừa đảo. {}", "Rất bức xúc. ".repeat(100));
    let complaints = [
        complaint("K-001", 18, "phone", K1, Some(1_500_000.0)),
        complaint("K-002", 19, "web", K2, None),
        complaint("K-003", 17, "zalo", &long, Some(250_000.0)),
    ];
    let links = [
        names(
            "K-001",
            "a",
            "phone",
            "0901234567",
            K1,
            "gọi <b>0901234567</b>",
        ),
        names("K-001", "a", "shop_name", "giá rẻ nhất", K1, "Giá Rẻ Nhất"),
        names("K-002", "a", "zalo", "0907654321", K2, "zalo 0907654321"),
        names("K-003", "b", "zalo", "0907654321", &long, "zalo 0907654321"),
    ];
    let put = c
        .complaints
        .put_complaints(&complaints, &links)
        .await
        .unwrap();
    assert_eq!(
        put,
        ComplaintsPut {
            complaints: 3,
            links: 4
        }
    );
    c
}

#[tokio::test]
async fn the_queue_counts_distinct_complaints_per_row() {
    let c = complained_console().await;
    assert_eq!(
        c.queue_column("complaints").await,
        "demo/a=2 demo/b=1 demo/c=0",
        "two complaints for a (one naming it twice), one for b, none for c"
    );
}

#[tokio::test]
async fn a_seller_page_lists_its_complaints_newest_first_escaped() {
    let c = complained_console().await;
    let html = c.page_as("ana", "/sellers/demo/a", "vi").await;
    assert!(
        html.contains(">Khiếu nại qua đường dây nóng<"),
        "the section, in Vietnamese"
    );
    let (k2, k1) = (
        html.find("<code class=\"complaint-id\">K-002</code>"),
        html.find("<code class=\"complaint-id\">K-001</code>"),
    );
    assert!(
        matches!((k2, k1), (Some(a), Some(b)) if a < b),
        "both ids, newest first: {html}"
    );
    assert!(!html.contains("K-003"), "b's complaint is not a's");
    assert_eq!(
        html.matches("class=\"complaint-row\"").count(),
        2,
        "one row per complaint"
    );
    assert_eq!(
        html.matches("class=\"complaint-share\"").count(),
        3,
        "K-001 shares two things with a, K-002 one"
    );
    // Escaped as askama escapes (`&#60;`), or as `&lt;`.
    let escaped = [("&lt;", "&gt;"), ("&#60;", "&#62;")].iter().any(|(l, g)| {
        html.contains(&format!("<mark>gọi {l}b{g}0901234567{l}/b{g}</mark>"))
            && html.contains(&format!("gọi {l}b{g}0901234567{l}/b{g} không ai nghe"))
    });
    assert!(escaped, "the quote and the text, escaped: {html}");
    assert!(!html.contains("<b>0901234567"), "nothing unescaped");
    assert!(html.contains("<mark>Giá Rẻ Nhất</mark>"));
    assert!(html.contains(&format!("<td class=\"complaint-text\">{K2}</td>")));
    assert!(html.contains("số điện thoại") && html.contains("tên cửa hàng"));
    assert!(html.contains("<code class=\"share-value\">0901234567</code>"));
    assert!(html.contains("2026-11-19 09:30:00 UTC") && html.contains(">web<"));
    assert!(html.contains("<td class=\"amount\">1.500.000 ₫</td>"));
    assert!(
        html.contains("<td class=\"amount\"></td>"),
        "no amount given"
    );
    assert!(!html.contains("id=\"complaints-none\""));
    assert!(!html.contains("class=\"clipped\""));
}

#[tokio::test]
async fn a_very_long_complaint_is_clipped() {
    let c = complained_console().await;
    let html = c.page_as("ana", "/sellers/demo/b", "en").await;
    assert!(
        html.contains(">Hotline complaints<"),
        "the section, in English"
    );
    assert!(html.contains("<code class=\"complaint-id\">K-003</code>"));
    assert!(html.contains("Zalo account") && html.contains("<td class=\"amount\">250,000 ₫</td>"));
    let from = html.find("<td class=\"complaint-text\">").unwrap();
    let cell = &html[from..from + html[from..].find("</td>").unwrap()];
    assert!(
        cell.contains("Rất bức xúc.") && cell.contains('…'),
        "{cell}"
    );
    assert!(
        cell.contains("<small class=\"clipped\">(shortened to this many characters: 600)</small>"),
        "{cell}"
    );
    assert!(cell.chars().count() < 800, "clipped: {cell}");
}

#[tokio::test]
async fn a_seller_no_complaint_names_says_so() {
    let c = complained_console().await;
    let ana = c.login("ana").await;
    let html = c.page(&ana, "/sellers/demo/c", "vi").await;
    assert!(
        html.contains(
            "<p id=\"complaints-none\">Không có khiếu nại nào nêu tên người bán này.</p>"
        ),
        "{html}"
    );
    assert!(!html.contains("id=\"complaint-list\""));
    let en = c.page(&ana, "/sellers/demo/c", "en").await;
    assert!(en.contains("<p id=\"complaints-none\">No complaint names this seller.</p>"));
}
