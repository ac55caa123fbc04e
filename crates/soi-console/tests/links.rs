//! Linked accounts over real HTTP on SQLite: two sellers joined by stored links count 1 on the
//! queue (one other account, however many links) and each one's page shows the other, with the
//! quoted evidence of both sides escaped; a seller linked to nobody shows 0 and says so.

mod common;

use chrono::{TimeZone, Utc};
use common::*;
use soi_store::links::{LinkBatch, LinkRow, LinkSide, SellerRef};

fn side(seller: &str, listing: &str, field: &str, quote: &str) -> LinkSide {
    LinkSide {
        seller: SellerRef::new("demo", seller),
        listing_id: listing.into(),
        field: field.into(),
        start: 0,
        end: quote.chars().count(),
        quote: quote.into(),
    }
}

fn link(kind: &str, value: &str, a: LinkSide, b: LinkSide, hour: u32) -> LinkRow {
    LinkRow {
        kind: kind.into(),
        value: value.into(),
        a,
        b,
        found_at: Utc.with_ymd_and_hms(2026, 11, 20, hour, 0, 0).unwrap(),
    }
}

/// `demo/a` and `demo/b` share a Zalo number and near-identical text; `demo/c` shares nothing.
async fn linked_console() -> Console {
    let c = default_console().await;
    let batch = LinkBatch {
        links: vec![
            link(
                "zalo",
                "0901234567",
                side("a", "1", "description", "ib zalo 0901234567"),
                side("b", "3", "title", "Zalo <0901.234.567>"),
                8,
            ),
            link(
                "near_text",
                "band-hash-7f3a",
                side("a", "2", "description", "giá rẻ nhất thị trường"),
                side("b", "3", "description", "giá rẻ nhất thị trường!"),
                9,
            ),
        ],
        ..Default::default()
    };
    assert_eq!(c.links.put_link_batch(&batch).await.unwrap(), 2);
    c
}

#[tokio::test]
async fn the_queue_counts_other_linked_accounts_per_row() {
    let c = linked_console().await;
    assert_eq!(
        c.queue_column("linked").await,
        "demo/a=1 demo/b=1 demo/c=0",
        "one other account for a and b (two links, one account), none for c"
    );
}

#[tokio::test]
async fn a_seller_page_shows_its_network_with_both_sides_quoted() {
    let c = linked_console().await;
    let ana = c.login("ana").await;
    let html = c.page(&ana, "/sellers/demo/a", "vi").await;
    assert!(
        html.contains("Tài khoản liên kết"),
        "the section, in Vietnamese"
    );
    assert!(
        html.contains("<a class=\"linked-seller\" href=\"/sellers/demo/b\">b</a>"),
        "the other account, linked to its page: {html}"
    );
    assert!(!html.contains("class=\"linked-seller\" href=\"/sellers/demo/a\""));
    assert!(html.contains("demo: 2"), "accounts per marketplace");
    assert!(
        html.contains("<mark>ib zalo 0901234567</mark>"),
        "side a quoted"
    );
    // Escaped as askama escapes (`&#60;`), or as `&lt;`.
    let escaped = ["&lt;0901.234.567&gt;", "&#60;0901.234.567&#62;"]
        .iter()
        .any(|q| html.contains(&format!("<mark>Zalo {q}</mark>")));
    assert!(escaped, "side b quoted, escaped: {html}");
    assert!(!html.contains("<0901.234.567>"), "nothing unescaped");
    assert!(html.contains("<mark>giá rẻ nhất thị trường!</mark>"));
    assert!(
        html.contains("href=\"/listings/demo/3\">3</a>"),
        "listing ids"
    );
    assert!(html.contains("tài khoản Zalo") && html.contains("title"));
    assert!(
        html.contains("<code class=\"link-value\">0901234567</code>"),
        "the shared value"
    );
    assert!(
        !html.contains("band-hash-7f3a"),
        "no value shown for near-identical text"
    );
    assert!(!html.contains("id=\"links-none\""));
    assert!(!html.contains("id=\"links-truncated\""));
    // The other side's page shows this one back, in English on request.
    let en = c.page(&ana, "/sellers/demo/b", "en").await;
    assert!(en.contains(">Linked accounts<"), "the section, in English");
    assert!(en.contains("<a class=\"linked-seller\" href=\"/sellers/demo/a\">a</a>"));
    assert!(en.contains("Zalo account") && en.contains("near-identical text"));
}

#[tokio::test]
async fn a_seller_linked_to_nobody_says_so() {
    let c = linked_console().await;
    let html = c.page_as("ana", "/sellers/demo/c", "vi").await;
    assert!(
        html.contains(
            "<p id=\"links-none\">Người bán này không liên kết với tài khoản nào khác.</p>"
        ),
        "{html}"
    );
    assert!(!html.contains("class=\"linked-seller\""));
    assert!(!html.contains("id=\"link-list\""));
}
