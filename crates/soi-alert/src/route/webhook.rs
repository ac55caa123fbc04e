//! HTTPS webhook: POSTs the payload with its timestamp, HMAC signature and idempotency key in
//! headers. 2xx (and 409, "already have it") count as delivered; 408, 425, 429 and 5xx and
//! connection failures are retried; other answers are permanent failures.
//!
//! Redirects are never followed: a 307/308 would resend the body and its signature to whatever
//! host the answer names. A 3xx is recorded as a permanent failure. Error texts name the URL only
//! as `scheme://host[:port]/[redacted]`, since a token in the URL would otherwise be stored.

use std::time::Duration;

use async_trait::async_trait;

use super::{Outgoing, Route, RouteFailure};
use crate::redact::{redacted, scrub};
use crate::sign::{sign, IDEMPOTENCY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER};
use crate::AlertError;

pub struct Webhook {
    url: String,
    secret: Vec<u8>,
    client: reqwest::Client,
}

impl Webhook {
    pub fn new(
        name: &str,
        url: &str,
        secret: Vec<u8>,
        timeout_secs: u64,
    ) -> Result<Self, AlertError> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(timeout_secs.clamp(1, 3600)))
            .user_agent(concat!("soi-alert/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| AlertError::Route {
                route: name.to_string(),
                why: e.to_string(),
            })?;
        Ok(Webhook {
            url: url.to_string(),
            secret,
            client,
        })
    }
}

#[async_trait]
impl Route for Webhook {
    async fn deliver(&self, out: &Outgoing) -> Result<String, RouteFailure> {
        let ts = out.now.timestamp();
        let resp = self
            .client
            .post(&self.url)
            .header("content-type", "application/json")
            .header(TIMESTAMP_HEADER, ts.to_string())
            .header(SIGNATURE_HEADER, sign(&self.secret, ts, &out.body))
            .header(IDEMPOTENCY_HEADER, &out.key)
            .body(out.body.clone())
            .send()
            .await
            .map_err(|e| RouteFailure {
                retryable: true,
                why: format!(
                    "POST {}: request failed: {}",
                    redacted(&self.url),
                    scrub(&error_chain(e.without_url()), &self.url)
                ),
            })?;
        let status = resp.status();
        let code = status.as_u16();
        if status.is_success() || code == 409 {
            return Ok(format!("HTTP {code}"));
        }
        if status.is_redirection() {
            return Err(RouteFailure {
                retryable: false,
                why: format!("HTTP {code}: redirects are not followed"),
            });
        }
        let retryable = status.is_server_error() || matches!(code, 408 | 425 | 429);
        Err(RouteFailure {
            retryable,
            why: format!("HTTP {code}"),
        })
    }
}

/// The error and its causes, `: `-separated (reqwest's own text names only the outermost).
fn error_chain(e: reqwest::Error) -> String {
    let mut text = e.to_string();
    let mut cause = std::error::Error::source(&e);
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    text
}
