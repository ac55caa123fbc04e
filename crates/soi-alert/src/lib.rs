//! Alerts to cybercrime police and other receivers.
//!
//! Why this shape: an alert must never be lost (a receiver is down, `soi` restarts) and never be
//! delivered twice. So alerts are not sent from the pipeline. The store evaluates the rules
//! ([`AlertsConfig`], from `pipelines/alerts.toml`) inside the transaction that writes the
//! verdict and queues each alert in an outbox with an idempotency key; the [`Dispatcher`] then
//! drains the outbox with retries, exponential backoff, a per-route rate limit and a delivery
//! log. Receivers get the key in a header (webhooks) or as the file name (file drops), so even a
//! retry after a lost acknowledgement is recognised on their side.
//!
//! Payloads ([`payload`]) carry a bilingual summary and a STIX 2.1 bundle ([`stix`]); webhook
//! requests are signed with HMAC-SHA256 over timestamp and body ([`sign`]).

mod backoff;
pub mod clock;
mod config;
mod dispatch;
mod error;
pub mod payload;
pub mod route;
pub mod sign;
pub mod stix;

pub use backoff::RetryPolicy;
pub use clock::{Clock, ManualClock, SystemClock};
pub use config::{default_path, AlertsConfig, RateLimit, RouteConfig, Target};
pub use dispatch::{Dispatcher, PassReport};
pub use error::AlertError;
