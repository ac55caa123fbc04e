//! What a crawl reports to the metrics endpoint (`soi_telemetry::names`): pages per host and
//! outcome, listings extracted, and the last crawl's field fill rates, the figure that drops first
//! when a marketplace changes its layout.

use metrics::{counter, gauge};
use soi_telemetry::names;
use url::Url;

/// What happened to one page.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Page {
    Fetched,
    Unchanged,
    Failed,
}

pub(crate) fn page(marketplace: &str, url: &Url, what: Page) {
    let outcome = match what {
        Page::Fetched => "fetched",
        Page::Unchanged => "unchanged",
        Page::Failed => "failed",
    };
    counter!(names::CRAWL_PAGES,
        "marketplace" => marketplace.to_string(),
        "host" => url.host_str().unwrap_or("").to_string(),
        "outcome" => outcome)
    .increment(1);
}

pub(crate) fn listing(marketplace: &str) {
    counter!(names::CRAWL_LISTINGS, "marketplace" => marketplace.to_string()).increment(1);
}

pub(crate) fn health(marketplace: &str, h: &crate::health::Health) {
    for (field, rate) in &h.fill {
        gauge!(names::CRAWL_FILL, "marketplace" => marketplace.to_string(), "field" => field.clone())
            .set(*rate);
    }
}

pub(crate) fn run(marketplace: &str, ok: bool) {
    let outcome = if ok { "ok" } else { "failed" };
    counter!(names::CRAWL_RUNS, "marketplace" => marketplace.to_string(), "outcome" => outcome)
        .increment(1);
}
