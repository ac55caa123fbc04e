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
//! requests are signed with HMAC-SHA256 over timestamp and body ([`sign`]), the body carrying the
//! idempotency key too, so a receiver can check the header against what was signed.
//!
//! Hostile or broken configuration is refused at load: webhooks need https (plain http only to a
//! loopback address, and only when the route says `allow_http_loopback = true`), a non-empty
//! secret, and never follow redirects; times (`window_secs`, `dedup_secs`, `per_secs`,
//! `base_secs`, `max_secs`) must lie within ten years. Error texts never carry a webhook's URL
//! beyond scheme, host and port.

mod backoff;
pub mod clock;
mod config;
mod dispatch;
mod error;
pub mod linked;
pub mod payload;
mod redact;
pub mod route;
pub mod sign;
pub mod stix;

pub use backoff::RetryPolicy;
pub use clock::{Clock, ManualClock, SystemClock};
pub use config::{default_path, AlertsConfig, RateLimit, RouteConfig, Target};
pub use dispatch::{Dispatcher, PassReport};
pub use error::AlertError;
