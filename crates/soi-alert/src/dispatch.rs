//! The dispatcher: drains the outbox. Each pass claims due deliveries under a lease (so a second
//! dispatcher, or this one after a crash, does not send them at the same time), applies the
//! route's rate limit, sends, and records the outcome with the next attempt's time
//! (exponential backoff). All state is in the store: a restart resumes where it stopped.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::Duration;
use soi_store::links::SellerRef;
use soi_store::{AlertOutbox, Attempt, Delivery, LinkStore};
use soi_telemetry::names;

use crate::backoff::RetryPolicy;
use crate::clock::Clock;
use crate::config::{AlertsConfig, RateLimit};
use crate::linked::linked_accounts;
use crate::payload::payload_bytes_with;
use crate::route::{self, Outgoing, Route};
use crate::AlertError;

/// A time computed from `setting` (= `value`) left chrono's range.
fn out_of_range(setting: &str, value: i64) -> AlertError {
    AlertError::TimeRange(format!("{setting} = {value} moves the time out of range"))
}

struct RouteEntry {
    route: Arc<dyn Route>,
    rate: Option<RateLimit>,
}

/// What one pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PassReport {
    pub delivered: usize,
    pub retried: usize,
    pub failed: usize,
    /// Held back by a rate limit.
    pub deferred: usize,
}

impl PassReport {
    pub fn touched(&self) -> usize {
        self.delivered + self.retried + self.failed + self.deferred
    }

    fn add(&mut self, o: PassReport) {
        self.delivered += o.delivered;
        self.retried += o.retried;
        self.failed += o.failed;
        self.deferred += o.deferred;
    }
}

pub struct Dispatcher {
    outbox: Arc<dyn AlertOutbox>,
    routes: BTreeMap<String, RouteEntry>,
    retry: RetryPolicy,
    clock: Arc<dyn Clock>,
    batch: usize,
    lease: Duration,
    links: Option<Arc<dyn LinkStore>>,
}

impl Dispatcher {
    /// A dispatcher for the routes of `cfg` (webhook secrets are read from the environment).
    pub fn new(
        outbox: Arc<dyn AlertOutbox>,
        cfg: &AlertsConfig,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, AlertError> {
        // Only routes some rule sends to are built (an unused webhook needs no secret).
        let used: std::collections::BTreeSet<&str> = cfg
            .rules
            .iter()
            .flat_map(|r| r.routes.iter().map(String::as_str))
            .collect();
        let mut routes = BTreeMap::new();
        for (name, rc) in cfg.routes.iter().filter(|(n, _)| used.contains(n.as_str())) {
            routes.insert(
                name.clone(),
                RouteEntry {
                    route: route::build(name, rc)?,
                    rate: rc.rate_limit,
                },
            );
        }
        Ok(Dispatcher {
            outbox,
            routes,
            retry: cfg.retry,
            clock,
            batch: 100,
            lease: Duration::seconds(60),
            links: None,
        })
    }

    /// Names the seller's linked accounts in every alert, from this link state.
    pub fn with_links(mut self, links: Arc<dyn LinkStore>) -> Self {
        self.links = Some(links);
        self
    }

    /// How long a claimed delivery stays leased to this dispatcher.
    pub fn with_lease(mut self, lease: Duration) -> Self {
        self.lease = lease;
        self
    }

    /// One pass over the deliveries due now.
    pub async fn pass(&self) -> Result<PassReport, AlertError> {
        let now = self.clock.now();
        let due = self.outbox.claim_due(now, self.batch, self.lease).await?;
        let mut report = PassReport::default();
        for d in due {
            let route = d.route.clone();
            let r = self.one(d).await?;
            measure(&route, &r);
            report.add(r);
        }
        self.measure_pending().await?;
        if report.touched() > 0 {
            tracing::info!(?report, "dispatch pass");
        }
        Ok(report)
    }

    async fn one(&self, d: Delivery) -> Result<PassReport, AlertError> {
        let key = d.alert.key.clone();
        let now = self.clock.now();
        let Some(entry) = self.routes.get(&d.route) else {
            let error = format!("route `{}` is not configured", d.route);
            tracing::warn!(%key, %error, "delivery failed");
            self.outbox
                .record_attempt(&key, &d.route, Attempt::Failed { error }, now, now)
                .await?;
            return Ok(PassReport {
                failed: 1,
                ..Default::default()
            });
        };
        if let Some(rl) = entry.rate {
            let window = Duration::try_seconds(rl.per_secs)
                .ok_or_else(|| out_of_range("rate_limit.per_secs", rl.per_secs))?;
            let since = now
                .checked_sub_signed(window)
                .ok_or_else(|| out_of_range("rate_limit.per_secs", rl.per_secs))?;
            let (n, first) = self.outbox.attempts_since(&d.route, since).await?;
            if n >= u64::from(rl.max) {
                let next_at = first
                    .unwrap_or(now)
                    .checked_add_signed(window)
                    .ok_or_else(|| out_of_range("rate_limit.per_secs", rl.per_secs))?;
                self.outbox
                    .record_attempt(&key, &d.route, Attempt::Deferred { next_at }, now, now)
                    .await?;
                return Ok(PassReport {
                    deferred: 1,
                    ..Default::default()
                });
            }
        }
        let linked = match (&self.links, d.alert.seller_id()) {
            (Some(links), Some(id)) => {
                let seller = SellerRef::new(&d.alert.verdict.marketplace, id);
                linked_accounts(links.as_ref(), &seller).await?
            }
            _ => vec![],
        };
        let out = Outgoing {
            key: key.clone(),
            body: payload_bytes_with(&d.alert, &linked),
            now,
        };
        let result = entry.route.deliver(&out).await;
        let finished = self.clock.now();
        let attempts = d.attempts + 1;
        let retry_at = finished
            .checked_add_signed(self.retry.delay(attempts))
            .ok_or_else(|| out_of_range("retry delay after attempt", attempts.into()))?;
        let (attempt, report) = match result {
            Ok(detail) => (
                Attempt::Delivered { detail },
                PassReport {
                    delivered: 1,
                    ..Default::default()
                },
            ),
            Err(f) if f.retryable && attempts < self.retry.max_attempts => (
                Attempt::Retry {
                    error: f.why,
                    next_at: retry_at,
                },
                PassReport {
                    retried: 1,
                    ..Default::default()
                },
            ),
            Err(f) => (
                Attempt::Failed { error: f.why },
                PassReport {
                    failed: 1,
                    ..Default::default()
                },
            ),
        };
        tracing::debug!(%key, route = %d.route, ?attempt, "delivery attempt");
        self.outbox
            .record_attempt(&key, &d.route, attempt, now, finished)
            .await?;
        Ok(report)
    }

    /// Sets the pending gauge of every route: routes with nothing pending read 0, not their last
    /// value.
    async fn measure_pending(&self) -> Result<(), AlertError> {
        let pending = self.outbox.pending_by_route().await?;
        for route in self.routes.keys() {
            let n = pending
                .iter()
                .find(|(r, _)| r == route)
                .map_or(0, |(_, n)| *n);
            metrics::gauge!(names::ALERTS_PENDING, "route" => route.clone()).set(n as f64);
        }
        Ok(())
    }

    /// Passes until nothing is pending, sleeping until the next delivery is due; gives up waiting
    /// once the next due time lies beyond `max_wait` from the start (those stay queued).
    pub async fn drain(&self, max_wait: std::time::Duration) -> Result<PassReport, AlertError> {
        let start = self.clock.now();
        let limit = Duration::from_std(max_wait)
            .ok()
            .and_then(|w| start.checked_add_signed(w))
            .unwrap_or(chrono::DateTime::<chrono::Utc>::MAX_UTC);
        let mut total = PassReport::default();
        loop {
            total.add(self.pass().await?);
            let Some(next) = self.outbox.next_due().await? else {
                return Ok(total);
            };
            let now = self.clock.now();
            if next > limit {
                return Ok(total);
            }
            self.sleep_until(next, now).await;
        }
    }

    /// Passes forever (or until `stop` completes), polling for new alerts every `poll`.
    pub async fn follow(
        &self,
        poll: std::time::Duration,
        stop: impl std::future::Future<Output = ()>,
    ) -> Result<PassReport, AlertError> {
        tokio::pin!(stop);
        let mut total = PassReport::default();
        loop {
            total.add(self.pass().await?);
            tokio::select! {
                _ = &mut stop => return Ok(total),
                _ = tokio::time::sleep(poll) => {}
            }
        }
    }

    async fn sleep_until(
        &self,
        next: chrono::DateTime<chrono::Utc>,
        now: chrono::DateTime<chrono::Utc>,
    ) {
        let wait = next
            .signed_duration_since(now)
            .to_std()
            .unwrap_or_default()
            .max(std::time::Duration::from_millis(20));
        tokio::time::sleep(wait).await;
    }
}

/// Counts one delivery attempt's outcome for its route (a retry to come is a failed attempt).
fn measure(route: &str, r: &PassReport) {
    let route = route.to_string();
    if r.delivered > 0 {
        metrics::counter!(names::ALERTS_DELIVERED, "route" => route.clone())
            .increment(r.delivered as u64);
    }
    if r.failed + r.retried > 0 {
        metrics::counter!(names::ALERTS_FAILED, "route" => route)
            .increment((r.failed + r.retried) as u64);
    }
}
