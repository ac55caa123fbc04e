//! Polite HTTP fetching: robots.txt, per-host limits, retries with backoff and `Retry-After`,
//! conditional GET, a body-size cap, redirects kept inside allowed hosts, private addresses
//! refused unless allowed.

mod client;
mod guard;
mod limiter;
mod robots;

pub use client::{FetchSettings, Fetched, Fetcher, Validators};
pub use guard::is_private;
pub use limiter::HostLimiter;
pub use robots::Robots;
