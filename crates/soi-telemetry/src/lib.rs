//! What soi measures, named once.
//!
//! Why a crate of names: the stages record through the `metrics` facade from several library
//! crates (pipeline, crawler, scorer, encoder, stores, alerts), the binary serves them to
//! Prometheus, and the shipped Grafana dashboard and alert rules query them. A metric renamed in
//! one place and not the others would leave a dashboard panel silently empty; with every name a
//! constant in [`names::CATALOG`], the code cannot record an unlisted name by accident and the
//! deployment checks can refuse a panel or rule whose metric is not in the table.
//!
//! The libraries depend on this crate and on `metrics` only; without an installed recorder (tests,
//! embedded runs without `--metrics`) recording costs next to nothing and goes nowhere.

pub mod names;

pub use names::{lookup, Kind, Metric, CATALOG};

/// Adds one to the counter `name` per item, labelled by each item's marketplace: one counter
/// update per marketplace of a batch, not one per listing.
pub fn count_per_marketplace<'a>(
    name: &'static str,
    marketplaces: impl IntoIterator<Item = &'a str>,
) {
    let mut per: std::collections::BTreeMap<&str, u64> = std::collections::BTreeMap::new();
    for m in marketplaces {
        *per.entry(m).or_default() += 1;
    }
    for (m, n) in per {
        metrics::counter!(name, "marketplace" => m.to_string()).increment(n);
    }
}

/// Gives every metric its help line for the installed recorder.
pub fn describe() {
    for m in CATALOG {
        match m.kind {
            Kind::Counter => metrics::describe_counter!(m.name, m.help),
            Kind::Gauge => metrics::describe_gauge!(m.name, m.help),
            Kind::Histogram => metrics::describe_histogram!(m.name, m.help),
        }
    }
}
