//! `pipelines/alerts.toml`: the rules, the routes they send to, the retry policy. Checked as a
//! whole when loaded, so a typo in a route name fails at start-up, not at 3 a.m.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use soi_store::{AlertRule, AlertRules, RuleKind};

use crate::backoff::RetryPolicy;
use crate::redact::redacted;
use crate::AlertError;

/// The longest time any setting may name: ten years, in seconds. Longer ones are typos, and
/// near chrono's range they would make time arithmetic overflow.
pub const MAX_SECS: i64 = 10 * 365 * 86_400;

/// At most `max` attempts per `per_secs` seconds on a route.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimit {
    pub max: u32,
    pub per_secs: i64,
}

/// Where alerts go.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Target {
    /// An HTTPS endpoint; requests are signed with HMAC-SHA256 using the secret in the
    /// environment variable `secret_env` (which must be set and not empty). Redirects are never
    /// followed.
    Webhook {
        url: String,
        secret_env: String,
        #[serde(default = "default_timeout")]
        timeout_secs: u64,
        /// Allows plain `http://`, and only to a loopback address (127.0.0.0/8, ::1): for tests
        /// and a receiver on the same machine.
        #[serde(default)]
        allow_http_loopback: bool,
    },
    /// A folder (relative paths are under soi's home) where each alert lands as `KEY.json`.
    File { dir: PathBuf },
}

fn default_timeout() -> u64 {
    10
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct RouteConfig {
    #[serde(flatten)]
    pub target: Target,
    #[serde(default)]
    pub rate_limit: Option<RateLimit>,
}

/// The whole file.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct AlertsConfig {
    #[serde(default)]
    pub retry: RetryPolicy,
    #[serde(default)]
    pub routes: BTreeMap<String, RouteConfig>,
    #[serde(default)]
    pub rules: Vec<AlertRule>,
}

impl AlertsConfig {
    pub fn load(path: &Path) -> Result<Self, AlertError> {
        let text = std::fs::read_to_string(path).map_err(|e| AlertError::Read {
            path: path.display().to_string(),
            why: e.to_string(),
        })?;
        Self::parse(&text, &path.display().to_string())
    }

    /// Parses and checks the text of an `alerts.toml` (`origin` names it in errors).
    pub fn parse(text: &str, origin: &str) -> Result<Self, AlertError> {
        let c: AlertsConfig = toml::from_str(text).map_err(|e| AlertError::Config {
            path: origin.to_string(),
            why: e.to_string(),
        })?;
        c.check().map_err(|why| AlertError::Config {
            path: origin.to_string(),
            why,
        })?;
        Ok(c)
    }

    fn check(&self) -> Result<(), String> {
        let mut names = std::collections::BTreeSet::new();
        for r in &self.rules {
            if !names.insert(r.name.as_str()) {
                return Err(format!("rule `{}` is defined twice", r.name));
            }
            if r.routes.is_empty() {
                return Err(format!("rule `{}` has no routes", r.name));
            }
            for route in &r.routes {
                if !self.routes.contains_key(route) {
                    return Err(format!(
                        "rule `{}` names route `{route}`, which is not under [routes]",
                        r.name
                    ));
                }
            }
            let risk = match &r.when {
                RuleKind::ListingRisk { min_risk } | RuleKind::CrossBorder { min_risk } => {
                    Some(*min_risk)
                }
                RuleKind::SellerFlagged {
                    count,
                    window_secs,
                    min_risk,
                } => {
                    if *count == 0 {
                        return Err(format!("rule `{}`: count must be positive", r.name));
                    }
                    secs_in_range(&format!("rule `{}`: window_secs", r.name), *window_secs, 1)?;
                    Some(*min_risk)
                }
                RuleKind::BlocklistedDomain => None,
            };
            if risk.is_some_and(|x| !(0.0..=1.0).contains(&x)) {
                return Err(format!("rule `{}`: min_risk must lie in 0..1", r.name));
            }
            secs_in_range(&format!("rule `{}`: dedup_secs", r.name), r.dedup_secs, 0)?;
        }
        for (key, v) in [
            ("retry.base_secs", self.retry.base_secs),
            ("retry.max_secs", self.retry.max_secs),
        ] {
            if !(v.is_finite() && (0.0..=MAX_SECS as f64).contains(&v)) {
                return Err(format!(
                    "{key} = {v}: must lie in 0..={MAX_SECS} (ten years)"
                ));
            }
        }
        for (name, route) in &self.routes {
            if let Some(rl) = route.rate_limit {
                if rl.max == 0 {
                    return Err(format!("route `{name}`: rate_limit needs max > 0"));
                }
                secs_in_range(
                    &format!("route `{name}`: rate_limit.per_secs"),
                    rl.per_secs,
                    1,
                )?;
            }
            if let Target::Webhook {
                url,
                secret_env,
                allow_http_loopback,
                ..
            } = &route.target
            {
                check_webhook_url(url, *allow_http_loopback)
                    .map_err(|why| format!("route `{name}`: {why}"))?;
                if secret_env.trim().is_empty() {
                    return Err(format!(
                        "route `{name}`: secret_env is empty; name the environment variable \
                         that holds the signing secret"
                    ));
                }
            }
        }
        Ok(())
    }

    /// The rules the store evaluates.
    pub fn store_rules(&self) -> AlertRules {
        AlertRules {
            rules: self.rules.clone(),
        }
    }

    /// Makes relative file-drop folders relative to `home`.
    pub fn resolve_dirs(mut self, home: &Path) -> Self {
        for r in self.routes.values_mut() {
            if let Target::File { dir } = &mut r.target {
                if dir.is_relative() {
                    *dir = home.join(&*dir);
                }
            }
        }
        self
    }
}

/// `value` of the setting `what` must lie in `min..=MAX_SECS`.
fn secs_in_range(what: &str, value: i64, min: i64) -> Result<(), String> {
    if (min..=MAX_SECS).contains(&value) {
        Ok(())
    } else {
        Err(format!(
            "{what} = {value}: must lie in {min}..={MAX_SECS} (ten years)"
        ))
    }
}

/// https anywhere; plain http only to a loopback address and only when the route allows it.
fn check_webhook_url(raw: &str, allow_http_loopback: bool) -> Result<(), String> {
    let shown = redacted(raw);
    let u = url::Url::parse(raw).map_err(|e| format!("`{shown}` is not a URL: {e}"))?;
    match u.scheme() {
        "https" => Ok(()),
        "http" if !allow_http_loopback => Err(format!(
            "`{shown}` is plain http; webhooks need https (set allow_http_loopback = true \
             for a receiver on a loopback address)"
        )),
        "http" => {
            let loopback = match u.host() {
                Some(url::Host::Ipv4(a)) => a.is_loopback(),
                Some(url::Host::Ipv6(a)) => a.is_loopback(),
                _ => false,
            };
            if loopback {
                Ok(())
            } else {
                Err(format!(
                    "`{shown}`: allow_http_loopback permits plain http only to a loopback \
                     address (127.0.0.0/8 or ::1)"
                ))
            }
        }
        _ => Err(format!("`{shown}` is not an https URL")),
    }
}

/// The default location: `PIPELINES/alerts.toml`.
pub fn default_path(pipelines: &Path) -> PathBuf {
    pipelines.join("alerts.toml")
}

#[cfg(test)]
mod tests {
    use super::*;

    const OK: &str = r#"
        [routes.drop]
        kind = "file"
        dir = "alerts"
        [routes.police]
        kind = "webhook"
        url = "https://example.invalid/hook"
        secret_env = "S"
        rate_limit = { max = 10, per_secs = 60 }
        [[rules]]
        name = "r1"
        kind = "seller_flagged"
        count = 3
        window_secs = 86400
        severity = "high"
        tlp = "amber"
        routes = ["drop", "police"]
    "#;

    #[test]
    fn loads_and_checks() {
        let c = AlertsConfig::parse(OK, "t").unwrap();
        assert_eq!(c.rules.len(), 1);
        assert_eq!(c.rules[0].dedup_secs, 86_400);
        let bad = OK.replace("\"drop\", \"police\"", "\"nope\"");
        let e = AlertsConfig::parse(&bad, "t").unwrap_err();
        assert!(e.to_string().contains("route `nope`"), "{e}");
        let bad = OK.replace("https://example.invalid/hook", "ftp://x");
        assert!(AlertsConfig::parse(&bad, "t").is_err());
    }
}
