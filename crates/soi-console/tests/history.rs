//! Verdict history over real HTTP on SQLite: listing `demo/1` of seller `a`, rescored by a new
//! model (0.9 to 0.2), shows both verdicts oldest first on the seller's and the listing's page
//! and in the API, the current one marked; a listing scored once shows no history.

mod common;

use common::*;
use soi_store::conformance;

async fn rescored_console() -> Console {
    let c = default_console().await;
    let mut s = conformance::scored("1", "a", "VN", 0.2, "none");
    s.verdict.model = "test-v2".into();
    assert_eq!(c.store.put_scored(vec![s]).await.unwrap(), 1);
    c
}

fn history_rows(html: &str) -> Vec<&str> {
    html.match_indices("<tr class=\"history-row")
        .map(|(i, _)| {
            let row = &html[i..];
            &row[..row.find("</tr>").unwrap_or(row.len())]
        })
        .collect()
}

#[tokio::test]
async fn a_seller_page_shows_each_rescored_listings_verdicts_oldest_first() {
    let c = rescored_console().await;
    let ana = c.login("ana").await;
    let html = c.page(&ana, "/sellers/demo/a", "en").await;
    assert!(html.contains("id=\"verdict-history\""), "{html}");
    assert!(html.contains("Verdict history"));
    let rows = history_rows(&html);
    assert_eq!(
        rows.len(),
        2,
        "listing 1's two verdicts, not listing 2's one: {rows:?}"
    );
    assert!(
        rows[0].contains(">test<") && rows[0].contains("90%"),
        "{}",
        rows[0]
    );
    assert!(!rows[0].contains("current"), "{}", rows[0]);
    assert!(
        rows[1].contains(">test-v2<") && rows[1].contains("20%"),
        "{}",
        rows[1]
    );
    assert!(
        rows[1].starts_with("<tr class=\"history-row current\""),
        "{}",
        rows[1]
    );
    let vi = c.page(&ana, "/sellers/demo/a", "vi").await;
    assert!(
        vi.contains("Lịch sử đánh giá"),
        "the section, in Vietnamese"
    );
}

#[tokio::test]
async fn a_listing_page_and_the_api_show_its_history() {
    let c = rescored_console().await;
    let ana = c.login("ana").await;
    let html = c.page(&ana, "/listings/demo/1", "en").await;
    let rows = history_rows(&html);
    assert_eq!(rows.len(), 2, "{html}");
    assert!(rows[1].contains("test-v2"));
    let once = c.page(&ana, "/listings/demo/2", "en").await;
    assert!(
        !once.contains("verdict-history"),
        "a listing scored once has no history section"
    );
    let r = c.get(Some(&ana), "/api/listings/demo/1").await;
    assert_eq!(r.status(), 200);
    let v: serde_json::Value = r.json().await.unwrap();
    let models: Vec<&str> = v["verdict_history"]
        .as_array()
        .expect("verdict_history")
        .iter()
        .map(|h| h["model"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(models, ["test", "test-v2"]);
    let r = c.get(Some(&ana), "/api/sellers/demo/a").await;
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["verdict_history"].as_array().map(Vec::len), Some(3));
}
