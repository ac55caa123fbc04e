//! The alert outbox and dispatcher against real components: a SQLite store file, a webhook
//! receiver on 127.0.0.1 and file-drop folders. Time is a hand-moved clock, so backoff, dedup and
//! rate limits are checked exactly, without sleeping or timing anything.
//!
//! - `down_then_up`: receiver down, then up; restart of soi: every alert arrives exactly once.
//! - `server_error_is_retried`: a 500 is retried after the backoff and logged.
//! - `tampered_payload_fails_verification`: signatures verify; tampering and old timestamps fail.
//! - `dedup_window`: a second alert for the same seller and rule within the window is suppressed.
//! - `rate_limit`: a route never gets more than its limit per window.
//! - `replay_and_lease`: re-storing the same verdicts raises nothing; a crashed claim is resent.
//! - `drain_waits_out_the_backoff_on_the_real_clock`: `soi alerts dispatch`'s loop.
//! - every bundle produced here passes the independent `stix2` check.

mod common;

use std::net::SocketAddr;
use std::sync::Arc;

use chrono::Duration;
use common::receiver::Receiver;
use common::{check_stix, scored, t0};
use soi_alert::sign::verify;
use soi_alert::{AlertsConfig, Dispatcher, ManualClock};
use soi_sqlite::SqliteStore;
use soi_store::{AlertOutbox, AlertQuery, DeliveryStatus, Store};

const SECRET_ENV: &str = "SOI_TEST_ALERT_SECRET";
const SECRET: &str = "s3cret-for-tests";

fn config(url: &str, rate: &str, dedup_secs: i64, drop_dir: &std::path::Path) -> AlertsConfig {
    std::env::set_var(SECRET_ENV, SECRET);
    let text = format!(
        r#"
        [retry]
        base_secs = 10
        max_secs = 60
        max_attempts = 5
        [routes.police]
        kind = "webhook"
        url = "{url}"
        secret_env = "{SECRET_ENV}"
        timeout_secs = 5
        allow_http_loopback = true
        {rate}
        [routes.drop]
        kind = "file"
        dir = "{}"
        [[rules]]
        name = "high-risk"
        kind = "listing_risk"
        min_risk = 0.8
        severity = "high"
        tlp = "amber"
        routes = ["police"]
        dedup_secs = {dedup_secs}
        [[rules]]
        name = "blocklisted"
        kind = "blocklisted_domain"
        severity = "critical"
        tlp = "red"
        routes = ["drop"]
        [[rules]]
        name = "cross-border"
        kind = "cross_border"
        min_risk = 0.5
        severity = "medium"
        tlp = "green"
        routes = ["drop"]
        [[rules]]
        name = "repeat-seller"
        kind = "seller_flagged"
        count = 3
        window_secs = 86400
        severity = "high"
        tlp = "white"
        routes = ["drop"]
        "#,
        drop_dir.display()
    );
    AlertsConfig::parse(&text, "test").unwrap()
}

fn open(path: &std::path::Path, cfg: &AlertsConfig) -> SqliteStore {
    SqliteStore::open(path)
        .unwrap()
        .with_alert_rules(cfg.store_rules())
}

fn dispatcher(store: &SqliteStore, cfg: &AlertsConfig, clock: &Arc<ManualClock>) -> Dispatcher {
    Dispatcher::new(Arc::new(store.clone()), cfg, clock.clone()).unwrap()
}

/// A loopback port nobody listens on (bound, then released).
async fn free_addr() -> SocketAddr {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    l.local_addr().unwrap()
}

/// Five high-risk listings from five sellers (one alert each on the webhook).
fn five_sellers() -> Vec<soi_model::Scored> {
    (0..5)
        .map(|i| {
            scored(
                &format!("l{i}"),
                &format!("s{i}"),
                0.9,
                &["off_platform_contact"],
                i,
            )
        })
        .collect()
}

async fn webhook_keys(store: &SqliteStore, status: Option<DeliveryStatus>) -> Vec<String> {
    let q = AlertQuery {
        status,
        rule: Some("high-risk".into()),
        ..Default::default()
    };
    store
        .list_alerts(&q)
        .await
        .unwrap()
        .into_iter()
        .map(|d| d.alert.key)
        .collect()
}

#[tokio::test]
async fn down_then_up() {
    let dir = tempfile::tempdir().unwrap();
    let addr = free_addr().await;
    let cfg = config(
        &format!("http://{addr}/alerts"),
        "",
        0,
        &dir.path().join("drop"),
    );
    let db = dir.path().join("soi.db");
    let store = open(&db, &cfg);
    store.put_scored(five_sellers()).await.unwrap();
    let expected = webhook_keys(&store, None).await;
    assert_eq!(expected.len(), 5);

    let clock = Arc::new(ManualClock::new(t0() + Duration::hours(1)));
    let d = dispatcher(&store, &cfg, &clock);
    // Receiver down: every attempt fails and is scheduled again after the backoff.
    let r = d.pass().await.unwrap();
    assert_eq!(r.retried, 5, "{r:?}");
    assert_eq!(
        d.pass().await.unwrap().touched(),
        0,
        "nothing is due before the backoff"
    );

    // Receiver up; soi "restarts": a new store handle and a new dispatcher on the same file.
    let rx = Receiver::start(addr, 0).await;
    drop(d);
    drop(store);
    let store = open(&db, &cfg);
    let d = dispatcher(&store, &cfg, &clock);
    clock.advance(Duration::seconds(10));
    let r = d.pass().await.unwrap();
    assert_eq!(r.delivered, 5, "{r:?}");
    for _ in 0..3 {
        clock.advance(Duration::minutes(10));
        assert_eq!(d.pass().await.unwrap().touched(), 0);
    }
    let mut got = rx.accepted();
    got.sort();
    let mut want = expected.clone();
    want.sort();
    assert_eq!(got, want, "every alert arrives");
    assert_eq!(rx.requests().len(), 5, "and exactly once");
    assert_eq!(
        webhook_keys(&store, Some(DeliveryStatus::Delivered))
            .await
            .len(),
        5
    );
    let log = store.delivery_log(Some(&expected[0])).await.unwrap();
    let outcomes: Vec<_> = log.iter().map(|e| e.outcome.as_str()).collect();
    assert_eq!(outcomes, ["retry", "delivered"]);
    assert!(log[0].detail.contains("request failed"), "{:?}", log[0]);

    // The payloads received are valid STIX, and the file drops of the other rules too.
    let bodies = dir.path().join("received");
    std::fs::create_dir_all(&bodies).unwrap();
    for (i, r) in rx.requests().iter().enumerate() {
        std::fs::write(bodies.join(format!("{i}.json")), &r.body).unwrap();
    }
    check_stix(&bodies);
}

#[tokio::test]
async fn server_error_is_retried() {
    let dir = tempfile::tempdir().unwrap();
    let rx = Receiver::start("127.0.0.1:0".parse().unwrap(), 1).await;
    let cfg = config(&rx.url(), "", 0, &dir.path().join("drop"));
    let store = open(&dir.path().join("soi.db"), &cfg);
    store
        .put_scored(vec![scored(
            "l1",
            "s1",
            0.95,
            &["deposit_before_delivery"],
            0,
        )])
        .await
        .unwrap();
    let clock = Arc::new(ManualClock::new(t0()));
    let d = dispatcher(&store, &cfg, &clock);
    assert_eq!(d.pass().await.unwrap().retried, 1);
    clock.advance(Duration::seconds(9));
    assert_eq!(d.pass().await.unwrap().touched(), 0, "backoff is 10 s");
    clock.advance(Duration::seconds(1));
    assert_eq!(d.pass().await.unwrap().delivered, 1);
    let statuses: Vec<u16> = rx.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [500, 200]);
    let log = store.delivery_log(None).await.unwrap();
    let summary: Vec<_> = log
        .iter()
        .map(|e| (e.attempt, e.outcome.as_str(), e.detail.as_str()))
        .collect();
    assert_eq!(
        summary,
        [(1, "retry", "HTTP 500"), (2, "delivered", "HTTP 200")]
    );
    assert_eq!(log[1].started_at, t0() + Duration::seconds(10));
}

#[tokio::test]
async fn tampered_payload_fails_verification() {
    let dir = tempfile::tempdir().unwrap();
    let rx = Receiver::start("127.0.0.1:0".parse().unwrap(), 0).await;
    let cfg = config(&rx.url(), "", 0, &dir.path().join("drop"));
    let store = open(&dir.path().join("soi.db"), &cfg);
    store
        .put_scored(vec![scored("l1", "s1", 0.95, &["off_platform_contact"], 0)])
        .await
        .unwrap();
    let clock = Arc::new(ManualClock::new(t0()));
    dispatcher(&store, &cfg, &clock).pass().await.unwrap();
    let req = rx.requests().pop().expect("one request");
    let now = t0().timestamp();
    verify(
        SECRET.as_bytes(),
        &req.timestamp,
        &req.signature,
        &req.body,
        now,
        300,
    )
    .unwrap();

    let mut tampered = req.body.clone();
    let pos = tampered
        .iter()
        .position(|b| *b == b'9')
        .expect("a digit to change");
    tampered[pos] = b'1';
    let e = verify(
        SECRET.as_bytes(),
        &req.timestamp,
        &req.signature,
        &tampered,
        now,
        300,
    );
    assert!(e.is_err(), "tampered body must fail");
    let e = verify(
        b"wrong",
        &req.timestamp,
        &req.signature,
        &req.body,
        now,
        300,
    );
    assert!(e.is_err(), "wrong secret must fail");
    let e = verify(
        SECRET.as_bytes(),
        &req.timestamp,
        &req.signature,
        &req.body,
        now + 301,
        300,
    )
    .unwrap_err();
    assert!(e.to_string().contains("away from now"), "{e}");
    let payload: serde_json::Value = serde_json::from_slice(&req.body).unwrap();
    assert_eq!(payload["summary"]["tlp"], "TLP:AMBER");
    assert!(payload["summary"]["headline_vi"]
        .as_str()
        .unwrap()
        .contains("rủi ro"));
    assert_eq!(payload["idempotency_key"], req.key.as_str());
}

#[tokio::test]
async fn dedup_window() {
    let dir = tempfile::tempdir().unwrap();
    let rx = Receiver::start("127.0.0.1:0".parse().unwrap(), 0).await;
    let cfg = config(&rx.url(), "", 3600, &dir.path().join("drop"));
    let store = open(&dir.path().join("soi.db"), &cfg);
    // Same seller: at 0 min, 30 min (inside the hour: suppressed), 2 h (outside: a new alert).
    // Another seller at 30 min is not affected.
    store
        .put_scored(vec![
            scored("a1", "s1", 0.9, &[], 0),
            scored("a2", "s1", 0.9, &[], 30),
            scored("a3", "s1", 0.9, &[], 120),
            scored("b1", "s2", 0.9, &[], 30),
        ])
        .await
        .unwrap();
    let c = store.outbox_counts().await.unwrap();
    // a3 also raises repeat-seller (3 flagged listings of s1 within a day), to the file drop.
    assert_eq!((c.alerts, c.suppressed, c.pending), (5, 1, 4), "{c:?}");
    let clock = Arc::new(ManualClock::new(t0() + Duration::hours(3)));
    dispatcher(&store, &cfg, &clock).pass().await.unwrap();
    let mut listings: Vec<String> = rx
        .requests()
        .iter()
        .map(|r| {
            let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
            v["summary"]["listing_id"].as_str().unwrap().to_string()
        })
        .collect();
    listings.sort();
    assert_eq!(listings, ["a1", "a3", "b1"]);
}

#[tokio::test]
async fn rate_limit() {
    let dir = tempfile::tempdir().unwrap();
    let rx = Receiver::start("127.0.0.1:0".parse().unwrap(), 0).await;
    let rate = "rate_limit = { max = 2, per_secs = 60 }";
    let cfg = config(&rx.url(), rate, 0, &dir.path().join("drop"));
    let store = open(&dir.path().join("soi.db"), &cfg);
    store.put_scored(five_sellers()).await.unwrap();
    let clock = Arc::new(ManualClock::new(t0() + Duration::hours(1)));
    let d = dispatcher(&store, &cfg, &clock);
    let r = d.pass().await.unwrap();
    assert_eq!((r.delivered, r.deferred), (2, 3), "{r:?}");
    clock.advance(Duration::seconds(59));
    assert_eq!(
        d.pass().await.unwrap().delivered,
        0,
        "still inside the window"
    );
    assert_eq!(rx.requests().len(), 2);
    clock.advance(Duration::seconds(1));
    assert_eq!(d.pass().await.unwrap().delivered, 2);
    clock.advance(Duration::seconds(60));
    assert_eq!(d.pass().await.unwrap().delivered, 1);
    // No window of 60 s ever saw more than 2 requests.
    let log = store.delivery_log(None).await.unwrap();
    for e in &log {
        let inside = log
            .iter()
            .filter(|o| {
                o.started_at >= e.started_at && o.started_at < e.started_at + Duration::seconds(60)
            })
            .count();
        assert!(
            inside <= 2,
            "{inside} attempts within 60 s of {}",
            e.started_at
        );
    }
    assert_eq!(rx.accepted().len(), 5);
    assert_eq!(rx.requests().len(), 5);
}

#[tokio::test]
async fn replay_and_lease() {
    let dir = tempfile::tempdir().unwrap();
    let rx = Receiver::start("127.0.0.1:0".parse().unwrap(), 0).await;
    let drop_dir = dir.path().join("drop");
    let cfg = config(&rx.url(), "", 0, &drop_dir);
    let db = dir.path().join("soi.db");
    let store = open(&db, &cfg);
    let mut batch = five_sellers();
    // A cross-border seller with a blocklisted link and three flagged listings in a day.
    for i in 0..3 {
        batch.push(scored(
            &format!("cn{i}"),
            "cn-shop",
            0.97,
            &[
                "blocklisted_domain",
                "cross_border_posing_local",
                "off_platform_contact",
            ],
            60 + i,
        ));
    }
    store.put_scored(batch.clone()).await.unwrap();
    let before = store.outbox_counts().await.unwrap();
    // Same input again (scored later, same content): the verdicts did not change, nothing new.
    let mut again = batch.clone();
    for s in &mut again {
        s.verdict.scored_at += Duration::days(1);
    }
    assert_eq!(store.put_scored(again).await.unwrap(), 0);
    assert_eq!(store.outbox_counts().await.unwrap(), before);
    // 5 + 3 high-risk (no dedup window here), and for cn-shop: the blocklisted and cross-border
    // rules (deduplicated per seller by their default one-day window) and repeat-seller once.
    let rules: Vec<String> = store
        .list_alerts(&AlertQuery::default())
        .await
        .unwrap()
        .into_iter()
        .map(|d| d.alert.rule)
        .collect();
    let count = |r: &str| rules.iter().filter(|x| *x == r).count();
    assert_eq!(
        (
            count("high-risk"),
            count("blocklisted"),
            count("cross-border"),
            count("repeat-seller")
        ),
        (8, 1, 1, 1),
        "{rules:?}"
    );

    // A dispatcher claims everything and dies before sending: after the lease, another sends.
    let clock = Arc::new(ManualClock::new(t0() + Duration::hours(2)));
    let claimed = store
        .claim_due(clock.now_for_test(), 100, Duration::seconds(60))
        .await
        .unwrap();
    assert_eq!(claimed.len(), 11);
    let d = dispatcher(&open(&db, &cfg), &cfg, &clock);
    assert_eq!(
        d.pass().await.unwrap().touched(),
        0,
        "leased to the dead dispatcher"
    );
    clock.advance(Duration::seconds(60));
    assert_eq!(d.pass().await.unwrap().delivered, 11);
    assert_eq!(rx.requests().len(), 8);
    let files: Vec<_> = std::fs::read_dir(&drop_dir).unwrap().collect();
    assert_eq!(
        files.len(),
        3,
        "one file per file-drop alert, no temporaries"
    );
    let c = store.outbox_counts().await.unwrap();
    assert_eq!((c.pending, c.delivered, c.failed), (0, 11, 0));
    check_stix(&drop_dir);
    let one = std::fs::read_to_string(files[0].as_ref().unwrap().path()).unwrap();
    assert!(one.contains("\"stix\""));
}

trait NowForTest {
    fn now_for_test(&self) -> chrono::DateTime<chrono::Utc>;
}

impl NowForTest for ManualClock {
    fn now_for_test(&self) -> chrono::DateTime<chrono::Utc> {
        soi_alert::Clock::now(self)
    }
}

#[tokio::test]
async fn drain_waits_out_the_backoff_on_the_real_clock() {
    let dir = tempfile::tempdir().unwrap();
    let rx = Receiver::start("127.0.0.1:0".parse().unwrap(), 2).await;
    let cfg = config(&rx.url(), "", 0, &dir.path().join("drop"));
    let mut cfg = cfg;
    cfg.retry.base_secs = 0.05;
    let store = open(&dir.path().join("soi.db"), &cfg);
    store.put_scored(five_sellers()).await.unwrap();
    let d = Dispatcher::new(
        Arc::new(store.clone()),
        &cfg,
        Arc::new(soi_alert::SystemClock),
    )
    .unwrap();
    let r = d.drain(std::time::Duration::from_secs(30)).await.unwrap();
    assert_eq!((r.delivered, r.retried, r.failed), (5, 10, 0), "{r:?}");
    assert_eq!(rx.accepted().len(), 5);
    assert_eq!(store.outbox_counts().await.unwrap().pending, 0);
}

#[tokio::test]
async fn an_alert_names_the_sellers_linked_accounts() {
    use soi_store::links::{LinkBatch, LinkRow, LinkSide, SellerRef};
    use soi_store::LinkStore;
    let dir = tempfile::tempdir().unwrap();
    let rx = Receiver::start("127.0.0.1:0".parse().unwrap(), 0).await;
    let drop_dir = dir.path().join("drop");
    let cfg = config(&rx.url(), "", 0, &drop_dir);
    let store = open(&dir.path().join("soi.db"), &cfg);
    let side = |m: &str, s: &str, quote: &str| LinkSide {
        seller: SellerRef::new(m, s),
        listing_id: format!("{s}-1"),
        field: "description".into(),
        start: 0,
        end: quote.chars().count(),
        quote: quote.into(),
    };
    let link = |b: LinkSide| LinkRow {
        kind: "zalo".into(),
        value: "0988777666".into(),
        a: side("demo", "s0", "zalo.me/0988777666"),
        b,
        found_at: t0(),
    };
    let batch = LinkBatch {
        links: vec![
            link(side("lazada", "l1", "Zalo 0988 777 666")),
            link(side("tiki", "t1", "zalo.me/0988777666")),
        ],
        ..Default::default()
    };
    assert_eq!(store.put_link_batch(&batch).await.unwrap(), 2);
    store
        .put_scored(vec![
            scored("l0", "s0", 0.9, &["off_platform_contact"], 0),
            scored("l1", "s1", 0.9, &["off_platform_contact"], 1),
        ])
        .await
        .unwrap();
    let clock = Arc::new(ManualClock::new(t0() + Duration::hours(1)));
    let d = dispatcher(&store, &cfg, &clock).with_links(Arc::new(store.clone()));
    assert_eq!(d.pass().await.unwrap().delivered, 2);
    let bodies: Vec<serde_json::Value> = rx
        .requests()
        .iter()
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect();
    let of = |seller: &str| {
        bodies
            .iter()
            .find(|b| b["summary"]["seller_id"] == seller)
            .map(|b| b["summary"].clone())
            .unwrap()
    };
    let s0 = of("s0");
    assert_eq!(
        s0["linked_en"],
        "2 linked accounts on lazada and tiki share this seller's Zalo account"
    );
    assert_eq!(s0["linked_accounts"].as_array().map(Vec::len), Some(2));
    assert_eq!(s0["linked_accounts"][0]["value"], "0988777666");
    let s1 = of("s1");
    assert!(
        s1.get("linked_en").is_none(),
        "an unlinked seller's alert says nothing: {s1}"
    );
}
