//! [`crate::Store::score_days`]: the score distribution per marketplace, head and day.

use std::collections::BTreeMap;

use crate::drift::ScoreDay;
use crate::Store;

use super::{at, scored_at};

/// Each listing counts once, by its latest verdict, on that verdict's UTC day; the risk under
/// `risk` and each head under its name; days before `since` are left out.
pub async fn score_days_count_each_listings_latest_verdict(store: &dyn Store) {
    let mut high = scored_at("s1", "a", 0.95, 0);
    high.verdict.heads = BTreeMap::from([("scam".into(), 0.9), ("misleading_claim".into(), 0.05)]);
    let low = scored_at("s2", "a", 0.15, 1);
    let next_day = scored_at("s3", "b", 0.55, 24);
    store
        .put_scored(vec![high, low, next_day])
        .await
        .expect("write");
    // s2 rescored two days later to another risk: it leaves the first day.
    store
        .put_scored(vec![scored_at("s2", "a", 0.35, 48)])
        .await
        .expect("rescore");

    let days = store
        .score_days(at(0).date_naive())
        .await
        .expect("score days");
    let find = |head: &str, hours: i64| -> Option<&ScoreDay> {
        days.iter()
            .find(|d| d.marketplace == "demo" && d.head == head && d.day == at(hours).date_naive())
    };
    let counts = |head, hours| find(head, hours).map(|d| d.counts);
    assert_eq!(
        counts("risk", 0),
        Some([0, 0, 0, 0, 0, 0, 0, 0, 0, 1]),
        "day one holds s1 only (s2 was rescored): {days:?}"
    );
    assert_eq!(
        counts("risk", 24),
        Some([0, 0, 0, 0, 0, 1, 0, 0, 0, 0]),
        "{days:?}"
    );
    assert_eq!(
        counts("risk", 48),
        Some([0, 0, 0, 1, 0, 0, 0, 0, 0, 0]),
        "{days:?}"
    );
    assert_eq!(
        counts("scam", 0),
        Some([0, 0, 0, 0, 0, 0, 0, 0, 0, 1]),
        "{days:?}"
    );
    assert_eq!(
        counts("misleading_claim", 0),
        Some([1, 0, 0, 0, 0, 0, 0, 0, 0, 0])
    );
    let sum = find("risk", 24).map(|d| d.sum);
    assert!(sum.is_some_and(|s| (s - 0.55).abs() < 1e-9), "{sum:?}");
    assert_eq!(
        days.len(),
        5,
        "risk on three days, two heads on one: {days:?}"
    );

    let later = store
        .score_days(at(24).date_naive())
        .await
        .expect("score days");
    assert!(
        later.iter().all(|d| d.day >= at(24).date_naive()) && later.len() == 2,
        "since the second day: {later:?}"
    );
}
