//! What the stages measure beyond the loop's own counts: verdicts per marketplace with their
//! score distributions (drift shows there first), and the store's write latency.

use std::collections::BTreeMap;
use std::future::Future;
use std::time::Instant;

use metrics::{counter, histogram};
use soi_model::Verdict;
use soi_telemetry::names;

/// Counts a batch's verdicts per marketplace and records their risk and head scores.
pub(crate) fn verdicts(batch: &[Verdict]) {
    let mut per_market: BTreeMap<&str, u64> = BTreeMap::new();
    for v in batch {
        *per_market.entry(v.marketplace.as_str()).or_default() += 1;
        let m = v.marketplace.clone();
        histogram!(names::RISK, "marketplace" => m.clone(), "head" => "risk").record(v.risk);
        for (head, p) in &v.heads {
            histogram!(names::RISK, "marketplace" => m.clone(), "head" => head.clone()).record(*p);
        }
    }
    for (m, n) in per_market {
        counter!(names::SCORED, "marketplace" => m.to_string()).increment(n);
    }
}

/// Awaits one store write, recording how long it took.
pub(crate) async fn store_write<T>(stage: &'static str, write: impl Future<Output = T>) -> T {
    let started = Instant::now();
    let out = write.await;
    histogram!(names::STORE_WRITE_SECONDS, "stage" => stage)
        .record(started.elapsed().as_secs_f64());
    out
}
