//! Per-host politeness: requests spaced by the rate limit (robots.txt `Crawl-delay` widens it,
//! `Retry-After` pushes the next slot back) and at most N requests in flight per host.
//!
//! Intervals and delays come from config and from servers, so every step of time arithmetic
//! saturates (at [`FAR`] from now) instead of panicking on a huge value.
//!
//! Why not `governor`: its keyed limiter gives every key the same quota, while here each host
//! has its own interval (a robots.txt `Crawl-delay` widens one host only), a server's
//! `Retry-After` moves one host's next slot to a given instant, and the spacing goes together
//! with a per-host cap on requests in flight. Those three are what this small limiter is; a
//! `governor` limiter per host would still need the other two beside it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

/// The latest instant the limiter schedules anything at: about 30 years from now.
pub const FAR: Duration = Duration::from_secs(30 * 365 * 86_400);

/// `at + d`, or [`FAR`] from now when that overflows.
fn later(at: Instant, d: Duration) -> Instant {
    at.checked_add(d).unwrap_or_else(|| Instant::now() + FAR)
}

/// The spacing of `requests_per_second` (non-positive or NaN means one request per 10⁶ s).
fn interval_of(requests_per_second: f64) -> Duration {
    Duration::try_from_secs_f64(1.0 / requests_per_second.max(1e-6)).unwrap_or(FAR)
}

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
            interval: interval_of(requests_per_second),
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
        let until = later(Instant::now(), delay.min(FAR));
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
            h.next = later(start, h.interval.min(FAR));
            start
        });
        tokio::time::sleep_until(start).await;
        permit
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Huge delays and rates from config or a server saturate instead of panicking.
    #[tokio::test]
    async fn huge_values_saturate() {
        for rps in [f64::NAN, -1.0, 0.0, 1e-300, f64::INFINITY, f64::MAX] {
            let l = HostLimiter::new(rps, 1);
            l.back_off("h", Duration::MAX);
            l.at_least("h", Duration::MAX);
        }
        let l = HostLimiter::new(1e9, 1);
        l.at_least("h", Duration::MAX);
        drop(l.acquire("h").await);
        l.back_off("h", Duration::from_secs(u64::MAX));
        assert!(interval_of(f64::NAN) >= Duration::from_secs(999_999));
        assert!(interval_of(1e-300) >= Duration::from_secs(999_999));
    }
}
