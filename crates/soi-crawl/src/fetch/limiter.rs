//! Per-host politeness: requests spaced by the rate limit (robots.txt `Crawl-delay` widens it,
//! `Retry-After` pushes the next slot back) and at most N requests in flight per host.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

struct Host {
    next: Instant,
    interval: Duration,
    slots: Arc<Semaphore>,
}

/// Spacing and concurrency per host.
pub struct HostLimiter {
    interval: Duration,
    concurrency: usize,
    hosts: Mutex<HashMap<String, Host>>,
}

impl HostLimiter {
    pub fn new(requests_per_second: f64, concurrency: usize) -> Self {
        HostLimiter {
            interval: Duration::from_secs_f64(1.0 / requests_per_second.max(1e-6)),
            concurrency: concurrency.max(1),
            hosts: Mutex::new(HashMap::new()),
        }
    }

    fn with<R>(&self, host: &str, f: impl FnOnce(&mut Host) -> R) -> R {
        let mut map = self.hosts.lock().unwrap_or_else(|p| p.into_inner());
        let h = map.entry(host.to_string()).or_insert_with(|| Host {
            next: Instant::now(),
            interval: self.interval,
            slots: Arc::new(Semaphore::new(self.concurrency)),
        });
        f(h)
    }

    /// Widens the spacing for a host (robots.txt `Crawl-delay`).
    pub fn at_least(&self, host: &str, interval: Duration) {
        self.with(host, |h| h.interval = h.interval.max(interval));
    }

    /// Nothing goes to `host` before `delay` from now (`Retry-After`).
    pub fn back_off(&self, host: &str, delay: Duration) {
        let until = Instant::now() + delay;
        self.with(host, |h| h.next = h.next.max(until));
    }

    /// Waits for a free slot and the next start time; hold the permit while the request runs.
    pub async fn acquire(&self, host: &str) -> OwnedSemaphorePermit {
        let slots = self.with(host, |h| h.slots.clone());
        // The semaphore is never closed, so acquiring cannot fail.
        let permit = slots
            .acquire_owned()
            .await
            .unwrap_or_else(|_| unreachable!("host semaphore closed"));
        let start = self.with(host, |h| {
            let start = h.next.max(Instant::now());
            h.next = start + h.interval;
            start
        });
        tokio::time::sleep_until(start).await;
        permit
    }
}
