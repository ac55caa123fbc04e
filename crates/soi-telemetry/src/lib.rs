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
