//! The sink against hostile messages, over the in-process bus and a real SQLite store: forged
//! verdicts are dead-lettered with the reason, a record the store refuses for its own content is
//! dead-lettered while the rest of its batch is stored, and a failing store stops the stage.

use std::sync::Arc;

use chrono::Utc;
use soi_bus::{Bus, InProcBus, TOPIC_DLQ, TOPIC_SCORED};
use soi_model::{Envelope, Kind, Listing, Reason, Scored, Seller, Verdict};
use soi_pipeline::{run_scored_sink, BatchOptions, DeadLetter, PipelineError, StageReport};
use soi_sqlite::SqliteStore;
use soi_store::{AlertOutbox, AlertRule, AlertRules, RuleKind, Severity, Store, Tlp};

fn scored(id: &str) -> Scored {
    let title = "ib zalo 0900 giá rẻ";
    Scored {
        listing: Listing {
            id: id.into(),
            marketplace: "demo".into(),
            title: title.into(),
            seller: Some(Seller::new("demo", "s1")),
            ..Default::default()
        },
        verdict: Verdict {
            listing_id: id.into(),
            marketplace: "demo".into(),
            seller_id: Some("s1".into()),
            risk: 0.9,
            heads: [("scam".to_string(), 0.8)].into(),
            reasons: vec![Reason {
                code: "off_platform_contact".into(),
                message: "m".into(),
                field: "title".into(),
                start: 0,
                end: 7,
                evidence: "ib zalo".into(),
                ..Default::default()
            }],
            model: "test".into(),
            scored_at: Utc::now(),
        },
    }
}

fn rules() -> AlertRules {
    AlertRules {
        rules: vec![AlertRule {
            name: "high".into(),
            when: RuleKind::ListingRisk { min_risk: 0.5 },
            severity: Severity::High,
            tlp: Tlp::Amber,
            routes: vec!["drop".into()],
            dedup_secs: 86_400,
        }],
    }
}

/// Publishes `messages` to the scored topic, runs the sink to the end, and returns its result
/// with every dead letter.
async fn sink(
    store: Arc<dyn Store>,
    messages: Vec<Scored>,
) -> (Result<StageReport, PipelineError>, Vec<DeadLetter>) {
    let bus = InProcBus::new(256);
    let mut dlq = bus.subscribe(TOPIC_DLQ, "test").await.unwrap();
    let p = bus.publisher();
    for s in messages {
        let key = s.listing.key();
        p.publish(
            TOPIC_SCORED,
            &key,
            Envelope::new(Kind::Scored, key.clone(), s).to_bytes(),
        )
        .await
        .unwrap();
    }
    bus.close(TOPIC_SCORED).await.unwrap();
    let opts = BatchOptions::default();
    let result = run_scored_sink(&bus, "g", store, opts, &|_: &StageReport| {}).await;
    bus.close(TOPIC_DLQ).await.unwrap();
    let mut dead = Vec::new();
    while let Some(d) = dlq.next().await.unwrap() {
        dead.push(serde_json::from_slice(&d.message.payload).unwrap());
    }
    (result, dead)
}

fn open(dir: &tempfile::TempDir) -> SqliteStore {
    SqliteStore::open(&dir.path().join("soi.db"))
        .unwrap()
        .with_alert_rules(rules())
}

#[tokio::test]
async fn a_record_the_store_refuses_is_dead_lettered_and_the_rest_stored() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    // The model refuses dates no stage can compute with, so the store's refusal is planted in
    // the store itself: a constraint (here a trigger) that one record's content violates.
    rusqlite::Connection::open(dir.path().join("soi.db"))
        .unwrap()
        .execute_batch(
            "CREATE TRIGGER refuse_bad BEFORE INSERT ON verdicts WHEN NEW.listing_id = 'bad' \
             BEGIN SELECT RAISE(ABORT, 'constraint refuses this record'); END;",
        )
        .unwrap();
    let mut batch: Vec<Scored> = (0..4).map(|i| scored(&format!("g{i}"))).collect();
    batch.insert(2, scored("bad"));
    let (report, dead) = sink(Arc::new(store.clone()), batch).await;
    let report = report.expect("the stage goes on");
    assert_eq!(
        (report.processed, report.dead_lettered),
        (4, 1),
        "{report:?}"
    );
    assert_eq!(dead.len(), 1, "{dead:?}");
    assert_eq!(dead[0].key, "demo/bad");
    assert!(
        dead[0].error.contains("constraint refuses this record"),
        "{}",
        dead[0].error
    );
    assert_eq!(store.counts().await.unwrap().verdicts, 4);
    assert_eq!(store.outbox_counts().await.unwrap().alerts, 4);
}

#[tokio::test]
async fn a_failing_store_stops_the_stage_without_dead_letters() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    // Every verdict insert fails, as a broken store would (set up through a second connection).
    rusqlite::Connection::open(dir.path().join("soi.db"))
        .unwrap()
        .execute_batch("ALTER TABLE verdicts RENAME TO verdicts_gone;")
        .unwrap();
    let (report, dead) = sink(Arc::new(store.clone()), vec![scored("g0")]).await;
    assert!(report.is_err(), "{report:?}");
    assert!(dead.is_empty(), "{dead:?}");
    rusqlite::Connection::open(dir.path().join("soi.db"))
        .unwrap()
        .execute_batch("ALTER TABLE verdicts_gone RENAME TO verdicts;")
        .unwrap();
    assert_eq!(store.counts().await.unwrap().verdicts, 0);
}

#[tokio::test]
async fn forged_messages_are_dead_lettered_with_the_reason() {
    type Forge = fn(&mut Scored);
    let forged: Vec<(Forge, &str)> = vec![
        (|s| s.verdict.risk = 1.5, "risk 1.5"),
        (
            |s| {
                s.verdict.heads.insert("scam".into(), 2.0);
            },
            "heads.scam",
        ),
        (|s| s.verdict.listing_id = "other".into(), "listing `other`"),
        (
            |s| s.verdict.marketplace = "shopee".into(),
            "marketplace `shopee`",
        ),
        (|s| s.verdict.seller_id = Some("s2".into()), "seller"),
        (
            |s| {
                if let Some(x) = s.listing.seller.as_mut() {
                    x.marketplace = "other".into();
                }
            },
            "of marketplace `other`",
        ),
        (|s| s.verdict.reasons[0].end = 99, "outside field `title`"),
        (
            |s| s.verdict.reasons[0].evidence = "chuyển khoản".into(),
            "does not quote",
        ),
        (
            |s| s.verdict.reasons[0].field = "seller.password".into(),
            "not a text",
        ),
        (
            |s| s.verdict.reasons[0].code = "Police Now".into(),
            "code `Police Now`",
        ),
        (
            |s| {
                let r = s.verdict.reasons[0].clone();
                s.verdict.reasons = vec![r; 65];
            },
            "reasons (at most",
        ),
        (|s| s.listing.title = String::new(), "`title`"),
    ];
    let mut batch = vec![scored("good")];
    for (i, (forge, _)) in forged.iter().enumerate() {
        let mut s = scored(&format!("f{i}"));
        forge(&mut s);
        batch.push(s);
    }
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    let (report, dead) = sink(Arc::new(store.clone()), batch).await;
    let report = report.unwrap();
    assert_eq!(
        (report.processed, report.dead_lettered),
        (1, forged.len() as u64)
    );
    assert_eq!(dead.len(), forged.len());
    for (i, ((_, want), d)) in forged.iter().zip(&dead).enumerate() {
        assert_eq!(d.key, format!("demo/f{i}"));
        assert!(
            d.error.contains(want),
            "forgery {i}: `{want}` not in `{}`",
            d.error
        );
    }
    assert_eq!(store.counts().await.unwrap().verdicts, 1);
    assert_eq!(
        store.outbox_counts().await.unwrap().alerts,
        1,
        "no planted alerts"
    );
}
