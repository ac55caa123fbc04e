//! Exponential backoff between delivery attempts.

use chrono::Duration;
use serde::Deserialize;

/// How often and how patiently a delivery is retried.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RetryPolicy {
    /// Delay after the first failed attempt, in seconds; doubled after each further failure.
    pub base_secs: f64,
    /// Longest delay between two attempts.
    pub max_secs: f64,
    /// After this many failed attempts the delivery is marked failed (`soi alerts retry` revives
    /// it).
    pub max_attempts: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            base_secs: 2.0,
            max_secs: 900.0,
            max_attempts: 12,
        }
    }
}

impl RetryPolicy {
    /// Delay before attempt `attempts + 1`, after `attempts` failures (>= 1).
    pub fn delay(&self, attempts: u32) -> Duration {
        let exp = attempts.saturating_sub(1).min(30) as i32;
        let secs = (self.base_secs * 2f64.powi(exp))
            .min(self.max_secs)
            .max(0.0);
        // `as` saturates (NaN becomes 0); the config bounds the seconds to ten years anyway.
        Duration::try_milliseconds((secs * 1000.0) as i64).unwrap_or(Duration::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_up_to_the_cap() {
        let p = RetryPolicy {
            base_secs: 1.0,
            max_secs: 10.0,
            max_attempts: 5,
        };
        let d: Vec<i64> = (1..=6).map(|a| p.delay(a).num_seconds()).collect();
        assert_eq!(d, vec![1, 2, 4, 8, 10, 10]);
    }
}
