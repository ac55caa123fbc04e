//! The metrics endpoint of long-running commands (`--metrics ADDR`): `/metrics` in Prometheus'
//! text format, `/healthz` (the process answers) and `/readyz` (connected, see [`readiness`]).
//!
//! The libraries record through the `metrics` facade; here the Prometheus recorder of
//! `metrics-exporter-prometheus` is installed (without its own HTTP listener, so no second HTTP
//! and TLS stack) and its rendering served by the small loopback server the crawler's tests and
//! the demo marketplace already use. A background task refreshes the readiness gauges (bus and
//! store up, consumer lag) every few seconds, so Prometheus sees lag without probes calling.

pub mod readiness;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use hyper::{Method, StatusCode};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use soi_crawl::serve::{reply, start_with, Handler, ServerHandle};
use soi_telemetry::names;

pub use readiness::Readiness;

/// How often the lag and up gauges are refreshed.
const REFRESH: Duration = Duration::from_secs(5);

/// Bucket bounds: latencies from a millisecond to a minute, batch sizes up to the largest
/// configurable batch, scores on [0, 1] in tenths (enough to see a distribution shift).
const SECONDS: &[f64] = &[
    0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0,
];
const SIZES: &[f64] = &[1.0, 8.0, 32.0, 64.0, 128.0, 256.0, 512.0, 1024.0, 4096.0];
const SCORES: &[f64] = &[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0];

/// The running endpoint; dropping it stops the server.
pub struct Endpoint {
    _server: ServerHandle,
}

/// Installs the recorder and serves the endpoint on `addr` for `command`.
pub async fn start(
    addr: &str,
    command: &'static str,
    ready: Arc<Readiness>,
) -> anyhow::Result<Endpoint> {
    let addr: SocketAddr = addr
        .parse()
        .with_context(|| format!("--metrics `{addr}`: expected HOST:PORT, e.g. 127.0.0.1:9464"))?;
    let handle = recorder()?;
    soi_telemetry::describe();
    let started = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0);
    metrics::gauge!(names::UP_SINCE, "command" => command).set(started);
    let h = handle.clone();
    let r = ready.clone();
    tokio::spawn(async move {
        loop {
            h.run_upkeep();
            let _ = r.problems().await;
            tokio::time::sleep(REFRESH).await;
        }
    });
    let handler: Handler = Arc::new(move |req| {
        let (handle, ready) = (handle.clone(), ready.clone());
        Box::pin(async move { answer(req.method(), req.uri().path(), &handle, &ready).await })
    });
    let server = start_with(addr, handler)
        .await
        .with_context(|| format!("serving metrics on {addr}"))?;
    eprintln!(
        "metrics on http://{}/metrics, probes on /healthz and /readyz",
        server.addr()
    );
    Ok(Endpoint { _server: server })
}

fn recorder() -> anyhow::Result<PrometheusHandle> {
    let suffix = |s: &str| Matcher::Full(s.to_string());
    PrometheusBuilder::new()
        .set_buckets_for_metric(suffix(names::STAGE_BATCH_SECONDS), SECONDS)?
        .set_buckets_for_metric(suffix(names::STORE_WRITE_SECONDS), SECONDS)?
        .set_buckets_for_metric(suffix(names::STAGE_BATCH_SIZE), SIZES)?
        .set_buckets_for_metric(suffix(names::RISK), SCORES)?
        .install_recorder()
        .context("installing the metrics recorder")
}

async fn answer(
    method: &Method,
    path: &str,
    handle: &PrometheusHandle,
    ready: &Readiness,
) -> soi_crawl::serve::Reply {
    const TEXT: &str = "text/plain; charset=utf-8";
    if method != Method::GET && method != Method::HEAD {
        return reply(StatusCode::METHOD_NOT_ALLOWED, TEXT, "GET only\n");
    }
    match path {
        "/metrics" => reply(StatusCode::OK, "text/plain; version=0.0.4", handle.render()),
        "/healthz" => reply(StatusCode::OK, TEXT, "ok\n"),
        "/readyz" => {
            let problems = ready.problems().await;
            if problems.is_empty() {
                reply(StatusCode::OK, TEXT, "ready\n")
            } else {
                let body = problems.join("\n") + "\n";
                reply(StatusCode::SERVICE_UNAVAILABLE, TEXT, body)
            }
        }
        _ => reply(
            StatusCode::NOT_FOUND,
            TEXT,
            "not found: /metrics, /healthz or /readyz\n",
        ),
    }
}
