//! `--metrics` on the embedded commands, through the real binary:
//! - `crawl_every_serves_crawl_metrics_and_stops_on_sigterm`: `soi crawl --every 1` on the demo
//!   site stays up, crawls again on schedule (the second run finds its pages unchanged) and its
//!   `/metrics` shows runs, pages per host and outcome, listings and field fill rates; `/healthz`
//!   and `/readyz` answer 200; SIGTERM stops it with exit 0.
//! - `alerts_dispatch_follow_counts_failed_and_pending_deliveries_per_route`: alerts routed to a
//!   loopback webhook that answers 500 stay pending; `soi alerts dispatch --follow` reports the
//!   failed attempts and the pending count for that route, and is ready (its store answers);
//!   SIGTERM stops it with exit 2 (deliveries still pending).
//! - `a_bad_metrics_address_is_named`: an address that does not parse, or is taken, fails the
//!   command before it does any work, naming the address.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::Stdio;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::support::{
    copy_dir, free_port, http_get, metric_sum, repo_root, run_expect, soi, wait_for, Running,
};

#[test]
fn crawl_every_serves_crawl_metrics_and_stops_on_sigterm() {
    let home = tempfile::tempdir().expect("tempdir");
    let port = free_port();
    let addr = format!("127.0.0.1:{port}");
    let child = soi(home.path())
        .args([
            "--metrics",
            &addr,
            "crawl",
            "--marketplace",
            "demo",
            "--every",
            "1",
        ])
        .args(["--output", "/dev/null"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map(Running::new)
        .expect("start soi crawl --every");
    let url = format!("http://{addr}/metrics");
    let text = wait_for(Duration::from_secs(120), "two finished crawl runs", || {
        let (code, body) = http_get(&url);
        let runs = metric_sum(&body, "soi_crawl_runs_total", &[("outcome", "ok")]);
        (code == 200 && runs.unwrap_or(0.0) >= 2.0).then_some(body)
    });
    let pages = |outcome| {
        metric_sum(
            &text,
            "soi_crawl_pages_total",
            &[("marketplace", "demo"), ("outcome", outcome)],
        )
    };
    assert!(
        pages("fetched").unwrap_or(0.0) > 0.0,
        "no fetched pages counted:\n{text}"
    );
    assert!(
        pages("unchanged").unwrap_or(0.0) > 0.0,
        "the second run found nothing unchanged:\n{text}"
    );
    assert!(
        text.contains("host=\"127.0.0.1\""),
        "pages are counted per host:\n{text}"
    );
    assert!(
        metric_sum(
            &text,
            "soi_crawl_listings_total",
            &[("marketplace", "demo")]
        )
        .unwrap_or(0.0)
            > 0.0
    );
    let title = metric_sum(
        &text,
        "soi_crawl_field_fill_ratio",
        &[("marketplace", "demo"), ("field", "listing.title")],
    );
    assert!(
        title.is_some_and(|r| r > 0.0 && r <= 1.0),
        "title fill rate {title:?}:\n{text}"
    );
    assert_eq!(
        metric_sum(&text, "soi_crawl_runs_total", &[("outcome", "failed")]),
        None
    );
    assert!(metric_sum(
        &text,
        "soi_process_start_time_seconds",
        &[("command", "crawl")]
    )
    .is_some());
    assert!(
        text.contains("# HELP soi_crawl_pages_total"),
        "metrics carry their help text"
    );
    assert_eq!(http_get(&format!("http://{addr}/healthz")).0, 200);
    assert_eq!(http_get(&format!("http://{addr}/readyz")).0, 200);
    let status = child.stop("soi crawl --every");
    assert!(status.success(), "soi crawl --every ended with {status}");
}

/// A webhook receiver on loopback that answers every request with 500; counts them.
fn failing_receiver() -> (u16, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let hits = Arc::new(AtomicUsize::new(0));
    let seen = hits.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream);
            let mut length = 0usize;
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 0) && line != "\r\n" {
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
                line.clear();
            }
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            seen.fetch_add(1, Ordering::SeqCst);
            let _ = reader.get_mut().write_all(
                b"HTTP/1.1 500 Internal Server Error\r\ncontent-length: 4\r\nconnection: close\r\n\r\ndown",
            );
        }
    });
    (port, hits)
}

/// The shipped pipelines with every rule routed to the webhook route `police` at `port`, and
/// retries that come quickly.
fn pipelines_to_webhook(dir: &Path, port: u16) {
    copy_dir(&repo_root().join("pipelines"), dir);
    let path = dir.join("alerts.toml");
    let cfg = std::fs::read_to_string(&path).expect("alerts.toml");
    let cfg = cfg
        .replace("routes = [\"drop\"]", "routes = [\"police\"]")
        .replace(
            "url = \"https://police.example.invalid/soi/alerts\"",
            &format!("url = \"http://127.0.0.1:{port}/alerts\"\nallow_http_loopback = true"),
        )
        .replace("base_secs = 2 ", "base_secs = 1 ")
        .replace("max_secs = 900 ", "max_secs = 2 ")
        .replace("max = 30, per_secs = 60", "max = 1000, per_secs = 1");
    assert!(
        cfg.contains("allow_http_loopback") && cfg.contains("max_secs = 2 "),
        "alerts.toml changed shape"
    );
    std::fs::write(&path, cfg).expect("write alerts.toml");
}

#[test]
fn alerts_dispatch_follow_counts_failed_and_pending_deliveries_per_route() {
    let home = tempfile::tempdir().expect("tempdir");
    let pipelines = home.path().join("pipelines");
    let (hook, hits) = failing_receiver();
    pipelines_to_webhook(&pipelines, hook);
    let with_pipelines = |c: &mut std::process::Command| {
        c.env("SOI_PIPELINES", &pipelines)
            .env("SOI_POLICE_WEBHOOK_SECRET", "test-secret");
    };
    let mut run = soi(home.path());
    with_pipelines(&mut run);
    run_expect(
        run.args(["run", "--demo-port", &free_port().to_string()]),
        0,
    );

    let addr = format!("127.0.0.1:{}", free_port());
    let mut dispatch = soi(home.path());
    with_pipelines(&mut dispatch);
    let child = dispatch
        .args(["--metrics", &addr, "alerts", "dispatch", "--follow"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map(Running::new)
        .expect("start soi alerts dispatch --follow");
    let url = format!("http://{addr}/metrics");
    let text = wait_for(Duration::from_secs(60), "failed deliveries counted", || {
        let (_, body) = http_get(&url);
        let failed = metric_sum(&body, "soi_alerts_failed_total", &[("route", "police")]);
        (failed.unwrap_or(0.0) >= 1.0).then_some(body)
    });
    let pending = metric_sum(&text, "soi_alerts_pending", &[("route", "police")]);
    assert!(
        pending.is_some_and(|n| n >= 5.0),
        "pending for police: {pending:?}\n{text}"
    );
    assert_eq!(
        metric_sum(&text, "soi_alerts_delivered_total", &[("route", "police")]),
        None
    );
    assert!(
        hits.load(Ordering::SeqCst) > 0,
        "the receiver was never called"
    );
    assert_eq!(http_get(&format!("http://{addr}/readyz")).0, 200);
    // Stopped with deliveries still pending: exit 2, as without --follow.
    let status = child.stop("soi alerts dispatch --follow");
    assert_eq!(
        status.code(),
        Some(2),
        "dispatch --follow ended with {status}"
    );
}

#[test]
fn a_bad_metrics_address_is_named() {
    let home = tempfile::tempdir().expect("tempdir");
    let out = run_expect(
        soi(home.path()).args(["--metrics", "localhost-9464", "crawl"]),
        1,
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("localhost-9464"), "{err}");

    let taken = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = taken.local_addr().expect("addr").to_string();
    let out = run_expect(soi(home.path()).args(["--metrics", &addr, "crawl"]), 1);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&addr), "{err}");
    assert!(
        !home.path().join("crawl").exists(),
        "the crawl ran though its endpoint failed"
    );
}
