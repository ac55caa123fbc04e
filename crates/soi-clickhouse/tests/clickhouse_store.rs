//! The ClickHouse store against a real ClickHouse server (started by `deploy/engines/start.sh`,
//! address in `SOI_TEST_CLICKHOUSE`), through the sections of the seam's conformance checks it
//! implements: listings, the report source and the console's records (it has no alert outbox).
//! Each test uses its own database. Without a server the tests skip with a message, unless `SOI_REQUIRE_ENGINES=1`.

mod common;

use common::{options, store};
use soi_clickhouse::{ClickHouseOptions, ClickHouseStore};
use soi_store::{conformance, ConsoleStore, SellerQuery, Store};

/// `seller_risk_summary` as `(seller, listings, flagged, max risk)`, riskiest first.
async fn summary(s: &ClickHouseStore) -> Vec<(String, u64, u64, f64)> {
    let rows = s.seller_risk_summary().await.expect("summary");
    rows.into_iter()
        .map(|r| (r.seller_id, r.listings, r.flagged_listings, r.max_risk))
        .collect()
}

/// The summary after [`conformance::rescored`]: `b` lost its only listing to `c`.
fn rescored_summary() -> Vec<(String, u64, u64, f64)> {
    vec![("c".into(), 2, 1, 0.95), ("a".into(), 2, 1, 0.8)]
}

#[tokio::test]
async fn same_input_twice_changes_nothing() {
    let Some(s) = store("idem").await else { return };
    conformance::same_input_twice_changes_nothing(&s).await;
    // Migrations are re-runnable: connecting again changes nothing and keeps the rows.
    let again = ClickHouseStore::connect(s.options().clone())
        .await
        .expect("reconnect");
    assert_eq!(again.counts().await.expect("counts").listings, 4);
}

#[tokio::test]
async fn flagged_sellers_filters_and_reasons() {
    let Some(s) = store("flag").await else { return };
    s.put_scored(conformance::batch()).await.expect("write");
    conformance::flagged_sellers_filters_and_reasons(&s).await;
    // The per-seller summary agrees, and a replay does not inflate it.
    s.put_scored(conformance::batch()).await.expect("replay");
    let summary = s.seller_risk_summary().await.expect("summary");
    let a = summary
        .iter()
        .find(|r| r.seller_id == "a")
        .expect("seller a");
    assert_eq!((a.listings, a.flagged_listings), (2, 2));
    assert!((a.max_risk - 0.9).abs() < 1e-9);
}

#[tokio::test]
async fn seller_page_facts_survive_partial_sightings() {
    let Some(s) = store("merge").await else {
        return;
    };
    conformance::seller_page_facts_survive_partial_sightings(&s).await;
}

#[tokio::test]
async fn bad_addresses_are_named() {
    let e = ClickHouseOptions::from_url("clickhouse://nohost").unwrap_err();
    assert!(
        e.to_string().contains("clickhouse://HOST:PORT/DATABASE"),
        "{e}"
    );
}

#[tokio::test]
async fn forged_seller_flags_do_not_stick() {
    let Some(s) = store("flags").await else {
        return;
    };
    conformance::forged_seller_flags_do_not_stick(&s).await;
}

#[tokio::test]
async fn cross_border_rows_filter_and_order() {
    let Some(s) = store("report").await else {
        return;
    };
    conformance::report::cross_border_rows_filter_and_order(&s).await;
}

#[tokio::test]
async fn rescoring_moves_the_seller_summary() {
    let Some(s) = store("rescore").await else {
        return;
    };
    conformance::rescoring_moves_the_seller_summary(&s).await;
    // The summary analysts query directly says what the flagged-sellers query says.
    assert_eq!(summary(&s).await, rescored_summary());
    let flagged = s
        .flagged_sellers(&SellerQuery::default())
        .await
        .expect("flagged sellers");
    let from_query: Vec<_> = flagged
        .iter()
        .map(|f| {
            let (listings, flagged) = (f.total_listings as u64, f.flagged_listings as u64);
            (f.seller_id.clone(), listings, flagged, f.max_risk)
        })
        .collect();
    assert_eq!(summary(&s).await, from_query);
}

/// A database that version 1's schema left, with its stale aggregate, is brought to the latest
/// verdicts by connecting, and keeps every row (the verdicts table is the source of truth).
#[tokio::test]
async fn an_old_seller_summary_migrates_to_latest_verdicts() {
    let Some(opts) = options("migrate").await else {
        return;
    };
    let old = ClickHouseStore::connect_at_schema_for_tests(opts.clone(), 1)
        .await
        .expect("connect at schema 1");
    old.put_scored(conformance::batch()).await.expect("write");
    old.put_scored(conformance::rescored())
        .await
        .expect("rescore");
    // What the bug looked like: every version ever inserted still counts.
    let stale = summary(&old).await;
    let a = stale.iter().find(|r| r.0 == "a").expect("seller a");
    assert_eq!(
        (a.2, a.3),
        (2, 0.9),
        "schema 1 no longer shows the bug: {stale:?}"
    );
    assert!(stale.iter().any(|r| r.0 == "b"), "{stale:?}");

    let new = ClickHouseStore::connect(opts.clone())
        .await
        .expect("migrate");
    assert_eq!(summary(&new).await, rescored_summary());
    assert_eq!(new.counts().await.expect("counts").verdicts, 4);
    // Re-running the migrations changes nothing, and later writes show at once.
    let again = ClickHouseStore::connect(opts).await.expect("reconnect");
    again
        .put_scored(vec![conformance::scored("2", "a", "VN", 0.3, "none")])
        .await
        .expect("rescore again");
    let mut want = rescored_summary();
    want[1] = ("a".into(), 2, 0, 0.3);
    assert_eq!(summary(&again).await, want);
}

#[tokio::test]
async fn score_days_count_each_listings_latest_verdict() {
    let Some(s) = store("scores").await else {
        return;
    };
    conformance::score_days_count_each_listings_latest_verdict(&s).await;
}

#[tokio::test]
async fn seller_listings_are_found_by_seller() {
    let Some(s) = store("by_seller").await else {
        return;
    };
    conformance::seller_listings_are_found_by_seller(&s).await;
}

#[tokio::test]
async fn console_users_are_replaced_by_name() {
    let Some(s) = store("console_users").await else {
        return;
    };
    conformance::console::users_are_replaced_by_name(&s).await;
}

#[tokio::test]
async fn console_labels_keep_their_history() {
    let Some(s) = store("console_labels").await else {
        return;
    };
    conformance::console::labels_keep_their_history(&s).await;
}

#[tokio::test]
async fn console_cases_keep_every_version() {
    let Some(s) = store("console_cases").await else {
        return;
    };
    conformance::console::cases_keep_every_version(&s).await;
    // A version is written once, as the embedded store's primary key has it.
    let v1 = s.case_history("C-0001").await.expect("history").remove(0);
    let e = s.put_case(&v1).await.expect_err("a second version 1");
    assert!(e.is_content(), "{e}");
    assert_eq!(s.case_history("C-0001").await.expect("history").len(), 2);
}

#[tokio::test]
async fn console_audit_rows_chain_and_page() {
    let Some(s) = store("console_audit").await else {
        return;
    };
    conformance::console::audit_rows_chain_and_page(&s).await;
    // A row whose sequence number is taken is refused, so the chain stays whole.
    let tail = s.audit_tail().await.expect("tail").expect("a tail");
    let e = s.insert_audit(&tail).await.expect_err("a second row 25");
    assert!(e.is_content(), "{e}");
    assert_eq!(
        soi_store::console::verify_audit(&s).await.expect("read"),
        Ok(25)
    );
}

#[tokio::test]
async fn rescoring_keeps_the_verdict_history() {
    let Some(s) = store("history").await else {
        return;
    };
    conformance::rescoring_keeps_the_verdict_history(&s).await;
}

#[tokio::test]
async fn stored_listings_are_walked_in_key_order() {
    let Some(s) = store("walk").await else {
        return;
    };
    conformance::stored_listings_are_walked_in_key_order(&s).await;
}
