//! Delivery routes. A route takes one prepared payload and either gets it accepted or says
//! whether trying again may help.

mod file_drop;
mod webhook;

pub use file_drop::FileDrop;
pub use webhook::Webhook;

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::config::{RouteConfig, Target};
use crate::AlertError;

/// One payload ready to go.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub key: String,
    pub body: Vec<u8>,
    /// When it is sent (the webhook signs this time).
    pub now: DateTime<Utc>,
}

/// Why a delivery failed, and whether a later attempt may succeed.
#[derive(Debug, Clone, PartialEq)]
pub struct RouteFailure {
    pub retryable: bool,
    pub why: String,
}

#[async_trait]
pub trait Route: Send + Sync {
    /// Delivers the payload; `Ok` carries a short note for the delivery log.
    async fn deliver(&self, out: &Outgoing) -> Result<String, RouteFailure>;
}

/// Builds the route a config describes. Webhook secrets are read from the environment here, so
/// a missing or empty secret fails before anything is sent.
pub fn build(name: &str, cfg: &RouteConfig) -> Result<Arc<dyn Route>, AlertError> {
    match &cfg.target {
        Target::Webhook {
            url,
            secret_env,
            timeout_secs,
            ..
        } => {
            let refuse = |why: String| AlertError::Route {
                route: name.to_string(),
                why,
            };
            let secret = std::env::var(secret_env).map_err(|_| {
                refuse(format!(
                    "the signing secret's environment variable {secret_env} is not set"
                ))
            })?;
            if secret.is_empty() {
                return Err(refuse(format!(
                    "the signing secret in the environment variable {secret_env} is empty"
                )));
            }
            Ok(Arc::new(Webhook::new(
                name,
                url,
                secret.into_bytes(),
                *timeout_secs,
            )?))
        }
        Target::File { dir } => Ok(Arc::new(FileDrop::new(dir.clone()))),
    }
}
