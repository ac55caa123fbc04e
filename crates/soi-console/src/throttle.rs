//! Login throttling: after `limit` failed logins within `window`, for one user name or from one
//! address, further attempts for that name or from that address are refused until the window
//! has passed since the oldest failure counted — whether or not the password is right, so that
//! guessing cannot go on in the background.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy)]
pub struct ThrottleConfig {
    pub limit: usize,
    pub window: Duration,
}

impl Default for ThrottleConfig {
    fn default() -> Self {
        ThrottleConfig {
            limit: 5,
            window: Duration::from_secs(15 * 60),
        }
    }
}

pub struct Throttle {
    cfg: ThrottleConfig,
    failures: Mutex<HashMap<String, Vec<Instant>>>,
}

impl Throttle {
    pub fn new(cfg: ThrottleConfig) -> Throttle {
        Throttle {
            cfg,
            failures: Mutex::new(HashMap::new()),
        }
    }

    fn keys(user: &str, addr: &str) -> [String; 2] {
        [format!("user:{user}"), format!("addr:{addr}")]
    }

    /// How long the caller must wait before trying again, if throttled.
    pub fn blocked(&self, user: &str, addr: &str) -> Option<Duration> {
        let now = Instant::now();
        let mut f = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let mut wait = None;
        for k in Self::keys(user, addr) {
            if let Some(times) = f.get_mut(&k) {
                times.retain(|t| now.duration_since(*t) < self.cfg.window);
                if times.len() >= self.cfg.limit {
                    let w = self.cfg.window - now.duration_since(times[0]);
                    wait = Some(wait.map_or(w, |x: Duration| x.max(w)));
                }
            }
        }
        wait
    }

    pub fn failed(&self, user: &str, addr: &str) {
        let now = Instant::now();
        let mut f = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        for k in Self::keys(user, addr) {
            f.entry(k).or_default().push(now);
        }
    }

    /// A successful login clears the user's failures (not the address's).
    pub fn succeeded(&self, user: &str) {
        self.failures
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&format!("user:{user}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_by_user_and_by_address() {
        let t = Throttle::new(ThrottleConfig {
            limit: 3,
            window: Duration::from_secs(60),
        });
        for _ in 0..3 {
            assert!(t.blocked("ana", "10.0.0.1").is_none());
            t.failed("ana", "10.0.0.1");
        }
        assert!(
            t.blocked("ana", "10.0.0.2").is_some(),
            "same user, other address"
        );
        assert!(
            t.blocked("bob", "10.0.0.1").is_some(),
            "other user, same address"
        );
        assert!(t.blocked("bob", "10.0.0.2").is_none());
    }
}
