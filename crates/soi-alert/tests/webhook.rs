//! Webhook hardening against real receivers on 127.0.0.1: redirects are not followed (the body
//! and its signature never reach a second host), plain http only to loopback and only when the
//! route says so, no empty secrets, no URL (and no token in it) in stored errors, the idempotency
//! key inside the signed body; and out-of-range times in `alerts.toml` refused at load.

#[allow(dead_code)]
mod common;

use std::sync::Arc;

use chrono::Duration;
use common::receiver::Receiver;
use common::{scored, t0};
use soi_alert::sign::{sign, verify_request};
use soi_alert::{AlertsConfig, Dispatcher, ManualClock};
use soi_sqlite::SqliteStore;
use soi_store::{AlertOutbox, AlertQuery, DeliveryStatus, Store};

const SECRET_ENV: &str = "SOI_TEST_WEBHOOK_SECRET";
const SECRET: &str = "webhook-test-secret";

fn text(url: &str, extra: &str) -> String {
    format!(
        r#"
        [routes.police]
        kind = "webhook"
        url = "{url}"
        secret_env = "{SECRET_ENV}"
        {extra}
        [[rules]]
        name = "high-risk"
        kind = "listing_risk"
        min_risk = 0.8
        severity = "high"
        tlp = "amber"
        routes = ["police"]
        "#
    )
}

fn loopback(url: &str) -> AlertsConfig {
    std::env::set_var(SECRET_ENV, SECRET);
    AlertsConfig::parse(&text(url, "allow_http_loopback = true"), "test").unwrap()
}

/// One alert queued for `cfg`'s webhook, and a dispatcher for it.
async fn one_alert(dir: &tempfile::TempDir, cfg: &AlertsConfig) -> (SqliteStore, Dispatcher) {
    let store = SqliteStore::open(&dir.path().join("soi.db"))
        .unwrap()
        .with_alert_rules(cfg.store_rules());
    store
        .put_scored(vec![scored("l1", "s1", 0.95, &["off_platform_contact"], 0)])
        .await
        .unwrap();
    let clock = Arc::new(ManualClock::new(t0() + Duration::hours(1)));
    let d = Dispatcher::new(Arc::new(store.clone()), cfg, clock).unwrap();
    (store, d)
}

#[tokio::test]
async fn redirects_are_not_followed() {
    let dir = tempfile::tempdir().unwrap();
    let second = Receiver::start("127.0.0.1:0".parse().unwrap(), 0).await;
    let first = Receiver::redirecting(second.url()).await;
    let cfg = loopback(&first.url());
    let (store, d) = one_alert(&dir, &cfg).await;
    let r = d.pass().await.unwrap();
    assert_eq!(r.failed, 1, "a redirect is a failure: {r:?}");
    assert_eq!(first.requests().len(), 1);
    assert!(
        second.requests().is_empty(),
        "the body went to a second host"
    );
    let listed = store.list_alerts(&AlertQuery::default()).await.unwrap();
    assert_eq!(listed[0].status, DeliveryStatus::Failed);
    let error = listed[0].last_error.clone().unwrap_or_default();
    assert!(error.contains("307"), "{error}");
}

#[tokio::test]
async fn stored_errors_carry_no_url() {
    let dir = tempfile::tempdir().unwrap();
    let port = {
        let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        l.local_addr().unwrap().port()
    };
    let url = format!("http://127.0.0.1:{port}/hooks/PATHTOKEN?token=QUERYTOKEN");
    let cfg = loopback(&url);
    let (store, d) = one_alert(&dir, &cfg).await;
    assert_eq!(d.pass().await.unwrap().retried, 1);
    let listed = store.list_alerts(&AlertQuery::default()).await.unwrap();
    let error = listed[0].last_error.clone().unwrap_or_default();
    let log = store.delivery_log(None).await.unwrap();
    for t in [error.as_str(), log[0].detail.as_str()] {
        assert!(!t.contains("TOKEN"), "a token in a stored error: {t}");
        assert!(
            t.contains(&format!("http://127.0.0.1:{port}/[redacted]")),
            "{t}"
        );
    }
}

#[tokio::test]
async fn the_signed_body_carries_the_idempotency_key() {
    let dir = tempfile::tempdir().unwrap();
    let rx = Receiver::start("127.0.0.1:0".parse().unwrap(), 0).await;
    let cfg = loopback(&rx.url());
    let (_store, d) = one_alert(&dir, &cfg).await;
    assert_eq!(d.pass().await.unwrap().delivered, 1);
    let req = rx.requests().pop().unwrap();
    let now = (t0() + Duration::hours(1)).timestamp();
    let check = |key: &str, body: &[u8], sig: &str| {
        verify_request(SECRET.as_bytes(), &req.timestamp, sig, key, body, now, 300)
    };
    check(&req.key, &req.body, &req.signature).unwrap();
    // The header alone could be swapped to replay the body under a fresh key.
    let e = check("fresh-key", &req.body, &req.signature).unwrap_err();
    assert!(e.to_string().contains("idempotency"), "{e}");
    // A body signed without its key is refused too.
    let ts: i64 = req.timestamp.parse().unwrap();
    let bare = br#"{"summary":{}}"#;
    let e = check(&req.key, bare, &sign(SECRET.as_bytes(), ts, bare)).unwrap_err();
    assert!(e.to_string().contains("idempotency"), "{e}");
}

#[test]
fn plain_http_only_to_loopback_and_only_when_allowed() {
    std::env::set_var(SECRET_ENV, SECRET);
    let parse = |url: &str, extra: &str| AlertsConfig::parse(&text(url, extra), "t");
    let allow = "allow_http_loopback = true";
    parse("https://police.example/hook", "").unwrap();
    parse("http://127.0.0.1:9/hook", allow).unwrap();
    parse("http://127.8.9.10:9/hook", allow).unwrap();
    parse("http://[::1]:9/hook", allow).unwrap();
    let e = parse("http://127.0.0.1:9/hook", "")
        .unwrap_err()
        .to_string();
    assert!(e.contains("route `police`") && e.contains("https"), "{e}");
    for url in [
        "http://police.example/hook?token=T0KEN",
        "http://localhost:9/hook",
        "http://10.0.0.1/hook",
    ] {
        let e = parse(url, allow).unwrap_err().to_string();
        assert!(e.contains("loopback"), "{url}: {e}");
        assert!(!e.contains("T0KEN"), "{e}");
    }
}

#[test]
fn empty_secrets_are_refused_at_load() {
    let e = AlertsConfig::parse(
        &text("https://p.example/h", "").replace(SECRET_ENV, ""),
        "t",
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("route `police`") && e.contains("secret_env"),
        "{e}"
    );
    let env = "SOI_TEST_EMPTY_WEBHOOK_SECRET";
    std::env::set_var(env, "");
    let cfg = AlertsConfig::parse(
        &text("https://p.example/h", "").replace(SECRET_ENV, env),
        "t",
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("soi.db")).unwrap();
    let clock = Arc::new(ManualClock::new(t0()));
    let e = Dispatcher::new(Arc::new(store), &cfg, clock)
        .err()
        .expect("an empty secret is refused")
        .to_string();
    assert!(e.contains("route `police`") && e.contains("empty"), "{e}");
}

#[test]
fn times_out_of_range_are_refused_at_load() {
    std::env::set_var(SECRET_ENV, SECRET);
    let base = text("https://p.example/h", "");
    let ten_years_and_one = "315360001";
    let cases = [
        (
            base.replace(
                "routes = [\"police\"]",
                &format!("routes = [\"police\"]\ndedup_secs = {ten_years_and_one}"),
            ),
            "dedup_secs",
        ),
        (
            base.replace(
                "routes = [\"police\"]",
                "routes = [\"police\"]\ndedup_secs = -1",
            ),
            "dedup_secs",
        ),
        (
            base.replace(
                "\"listing_risk\"",
                &format!("\"seller_flagged\"\ncount = 2\nwindow_secs = {ten_years_and_one}"),
            ),
            "window_secs",
        ),
        (
            base.replace(
                "secret_env",
                &format!("rate_limit = {{ max = 1, per_secs = {ten_years_and_one} }}\nsecret_env"),
            ),
            "per_secs",
        ),
        (
            format!("[retry]\nmax_secs = {ten_years_and_one}\n{base}"),
            "max_secs",
        ),
        (format!("[retry]\nbase_secs = nan\n{base}"), "base_secs"),
    ];
    for (t, key) in cases {
        let e = AlertsConfig::parse(&t, "t").unwrap_err().to_string();
        assert!(e.contains(key), "`{key}` not named: {e}");
    }
}
