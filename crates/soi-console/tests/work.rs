//! The analysts' work over real HTTP: labels with their history, cases referred through a
//! real file-drop route and seen only by their officer, the audit chain (intact, then
//! tampered), and the pages in both languages.

mod common;

use common::*;

#[tokio::test]
async fn labels_keep_history_and_bad_ones_are_named() {
    flows::labels_keep_history_and_bad_ones_are_named(&default_console().await).await;
}

#[tokio::test]
async fn a_case_is_referred_after_approval_and_only_its_officer_sees_it() {
    flows::a_case_is_referred_after_approval_and_only_its_officer_sees_it(&default_console().await)
        .await;
}

#[tokio::test]
async fn pages_render_in_both_languages_with_security_headers() {
    flows::pages_render_in_both_languages_with_security_headers(&default_console().await).await;
}

#[tokio::test]
async fn the_audit_chain_verifies_and_a_tampered_row_is_found() {
    let c = default_console().await;
    let ana = c.login("ana").await;
    c.get(Some(&ana), "/sellers/demo/a").await;
    c.get(Some(&ana), "/api/listings/demo/1").await;
    c.post_json(
        &ana,
        "/api/labels",
        Some(&ana.csrf),
        json!({"target":"listing","marketplace":"demo","id":"1","label":"scam"}),
    )
    .await;
    let rows = c.records.audit(0, 100).await.unwrap();
    let actions: Vec<&str> = rows.iter().map(|e| e.action.as_str()).collect();
    for a in ["user_add", "login", "view_seller", "view_listing", "label"] {
        assert!(actions.contains(&a), "{a} not on the record: {actions:?}");
    }
    let n = rows.len() as u64;
    assert_eq!(verify_audit(c.records.as_ref()).await.unwrap(), Ok(n));
    tamper(&c.dir.path().join("soi.db"), 6);
    let broken = verify_audit(c.records.as_ref()).await.unwrap().unwrap_err();
    assert_eq!(broken.seq, 6, "{broken}");
}

/// Changes row `seq` behind the store's back (the triggers that forbid it dropped first).
fn tamper(db: &Path, seq: i64) {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.execute_batch("DROP TRIGGER console_audit_no_update")
        .unwrap();
    let body: String = conn
        .query_row(
            "SELECT body FROM console_audit WHERE seq = ?1",
            [seq],
            |r| r.get(0),
        )
        .unwrap();
    let mut v: Value = serde_json::from_str(&body).unwrap();
    v["user"] = json!("someone else");
    conn.execute(
        "UPDATE console_audit SET body = ?1 WHERE seq = ?2",
        rusqlite::params![v.to_string(), seq],
    )
    .unwrap();
}
