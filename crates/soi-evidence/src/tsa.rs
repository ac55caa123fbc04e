//! The time-stamping authority's client: one HTTP POST of a TimeStampReq
//! (`application/timestamp-query`), the answer read to at most [`tsp::MAX_RESPONSE`] bytes, and
//! a token kept only once it timestamps what was asked (imprint and nonce) and its signature holds.

use std::time::Duration;

use sha2::{Digest, Sha256};

use crate::config::TsaConfig;
use crate::error::{TimestampError, TspError};
use crate::token::{self, TrustAnchors};
use crate::tsp;

/// A configured TSA.
pub struct TsaClient {
    url: String,
    http: reqwest::Client,
    anchors: Option<TrustAnchors>,
}

impl TsaClient {
    pub fn new(config: &TsaConfig) -> Result<TsaClient, TimestampError> {
        let anchors = config.ca.as_deref().map(TrustAnchors::load).transpose()?;
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(config.timeout_s.max(1)))
            .user_agent(soi_crawl::DEFAULT_USER_AGENT)
            .build()
            .map_err(|e| TimestampError::Http {
                url: config.url.clone(),
                why: e.to_string(),
            })?;
        Ok(TsaClient {
            url: config.url.clone(),
            http,
            anchors,
        })
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn anchors(&self) -> Option<&TrustAnchors> {
        self.anchors.as_ref()
    }

    fn http_err(&self, why: impl ToString) -> TimestampError {
        TimestampError::Http {
            url: self.url.clone(),
            why: why.to_string(),
        }
    }

    fn tsp_err(&self, source: TspError) -> TimestampError {
        TimestampError::Tsp {
            url: self.url.clone(),
            source,
        }
    }

    /// A checked token (DER) timestamping `message`'s sha256.
    pub async fn stamp(&self, message: &[u8]) -> Result<Vec<u8>, TimestampError> {
        let imprint: [u8; 32] = Sha256::digest(message).into();
        let mut nonce = [0u8; 8];
        openssl::rand::rand_bytes(&mut nonce).map_err(|e| self.http_err(e))?;
        nonce[0] = (nonce[0] & 0x7f) | 0x01;
        let req = tsp::request(&imprint, &nonce).map_err(|e| self.tsp_err(e))?;
        let mut resp = self
            .http
            .post(&self.url)
            .header(reqwest::header::CONTENT_TYPE, "application/timestamp-query")
            .body(req)
            .send()
            .await
            .map_err(|e| self.http_err(e))?;
        if !resp.status().is_success() {
            return Err(self.http_err(format!("HTTP status {}", resp.status())));
        }
        let mut body = vec![];
        while let Some(chunk) = resp.chunk().await.map_err(|e| self.http_err(e))? {
            if body.len() + chunk.len() > tsp::MAX_RESPONSE {
                return Err(self.tsp_err(TspError::TooLarge {
                    len: body.len() + chunk.len(),
                    max: tsp::MAX_RESPONSE,
                }));
            }
            body.extend_from_slice(&chunk);
        }
        let token = tsp::parse_response(&body).map_err(|e| self.tsp_err(e))?;
        let facts = tsp::tst_info(&token).map_err(|e| self.tsp_err(e))?;
        tsp::check_imprint(&facts, &imprint, Some(&nonce)).map_err(|e| self.tsp_err(e))?;
        token::verify_signature(&token, &facts, self.anchors.as_ref())
            .map_err(|e| self.tsp_err(e))?;
        Ok(token)
    }
}
