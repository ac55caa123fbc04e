//! `soi bench serve` on a small store: it fills the store with synthetic scored listings, serves
//! the console, and every queue and seller page its clients ask for answers 200; the JSON line
//! carries the percentiles of both pages. A second run finds the store full and fills nothing.
//! A behaviour check: the timings themselves depend on the machine and are not asserted.

use serde_json::Value;

use crate::support::{run_expect, soi};

fn bench(home: &std::path::Path) -> Value {
    let out = run_expect(
        soi(home).args([
            "bench",
            "serve",
            "--listings",
            "2000",
            "--sellers",
            "200",
            "--clients",
            "4",
            "--requests",
            "100",
        ]),
        0,
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout.lines().last().expect("a JSON line");
    serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"))
}

#[test]
fn bench_serve_answers_every_page_and_reports_percentiles() {
    let home = tempfile::tempdir().expect("tempdir");
    let first = bench(home.path());
    assert_eq!(first["store"], "sqlite", "{first}");
    assert_eq!(first["failures"], 0, "{first}");
    assert_eq!(first["listings"], 2000, "{first}");
    let mut total = 0;
    for page in ["queue", "seller"] {
        let p = &first[page];
        assert_eq!(p["failed"], 0, "{page}: {first}");
        let n = p["requests"].as_u64().expect("requests");
        assert!(n > 0, "no {page} requests: {first}");
        total += n;
        for k in ["p50_ms", "p95_ms", "p99_ms", "max_ms"] {
            assert!(
                p[k].as_f64().is_some_and(|v| v > 0.0),
                "{page}.{k}: {first}"
            );
        }
        assert!(p["p50_ms"].as_f64() <= p["p95_ms"].as_f64(), "{first}");
    }
    assert_eq!(total, 100, "{first}");
    let again = bench(home.path());
    assert_eq!(
        again["fill_secs"], 0.0,
        "the second run filled again: {again}"
    );
    assert_eq!(again["failures"], 0, "{again}");
}
