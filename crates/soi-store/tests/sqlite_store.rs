//! The embedded store against a real SQLite file, through the seam's conformance checks.

use soi_store::{conformance, SqliteStore, Store};

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
