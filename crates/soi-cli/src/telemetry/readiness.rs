//! `/readyz`: is this process connected to what it works with?
//!
//! The bus and the store register themselves here when a command connects to them
//! ([`crate::global::Global`]); a check asks each of them once, now, without waiting out an outage
//! (the bus's broker metadata and partition assignment, the store's `SELECT 1`). A command says
//! up front what it will connect to ([`Readiness::expect`]): until it has, the process is
//! starting (loading models, waiting for a server), not ready. Every check also refreshes the
//! `soi_bus_up`, `soi_store_up` and consumer lag gauges.

use std::sync::{Arc, Mutex};

use metrics::gauge;
use soi_bus::Bus;
use soi_store::Store;
use soi_telemetry::names;

/// What the process is connected to.
#[derive(Default)]
pub struct Readiness {
    bus: Mutex<Option<Arc<dyn Bus>>>,
    store: Mutex<Option<Arc<dyn Store>>>,
    expected: Mutex<(bool, bool)>,
}

impl std::fmt::Debug for Readiness {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Readiness").finish_non_exhaustive()
    }
}

impl Readiness {
    /// What the command will connect to: the bus, the store.
    pub fn expect(&self, bus: bool, store: bool) {
        *self.expected.lock().unwrap_or_else(|p| p.into_inner()) = (bus, store);
    }

    pub fn watch_bus(&self, bus: Arc<dyn Bus>) {
        *self.bus.lock().unwrap_or_else(|p| p.into_inner()) = Some(bus);
    }

    pub fn watch_store(&self, store: Arc<dyn Store>) {
        *self.store.lock().unwrap_or_else(|p| p.into_inner()) = Some(store);
    }

    /// Why the process is not ready, a line each; empty when it is.
    pub async fn problems(&self) -> Vec<String> {
        let (want_bus, want_store) = *self.expected.lock().unwrap_or_else(|p| p.into_inner());
        let bus = self.bus.lock().unwrap_or_else(|p| p.into_inner()).clone();
        let store = self.store.lock().unwrap_or_else(|p| p.into_inner()).clone();
        let mut problems = Vec::new();
        if want_bus && bus.is_none() {
            problems.push("starting: not connected to the bus yet".to_string());
        }
        if want_store && store.is_none() {
            problems.push("starting: not connected to the store yet".to_string());
        }
        if let Some(bus) = bus {
            let h = bus.health().await;
            // Lag is known only while the broker answers; a down broker keeps the last figures.
            for l in &h.lag {
                gauge!(names::CONSUMER_LAG, "group" => l.group.clone(), "topic" => l.topic.clone(),
                    "partition" => l.partition.to_string())
                .set(l.lag as f64);
            }
            let up = !h.problems.iter().any(|p| p.starts_with("the broker"));
            gauge!(names::BUS_UP).set(if up { 1.0 } else { 0.0 });
            problems.extend(h.problems.into_iter().map(|p| format!("bus: {p}")));
        }
        if let Some(store) = store {
            let up = match store.ping().await {
                Ok(()) => true,
                Err(e) => {
                    problems.push(format!("store: {e}"));
                    false
                }
            };
            gauge!(names::STORE_UP).set(if up { 1.0 } else { 0.0 });
        }
        problems
    }
}
