//! The same console work on ClickHouse (started by `deploy/engines/start.sh`, address in
//! `SOI_TEST_CLICKHOUSE`): labels with history, a case referred and seen only by its officer,
//! the pages in both languages, and the audit chain read back intact. Each test has its own
//! database; without a server the tests skip with a message, unless `SOI_REQUIRE_ENGINES=1`.

mod common;

use common::*;
use soi_clickhouse::ClickHouseStore;

/// A console on a fresh ClickHouse database named for the test, or `None` (skip).
async fn on_clickhouse(name: &str) -> Option<Console> {
    let opts = soi_clickhouse::fresh_test_database(&format!("console_{name}"))
        .await
        .expect("test database")?;
    let s = Arc::new(ClickHouseStore::connect(opts).await.expect("connect"));
    let dir = tempfile::tempdir().unwrap();
    Some(
        console_on(
            Stores::all(s),
            dir,
            Expiry::default(),
            ThrottleConfig::default(),
            None,
        )
        .await,
    )
}

#[tokio::test]
async fn labels_keep_history_and_bad_ones_are_named() {
    let Some(c) = on_clickhouse("labels").await else {
        return;
    };
    flows::labels_keep_history_and_bad_ones_are_named(&c).await;
}

#[tokio::test]
async fn a_case_is_referred_after_approval_and_only_its_officer_sees_it() {
    let Some(c) = on_clickhouse("cases").await else {
        return;
    };
    flows::a_case_is_referred_after_approval_and_only_its_officer_sees_it(&c).await;
    let n = c.records.audit(0, 1000).await.unwrap().len() as u64;
    assert!(n > 10);
    assert_eq!(verify_audit(c.records.as_ref()).await.unwrap(), Ok(n));
}

#[tokio::test]
async fn pages_render_in_both_languages_with_security_headers() {
    let Some(c) = on_clickhouse("pages").await else {
        return;
    };
    flows::pages_render_in_both_languages_with_security_headers(&c).await;
}
