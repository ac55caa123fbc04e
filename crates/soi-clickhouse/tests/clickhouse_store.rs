//! The ClickHouse store against a real ClickHouse server (started by `deploy/engines/start.sh`,
//! address in `SOI_TEST_CLICKHOUSE`), through the sections of the seam's conformance checks it
//! implements: listings and the report source (it has no alert outbox). Each test uses its own
//! database. Without a server the tests skip with a message, unless `SOI_REQUIRE_ENGINES=1`.

use soi_clickhouse::{ClickHouseOptions, ClickHouseStore};
use soi_store::{conformance, Store};

async fn store(name: &str) -> Option<ClickHouseStore> {
    let Ok(url) = std::env::var("SOI_TEST_CLICKHOUSE") else {
        assert!(
            std::env::var("SOI_REQUIRE_ENGINES").as_deref() != Ok("1"),
            "SOI_TEST_CLICKHOUSE is not set; start the engines with deploy/engines/start.sh"
        );
        eprintln!("skipping: SOI_TEST_CLICKHOUSE not set (deploy/engines/start.sh starts one)");
        return None;
    };
    let base = url.rsplit_once('/').map(|(b, _)| b).unwrap_or(&url);
    let db = format!("soi_t_{name}_{}", std::process::id());
    let mut opts = ClickHouseOptions::from_url(&format!("{base}/{db}")).expect("url");
    opts.max_outage = std::time::Duration::from_secs(30);
    let s = ClickHouseStore::connect(opts).await.expect("connect");
    s.drop_all_for_tests().await.expect("clean database");
    Some(
        ClickHouseStore::connect(s.options().clone())
            .await
            .expect("reconnect"),
    )
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
    // The materialized summary agrees, and a replay does not inflate it.
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
