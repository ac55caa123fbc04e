//! Hostile content against the embedded store: times at the edge of chrono's range must give a
//! typed content error (never a panic, never a half-written batch), and seller flags follow the
//! latest full sighting.

use chrono::{DateTime, Utc};
use soi_model::Scored;
use soi_sqlite::SqliteStore;
use soi_store::{conformance, AlertRule, AlertRules, RuleKind, Severity, Store, Tlp};

fn rules(when: RuleKind, dedup_secs: i64) -> AlertRules {
    AlertRules {
        rules: vec![AlertRule {
            name: "r".into(),
            when,
            severity: Severity::High,
            tlp: Tlp::Amber,
            routes: vec!["drop".into()],
            dedup_secs,
        }],
    }
}

fn at(s: &str) -> DateTime<Utc> {
    // As serde parses a message's JSON (more lenient than RFC 3339 about the year).
    s.parse().unwrap()
}

async fn refused(rules: AlertRules, bad: Scored, field: &str) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("soi.db"))
        .unwrap()
        .with_alert_rules(rules);
    let good = conformance::scored("ok", "a", "VN", 0.9, "x");
    let e = store.put_scored(vec![bad, good]).await.unwrap_err();
    assert!(e.is_content(), "{e:?}");
    let text = e.to_string();
    assert!(text.contains("demo/bad") && text.contains(field), "{text}");
    assert_eq!(
        store.counts().await.unwrap().verdicts,
        0,
        "the batch is one step"
    );
}

#[tokio::test]
async fn seller_window_before_the_earliest_time_is_a_content_error() {
    let mut bad = conformance::scored("bad", "a", "VN", 0.9, "x");
    bad.listing.observed_at = Some(at("-262143-01-01T00:00:00Z"));
    let when = RuleKind::SellerFlagged {
        count: 1,
        window_secs: 86_400,
        min_risk: 0.5,
    };
    refused(rules(when, 0), bad, "window_secs").await;
}

#[tokio::test]
async fn dedup_window_after_the_latest_time_is_a_content_error() {
    let mut bad = conformance::scored("bad", "b", "VN", 0.9, "x");
    bad.verdict.scored_at = DateTime::<Utc>::MAX_UTC;
    let when = RuleKind::ListingRisk { min_risk: 0.5 };
    refused(rules(when, 86_400), bad, "dedup_secs").await;
}

#[tokio::test]
async fn a_window_too_long_for_chrono_is_a_content_error() {
    let bad = conformance::scored("bad", "a", "VN", 0.9, "x");
    let when = RuleKind::SellerFlagged {
        count: 1,
        window_secs: i64::MAX,
        min_risk: 0.5,
    };
    refused(rules(when, 0), bad, "window_secs").await;
}

#[tokio::test]
async fn forged_seller_flags_do_not_stick() {
    let dir = tempfile::tempdir().unwrap();
    let s = SqliteStore::open(&dir.path().join("soi.db")).unwrap();
    conformance::forged_seller_flags_do_not_stick(&s).await;
}
