//! The alert outbox of the embedded store: alerts are written in the verdict's transaction (if
//! queuing the alert fails, the verdict is not stored either), only changed verdicts raise
//! alerts, and stores opened without rules raise none.

use chrono::{TimeZone, Utc};
use soi_model::{Listing, Scored, Seller, Verdict};
use soi_sqlite::SqliteStore;
use soi_store::{AlertOutbox, AlertQuery, AlertRule, AlertRules, RuleKind, Severity, Store, Tlp};

fn scored(id: &str, risk: f64) -> Scored {
    let at = Utc
        .with_ymd_and_hms(2026, 11, 20, 8, 0, 0)
        .single()
        .unwrap();
    Scored {
        listing: Listing {
            id: id.into(),
            marketplace: "demo".into(),
            title: format!("listing {id}"),
            observed_at: Some(at),
            seller: Some(Seller::new("demo", "s1")),
            ..Default::default()
        },
        verdict: Verdict {
            listing_id: id.into(),
            marketplace: "demo".into(),
            seller_id: Some("s1".into()),
            risk,
            model: "test".into(),
            scored_at: at,
            ..Default::default()
        },
    }
}

fn rules() -> AlertRules {
    AlertRules {
        rules: vec![AlertRule {
            name: "high".into(),
            when: RuleKind::ListingRisk { min_risk: 0.8 },
            severity: Severity::High,
            tlp: Tlp::Amber,
            routes: vec!["drop".into()],
            dedup_secs: 0,
        }],
    }
}

#[tokio::test]
async fn alerts_share_the_verdicts_transaction() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("soi.db");
    let store = SqliteStore::open(&path).unwrap().with_alert_rules(rules());
    {
        // Make queuing any alert fail, as a full disk or a crash mid-write would.
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch(
            "CREATE TRIGGER broken BEFORE INSERT ON alerts BEGIN SELECT RAISE(ABORT, 'broken'); END;",
        )
        .unwrap();
    }
    assert!(store.put_scored(vec![scored("1", 0.9)]).await.is_err());
    assert_eq!(
        store.counts().await.unwrap().verdicts,
        0,
        "no verdict without its alert"
    );
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch("DROP TRIGGER broken;").unwrap();
    }
    assert_eq!(store.put_scored(vec![scored("1", 0.9)]).await.unwrap(), 3);
    assert_eq!(store.counts().await.unwrap().verdicts, 1);
    let c = store.outbox_counts().await.unwrap();
    assert_eq!((c.alerts, c.pending), (1, 1));
    let listed = store.list_alerts(&AlertQuery::default()).await.unwrap();
    assert_eq!(listed[0].route, "drop");
    assert_eq!(listed[0].alert.listing.id, "1");
}

#[tokio::test]
async fn only_changed_verdicts_raise_and_no_rules_raise_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("soi.db");
    let plain = SqliteStore::open(&path).unwrap();
    plain.put_scored(vec![scored("1", 0.9)]).await.unwrap();
    assert_eq!(plain.outbox_counts().await.unwrap().alerts, 0);
    drop(plain);

    let store = SqliteStore::open(&path).unwrap().with_alert_rules(rules());
    store.put_scored(vec![scored("1", 0.9)]).await.unwrap();
    assert_eq!(
        store.outbox_counts().await.unwrap().alerts,
        0,
        "unchanged verdict"
    );
    store.put_scored(vec![scored("1", 0.95)]).await.unwrap();
    store.put_scored(vec![scored("1", 0.95)]).await.unwrap();
    store.put_scored(vec![scored("2", 0.3)]).await.unwrap();
    assert_eq!(
        store.outbox_counts().await.unwrap().alerts,
        1,
        "one changed verdict above 0.8"
    );
}
