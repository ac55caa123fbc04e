//! Operability against the real engines and Debian's Prometheus: the score and sink stages run
//! with `--metrics`, Prometheus scrapes them with the shipped scrape config
//! (`deploy/production/prometheus/prometheus.yml`, targets written for this run), and the test
//! reads through Prometheus' HTTP API that the listings were consumed, scored and written and that
//! the consumer lag is zero; `/readyz` of the scorer fails while the broker is stopped and
//! recovers after; every query of the shipped Grafana dashboard runs on Prometheus and names only
//! metrics the binary exports (`soi_telemetry::CATALOG`).
//!
//! Skips without the engines or without `prometheus` unless `SOI_REQUIRE_ENGINES=1` /
//! `SOI_REQUIRE_TOOLS=1` (the README's test command sets both and installs Prometheus).

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::Value;

use crate::distributed::{engine, engines, write_listings, Space, ENGINES};
use crate::support::{free_port, http_get as get, repo_root, run_expect, wait_for, Running};

const LISTINGS: usize = 300;

/// A Prometheus on loopback with the shipped config; killed on drop.
struct Prometheus {
    child: Child,
    base: String,
}

impl Drop for Prometheus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Prometheus {
    fn start(dir: &Path, targets: &[(u16, &str)]) -> Option<Prometheus> {
        if Command::new("prometheus")
            .arg("--version")
            .output()
            .is_err()
        {
            assert!(
                std::env::var("SOI_REQUIRE_TOOLS").as_deref() != Ok("1"),
                "prometheus is required (SOI_REQUIRE_TOOLS=1): deploy/install-test-tools.sh installs it"
            );
            eprintln!("skipping: no prometheus (deploy/install-test-tools.sh installs it)");
            return None;
        }
        // The shipped files unchanged; only the targets are this run's.
        let shipped = repo_root().join("deploy/production/prometheus");
        for f in ["prometheus.yml", "alerts.yml"] {
            std::fs::copy(shipped.join(f), dir.join(f)).expect("copy the shipped config");
        }
        std::fs::create_dir_all(dir.join("targets")).expect("targets dir");
        let groups: Vec<Value> = targets
            .iter()
            .map(|(port, stage)| {
                serde_json::json!({"targets": [format!("127.0.0.1:{port}")], "labels": {"process": stage}})
            })
            .collect();
        std::fs::write(
            dir.join("targets/soi.json"),
            serde_json::to_vec(&groups).expect("json"),
        )
        .expect("write targets");
        let port = free_port();
        let child = Command::new("prometheus")
            .arg(format!(
                "--config.file={}",
                dir.join("prometheus.yml").display()
            ))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.join("data").display()
            ))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(dir.join("prometheus.log")).expect("log"))
            .spawn()
            .expect("start prometheus");
        let p = Prometheus {
            child,
            base: format!("http://127.0.0.1:{port}"),
        };
        wait_for(Duration::from_secs(60), "prometheus to be ready", || {
            (get(&format!("{}/-/ready", p.base)).0 == 200).then_some(())
        });
        Some(p)
    }

    /// An instant query: the API's `data.result`, or the error it answered.
    fn query(&self, promql: &str) -> Result<Vec<Value>, String> {
        let out = Command::new("curl")
            .args(["-s", "-m", "10", "--get", "--data-urlencode"])
            .arg(format!("query={promql}"))
            .arg(format!("{}/api/v1/query", self.base))
            .output()
            .expect("curl");
        let v: Value = serde_json::from_slice(&out.stdout)
            .map_err(|e| format!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)))?;
        if v["status"] != "success" {
            return Err(format!("{}: {}", v["errorType"], v["error"]));
        }
        Ok(v["data"]["result"].as_array().cloned().unwrap_or_default())
    }

    /// The value of a query that gives one number (a `sum(...)`), if any yet.
    fn number(&self, promql: &str) -> Option<f64> {
        let r = self
            .query(promql)
            .unwrap_or_else(|e| panic!("{promql}: {e}"));
        r.first()?["value"][1].as_str()?.parse().ok()
    }
}

/// The metric names (with `soi_` prefix) a PromQL expression reads.
fn names_in(expr: &str) -> Vec<String> {
    let mut out = Vec::new();
    let b = expr.as_bytes();
    let mut i = 0;
    while let Some(at) = expr[i..].find("soi_") {
        let start = i + at;
        let mut end = start;
        while end < b.len() && (b[end].is_ascii_alphanumeric() || b[end] == b'_') {
            end += 1;
        }
        let before_ok =
            start == 0 || !(b[start - 1].is_ascii_alphanumeric() || b[start - 1] == b'_');
        if before_ok {
            out.push(expr[start..end].to_string());
        }
        i = end.max(start + 1);
    }
    out
}

/// Every `expr` of every panel (nested rows included).
fn panel_exprs(v: &Value, out: &mut Vec<(String, String)>) {
    let Some(panels) = v["panels"].as_array() else {
        return;
    };
    for p in panels {
        let title = p["title"].as_str().unwrap_or("?").to_string();
        for t in p["targets"].as_array().into_iter().flatten() {
            if let Some(e) = t["expr"].as_str() {
                out.push((title.clone(), e.to_string()));
            }
        }
        panel_exprs(p, out);
    }
}

#[test]
fn prometheus_sees_the_stages_work_readiness_follows_the_broker_and_the_dashboard_queries_hold() {
    let Some(e) = engines() else { return };
    let _lock = ENGINES.lock().unwrap_or_else(|p| p.into_inner());
    let dir = tempfile::tempdir().expect("tempdir");
    let (score_port, sink_port) = (free_port(), free_port());
    let Some(prom) = Prometheus::start(dir.path(), &[(score_port, "score"), (sink_port, "sink")])
    else {
        return;
    };
    let space = Space::new(&e, "obs");
    let home = dir.path().join("home");
    let score_metrics = format!("127.0.0.1:{score_port}");
    let sink_metrics = format!("127.0.0.1:{sink_port}");
    let scorer = Running::new(space.spawn(&home, &["score", "--metrics", &score_metrics]));
    let sink = Running::new(space.spawn(&home, &["sink", "--metrics", &sink_metrics]));
    for (port, what) in [(score_port, "scorer"), (sink_port, "sink")] {
        wait_for(
            Duration::from_secs(90),
            &format!("the {what} to be ready"),
            || (get(&format!("http://127.0.0.1:{port}/readyz")).0 == 200).then_some(()),
        );
        assert_eq!(get(&format!("http://127.0.0.1:{port}/healthz")).0, 200);
    }

    let input = dir.path().join("listings.jsonl");
    write_listings(&input, LISTINGS);
    run_expect(
        space
            .soi(&home)
            .args(["publish", "--input", input.to_str().expect("path")]),
        0,
    );

    // Through Prometheus: consumed, scored and written, and no lag left.
    let n = LISTINGS as f64;
    let figures = [
        r#"sum(soi_stage_consumed_total{stage="score"})"#,
        r#"sum(soi_scorer_listings_total)"#,
        r#"sum(soi_stage_acknowledged_total{stage="score"})"#,
        r#"sum(soi_stage_processed_total{stage="sink-scored"})"#,
    ];
    wait_for(
        Duration::from_secs(120),
        "Prometheus to see every listing through",
        || {
            figures
                .iter()
                .all(|q| prom.number(q).is_some_and(|v| v >= n))
                .then_some(())
        },
    );
    for q in figures {
        assert_eq!(prom.number(q), Some(n), "{q}: each listing once");
    }
    wait_for(
        Duration::from_secs(60),
        "the consumer lag to return to zero",
        || {
            let partitions =
                prom.number(r#"count(soi_consumer_lag{group=~"soi-score|soi-sink"})"#)?;
            let lag = prom.number(r#"sum(soi_consumer_lag{group=~"soi-score|soi-sink"})"#)?;
            // 4 partitions of listings.raw for the scorer, 4 of verdicts and 4 of sellers.raw for the sink.
            (partitions >= 12.0 && lag == 0.0).then_some(())
        },
    );
    assert_eq!(
        prom.number(r#"sum(soi_stage_dead_lettered_total)"#),
        Some(0.0)
    );
    assert_eq!(prom.number(r#"min(soi_bus_up)"#), Some(1.0));
    assert_eq!(prom.number(r#"min(soi_store_up)"#), Some(1.0));

    // Readiness follows the broker: not ready while it is away, ready again after.
    let ready = format!("http://127.0.0.1:{score_port}/readyz");
    engine("stop", "kafka");
    let why = wait_for(
        Duration::from_secs(30),
        "/readyz to fail without the broker",
        || {
            let (code, body) = get(&ready);
            (code == 503).then_some(body)
        },
    );
    assert!(why.contains("bus: the broker does not answer"), "{why}");
    assert_eq!(
        get(&format!("http://127.0.0.1:{score_port}/healthz")).0,
        200,
        "alive while not ready"
    );
    engine("start", "kafka");
    wait_for(
        Duration::from_secs(120),
        "/readyz to recover with the broker",
        || (get(&ready).0 == 200).then_some(()),
    );

    // The dashboard: every query runs, names only exported metrics, and those these stages
    // export give data.
    let exported: Vec<String> = prom
        .query(r#"group by (__name__) ({__name__=~"soi_.+"})"#)
        .expect("names")
        .iter()
        .filter_map(|r| r["metric"]["__name__"].as_str().map(String::from))
        .collect();
    for name in &exported {
        assert!(
            soi_telemetry::lookup(name).is_some(),
            "{name} is exported but not in the catalog"
        );
    }
    let path = repo_root().join("deploy/production/grafana/soi-dashboard.json");
    let dash: Value =
        serde_json::from_slice(&std::fs::read(&path).expect("dashboard")).expect("JSON");
    let mut exprs = Vec::new();
    panel_exprs(&dash, &mut exprs);
    assert!(
        exprs.len() >= 15,
        "the dashboard has {} queries",
        exprs.len()
    );
    let mut with_data = 0;
    for (title, expr) in &exprs {
        let names = names_in(expr);
        assert!(
            !names.is_empty(),
            "panel `{title}`: `{expr}` reads no soi metric"
        );
        for n in &names {
            assert!(
                soi_telemetry::lookup(n).is_some(),
                "panel `{title}`: `{n}` is not a metric soi exports"
            );
        }
        let result = prom
            .query(expr)
            .unwrap_or_else(|e| panic!("panel `{title}`: `{expr}`: {e}"));
        let all_here = names.iter().all(|n| {
            exported.iter().any(|x| {
                soi_telemetry::lookup(x).map(|m| m.name) == soi_telemetry::lookup(n).map(|m| m.name)
            })
        });
        if all_here && !expr.contains("[") {
            assert!(
                !result.is_empty(),
                "panel `{title}`: `{expr}` gives no data though its metrics are exported"
            );
            with_data += 1;
        }
    }
    assert!(
        with_data > 0,
        "no dashboard panel could be checked for data"
    );

    scorer.stop("scorer");
    sink.stop("sink");
}
