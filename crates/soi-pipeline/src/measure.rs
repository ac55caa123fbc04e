//! What the stages measure beyond the loop's own counts: verdicts per marketplace with their
//! score distributions (drift shows there first), and the store's write latency.

use std::collections::BTreeMap;
use std::future::Future;
use std::time::Instant;

use metrics::{histogram, Histogram};
use soi_model::Verdict;
use soi_telemetry::names;

/// Counts a batch's verdicts per marketplace and records their risk and head scores, looking
/// each (marketplace, head) histogram up once per batch.
pub(crate) fn verdicts(batch: &[Verdict]) {
    soi_telemetry::count_per_marketplace(
        names::SCORED,
        batch.iter().map(|v| v.marketplace.as_str()),
    );
    let mut hists: BTreeMap<(&str, &str), Histogram> = BTreeMap::new();
    for v in batch {
        record(&mut hists, &v.marketplace, "risk", v.risk);
        for (head, p) in &v.heads {
            record(&mut hists, &v.marketplace, head, *p);
        }
    }
}

fn record<'a>(
    hists: &mut BTreeMap<(&'a str, &'a str), Histogram>,
    m: &'a str,
    head: &'a str,
    p: f64,
) {
    hists
        .entry((m, head))
        .or_insert_with(
            || histogram!(names::RISK, "marketplace" => m.to_string(), "head" => head.to_string()),
        )
        .record(p);
}

/// Awaits one store write, recording how long it took.
pub(crate) async fn store_write<T>(stage: &'static str, write: impl Future<Output = T>) -> T {
    let started = Instant::now();
    let out = write.await;
    histogram!(names::STORE_WRITE_SECONDS, "stage" => stage)
        .record(started.elapsed().as_secs_f64());
    out
}
