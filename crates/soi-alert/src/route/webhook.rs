//! HTTP(S) webhook: POSTs the payload with its timestamp, HMAC signature and idempotency key in
//! headers. 2xx (and 409, "already have it") count as delivered; 408, 425, 429 and 5xx and
//! connection failures are retried; other answers are permanent failures.

use std::time::Duration;

use async_trait::async_trait;

use super::{Outgoing, Route, RouteFailure};
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
            .timeout(Duration::from_secs(timeout_secs.max(1)))
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
                why: format!("request failed: {e}"),
            })?;
        let status = resp.status();
        let code = status.as_u16();
        if status.is_success() || code == 409 {
            return Ok(format!("HTTP {code}"));
        }
        let retryable = status.is_server_error() || matches!(code, 408 | 425 | 429);
        Err(RouteFailure {
            retryable,
            why: format!("HTTP {code}"),
        })
    }
}
