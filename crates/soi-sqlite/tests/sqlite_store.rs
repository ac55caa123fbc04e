//! The embedded store against a real SQLite file, through every section of the seam's
//! conformance checks: listings, the alert outbox, the report source, the console, the links and
//! the complaints.

use soi_sqlite::SqliteStore;
use soi_store::{conformance, Store};

fn store() -> (tempfile::TempDir, SqliteStore) {
    let dir = tempfile::tempdir().unwrap();
    let s = SqliteStore::open(&dir.path().join("soi.db")).unwrap();
    (dir, s)
}

#[tokio::test]
async fn same_input_twice_changes_nothing() {
    let (dir, s) = store();
    conformance::same_input_twice_changes_nothing(&s).await;
    drop(s);
    // Reopening re-runs the migrations as a no-op and keeps the rows.
    let s = SqliteStore::open(&dir.path().join("soi.db")).unwrap();
    assert_eq!(s.counts().await.unwrap().listings, 4);
}

#[tokio::test]
async fn flagged_sellers_filters_and_reasons() {
    let (_dir, s) = store();
    s.put_scored(conformance::batch()).await.unwrap();
    conformance::flagged_sellers_filters_and_reasons(&s).await;
}

#[tokio::test]
async fn seller_page_facts_survive_partial_sightings() {
    let (_dir, s) = store();
    conformance::seller_page_facts_survive_partial_sightings(&s).await;
}

#[tokio::test]
async fn alerts_flow_through_the_outbox() {
    let dir = tempfile::tempdir().unwrap();
    let s = SqliteStore::open(&dir.path().join("soi.db"))
        .unwrap()
        .with_alert_rules(conformance::outbox::rules());
    conformance::outbox::alerts_flow_through_the_outbox(&s).await;
}

#[tokio::test]
async fn cross_border_rows_filter_and_order() {
    let (_dir, s) = store();
    conformance::report::cross_border_rows_filter_and_order(&s).await;
}

#[tokio::test]
async fn rescoring_moves_the_seller_summary() {
    let (_dir, s) = store();
    conformance::rescoring_moves_the_seller_summary(&s).await;
}

#[tokio::test]
async fn score_days_count_each_listings_latest_verdict() {
    let (_dir, s) = store();
    conformance::score_days_count_each_listings_latest_verdict(&s).await;
}

#[tokio::test]
async fn seller_listings_are_found_by_seller() {
    let (_dir, s) = store();
    conformance::seller_listings_are_found_by_seller(&s).await;
}

#[tokio::test]
async fn console_users_labels_cases_and_audit() {
    let (_dir, s) = store();
    conformance::console::users_are_replaced_by_name(&s).await;
    conformance::console::labels_keep_their_history(&s).await;
    conformance::console::cases_keep_every_version(&s).await;
    conformance::console::audit_rows_chain_and_page(&s).await;
}

#[tokio::test]
async fn links_are_kept_once_and_walked() {
    let (_dir, s) = store();
    conformance::links::links_are_kept_once_and_walked(&s).await;
}

#[tokio::test]
async fn complaints_are_kept_once_and_counted() {
    let (_dir, s) = store();
    conformance::complaints::complaints_are_kept_once_and_counted(&s).await;
}

#[tokio::test]
async fn crawl_health_rows_read_back_newest_first() {
    let (_dir, s) = store();
    conformance::crawl_health::crawl_health_rows_read_back_newest_first(&s).await;
}

#[tokio::test]
async fn the_audit_table_refuses_updates_and_deletes() {
    use soi_store::console::NewAudit;
    use soi_store::ConsoleStore;
    let (dir, s) = store();
    let new = NewAudit {
        user: "ana".into(),
        action: "login".into(),
        target: String::new(),
        detail: String::new(),
        address: "cli".into(),
    };
    s.append_audit(new).await.unwrap();
    let c = rusqlite::Connection::open(dir.path().join("soi.db")).unwrap();
    for sql in [
        "UPDATE console_audit SET body = '{}'",
        "DELETE FROM console_audit",
    ] {
        let e = c.execute(sql, []).unwrap_err().to_string();
        assert!(e.contains("append-only"), "{sql}: {e}");
    }
}

#[tokio::test]
async fn rescoring_keeps_the_verdict_history() {
    let (_dir, s) = store();
    conformance::rescoring_keeps_the_verdict_history(&s).await;
}

#[tokio::test]
async fn stored_listings_are_walked_in_key_order() {
    let (_dir, s) = store();
    conformance::stored_listings_are_walked_in_key_order(&s).await;
}
