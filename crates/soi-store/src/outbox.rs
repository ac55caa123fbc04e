//! The outbox seam: what the alert dispatcher needs from a store. A separate trait from
//! [`crate::Store`] so that stores without an outbox (and the `Store` trait's other
//! implementations) are not forced to grow one.

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use crate::alert::{AlertQuery, Attempt, Delivery, DeliveryLogEntry};
use crate::StoreError;

/// Totals over the outbox.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct OutboxCounts {
    pub alerts: u64,
    /// Alerts folded into an earlier one by the dedup window (never delivered).
    pub suppressed: u64,
    /// Deliveries (one per alert and route) by status.
    pub pending: u64,
    pub delivered: u64,
    pub failed: u64,
}

#[async_trait]
pub trait AlertOutbox: Send + Sync {
    /// Pending deliveries due at `now`, leased to the caller until `now + lease`.
    async fn claim_due(
        &self,
        now: DateTime<Utc>,
        limit: usize,
        lease: Duration,
    ) -> Result<Vec<Delivery>, StoreError>;
    /// Records an attempt's outcome (and logs it unless it was only deferred).
    async fn record_attempt(
        &self,
        key: &str,
        route: &str,
        attempt: Attempt,
        started: DateTime<Utc>,
        finished: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// Attempts on `route` that started after `since`, and the earliest of them.
    async fn attempts_since(
        &self,
        route: &str,
        since: DateTime<Utc>,
    ) -> Result<(u64, Option<DateTime<Utc>>), StoreError>;
    async fn list_alerts(&self, q: &AlertQuery) -> Result<Vec<Delivery>, StoreError>;
    /// Failed deliveries (all, or one alert's) back to pending. Returns how many.
    async fn retry_failed(&self, key: Option<&str>) -> Result<usize, StoreError>;
    async fn delivery_log(&self, key: Option<&str>) -> Result<Vec<DeliveryLogEntry>, StoreError>;
    async fn outbox_counts(&self) -> Result<OutboxCounts, StoreError>;
    /// Pending deliveries per route (routes with none are left out).
    async fn pending_by_route(&self) -> Result<Vec<(String, u64)>, StoreError>;
    /// When the earliest pending delivery is due; `None` when nothing is pending.
    async fn next_due(&self) -> Result<Option<DateTime<Utc>>, StoreError>;
}
