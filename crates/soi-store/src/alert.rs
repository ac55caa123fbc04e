//! Alert rules and the alerts they raise: plain data shared by the store (which evaluates the rules
//! inside the transaction that writes a verdict, so an alert can never be lost between "verdict
//! stored" and "alert queued") and by `soi-alert` (which loads the rules from
//! `pipelines/alerts.toml` and delivers the alerts).
//!
//! Nothing here does I/O. The payload formats (STIX, summaries) and the delivery routes live in
//! `soi-alert`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use soi_model::{Listing, Seller, Verdict};

/// How urgent an alert is for the receiving unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

/// Traffic Light Protocol marking: who the receiver may share the alert with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Tlp {
    /// TLP:CLEAR in TLP 2.0; written as STIX's TLP:WHITE marking definition.
    #[serde(alias = "clear")]
    White,
    Green,
    Amber,
    Red,
}

impl Tlp {
    pub fn as_str(self) -> &'static str {
        match self {
            Tlp::White => "white",
            Tlp::Green => "green",
            Tlp::Amber => "amber",
            Tlp::Red => "red",
        }
    }

    pub fn parse(s: &str) -> Option<Tlp> {
        match s.to_ascii_lowercase().as_str() {
            "white" | "clear" => Some(Tlp::White),
            "green" => Some(Tlp::Green),
            "amber" => Some(Tlp::Amber),
            "red" => Some(Tlp::Red),
            _ => None,
        }
    }
}

/// What makes a rule fire. Evaluated for every verdict that changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RuleKind {
    /// The listing's risk is at or above `min_risk`.
    ListingRisk { min_risk: f64 },
    /// The seller has at least `count` listings at or above `min_risk` whose observation (or
    /// scoring) time lies within `window_secs` before this listing's.
    SellerFlagged {
        count: usize,
        window_secs: i64,
        #[serde(default = "default_flag")]
        min_risk: f64,
    },
    /// The verdict carries the reason `blocklisted_domain`.
    BlocklistedDomain,
    /// The seller is cross-border and the listing's risk is at or above `min_risk`.
    CrossBorder { min_risk: f64 },
}

fn default_flag() -> f64 {
    0.5
}

fn default_dedup() -> i64 {
    86_400
}

/// One rule from `alerts.toml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlertRule {
    pub name: String,
    #[serde(flatten)]
    pub when: RuleKind,
    pub severity: Severity,
    pub tlp: Tlp,
    /// Route names (keys of `[routes]` in `alerts.toml`).
    pub routes: Vec<String>,
    /// A second alert of this rule for the same seller within this many seconds (by verdict
    /// time) is kept as `suppressed` and not delivered.
    #[serde(default = "default_dedup")]
    pub dedup_secs: i64,
}

/// The rules the store evaluates when it writes verdicts.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AlertRules {
    #[serde(default)]
    pub rules: Vec<AlertRule>,
}

/// Whether an alert goes out or was folded into an earlier one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AlertState {
    Active,
    Suppressed,
}

/// Everything a payload needs, frozen at the moment the alert was raised.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alert {
    /// Idempotency key: stable for the same rule, listing and verdict content.
    pub key: String,
    pub rule: String,
    pub kind: String,
    pub severity: Severity,
    pub tlp: Tlp,
    /// The verdict's scoring time: alerts are ordered and deduplicated by it.
    pub raised_at: DateTime<Utc>,
    pub listing: Listing,
    pub verdict: Verdict,
    pub seller: Option<Seller>,
    /// For `seller_flagged`: the flagged listings counted in the window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flagged_in_window: Option<usize>,
    pub state: AlertState,
    /// The key of the earlier alert this one was folded into.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suppressed_by: Option<String>,
}

impl Alert {
    pub fn seller_id(&self) -> Option<&str> {
        self.verdict
            .seller_id
            .as_deref()
            .or(self.listing.seller_id())
    }
}

/// Delivery state of one alert on one route.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DeliveryStatus {
    Pending,
    Delivered,
    Failed,
}

impl DeliveryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> DeliveryStatus {
        match s {
            "delivered" => DeliveryStatus::Delivered,
            "failed" => DeliveryStatus::Failed,
            _ => DeliveryStatus::Pending,
        }
    }
}

/// One alert on one route, as the outbox holds it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Delivery {
    pub alert: Alert,
    pub route: String,
    pub status: DeliveryStatus,
    pub attempts: u32,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub delivered_at: Option<DateTime<Utc>>,
}

/// What became of one attempt (or of a decision not to attempt yet).
#[derive(Debug, Clone, PartialEq)]
pub enum Attempt {
    /// The receiver accepted it.
    Delivered { detail: String },
    /// It failed and will be tried again at `next_at`.
    Retry {
        error: String,
        next_at: DateTime<Utc>,
    },
    /// It failed for good (permanent error or attempts exhausted).
    Failed { error: String },
    /// Not attempted (rate limit); due again at `next_at`. Not counted as an attempt.
    Deferred { next_at: DateTime<Utc> },
}

/// One line of the delivery log.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeliveryLogEntry {
    pub alert_key: String,
    pub route: String,
    pub attempt: u32,
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    /// `delivered`, `retry` or `failed`.
    pub outcome: String,
    pub detail: String,
}

/// Filters for listing alerts.
#[derive(Debug, Clone, Default)]
pub struct AlertQuery {
    /// Only deliveries in this status.
    pub status: Option<DeliveryStatus>,
    pub rule: Option<String>,
    pub seller_id: Option<String>,
    pub limit: usize,
}
