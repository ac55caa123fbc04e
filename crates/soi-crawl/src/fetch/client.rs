//! The fetcher: one reqwest client per crawl with the marketplace's limits built in.
//!
//! Redirects are followed here, not by reqwest, so that every hop is checked like a first
//! request: allowed hosts, private addresses and the robots.txt of the hop's host. The client
//! ignores proxy settings from the environment (`HTTP_PROXY`), so pages and their evidence
//! come straight from the marketplace.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use reqwest::header::{
    HeaderMap, ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED, LOCATION, RETRY_AFTER,
};
use reqwest::{redirect, StatusCode};
use url::Url;

use super::guard::{is_private, PublicOnly};
use super::{HostLimiter, Robots};
use crate::urls::host_key;
use crate::{CrawlError, FetchError};

/// What a fetcher needs to know.
#[derive(Debug, Clone)]
pub struct FetchSettings {
    pub user_agent: String,
    pub allowed_hosts: HashSet<String>,
    pub allow_private: bool,
    pub obey_robots: bool,
    pub requests_per_second: f64,
    pub concurrency: usize,
    pub timeout: Duration,
    pub max_body_bytes: u64,
    pub max_redirects: usize,
    pub retries: u32,
    pub backoff: Duration,
    pub max_retry_after: Duration,
}

/// Validators from an earlier fetch, for a conditional GET.
#[derive(Debug, Clone, Default)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// A fetched response.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// URL after redirects.
    pub url: Url,
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Bytes,
    /// 304: the page is what it was at the last fetch.
    pub not_modified: bool,
    pub validators: Validators,
    pub fetched_at: chrono::DateTime<chrono::Utc>,
}

impl Fetched {
    pub fn content_type(&self) -> &str {
        self.headers
            .iter()
            .find(|(k, _)| k == "content-type")
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }
}

/// Fetches pages politely. Share one per crawl.
pub struct Fetcher {
    client: reqwest::Client,
    s: FetchSettings,
    limiter: HostLimiter,
    robots: Mutex<HashMap<String, Arc<Robots>>>,
    robots_locks: tokio::sync::Mutex<()>,
    jitter: Mutex<u64>,
}

impl Fetcher {
    pub fn new(s: FetchSettings) -> Result<Fetcher, CrawlError> {
        let mut b = reqwest::Client::builder()
            .user_agent(s.user_agent.clone())
            .redirect(redirect::Policy::none())
            .no_proxy()
            .timeout(s.timeout)
            .connect_timeout(s.timeout.min(Duration::from_secs(10)))
            .gzip(true);
        if !s.allow_private {
            b = b.dns_resolver(Arc::new(PublicOnly));
        }
        let client = b.build().map_err(|e| CrawlError::Client(e.to_string()))?;
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0x5eed)
            | 1;
        Ok(Fetcher {
            client,
            limiter: HostLimiter::new(s.requests_per_second, s.concurrency),
            s,
            robots: Mutex::new(HashMap::new()),
            robots_locks: tokio::sync::Mutex::new(()),
            jitter: Mutex::new(seed),
        })
    }

    /// Whether a URL may be fetched at all (scheme, host, private address).
    pub fn check(&self, url: &Url) -> Result<(), FetchError> {
        if url.scheme() != "http" && url.scheme() != "https" {
            return Err(FetchError::BadUrl(url.to_string()));
        }
        let host = url.host_str().unwrap_or("");
        if !host_allowed(&self.s.allowed_hosts, host) {
            return Err(FetchError::HostNotAllowed(host.to_string()));
        }
        if !self.s.allow_private && literal_private(url) {
            return Err(FetchError::PrivateAddress(url.to_string()));
        }
        Ok(())
    }

    /// The product token robots.txt groups are matched against.
    pub fn robots_token(&self) -> String {
        self.s
            .user_agent
            .split(['/', ' '])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase()
    }

    /// GETs `url` politely; a conditional GET when validators are given. Redirects are
    /// followed, each hop checked like `url` itself.
    pub async fn get(&self, url: &Url, cond: Option<&Validators>) -> Result<Fetched, FetchError> {
        self.follow(url, cond, self.s.obey_robots).await
    }

    /// Follows redirects from `url`, checking each hop (allowed host, private address and,
    /// with `robots`, the robots.txt of its host) before requesting it.
    async fn follow(
        &self,
        url: &Url,
        cond: Option<&Validators>,
        robots: bool,
    ) -> Result<Fetched, FetchError> {
        let mut at = url.clone();
        for hop in 0..=self.s.max_redirects {
            if hop > 0 {
                self.check(&at).map_err(|e| redirect_refused(url, &at, e))?;
            } else {
                self.check(&at)?;
            }
            if robots {
                let rules = self.robots_for(&at).await;
                if !rules.allowed(&crate::extract::path_query(&at)) {
                    return Err(FetchError::RobotsDisallowed {
                        host: host_key(&at),
                        url: at.to_string(),
                    });
                }
            }
            match self.get_raw(&at, cond).await? {
                Hop::Page(f) => return Ok(f),
                Hop::Redirect(next) => {
                    tracing::debug!(from = %at, to = %next, "redirect");
                    at = next;
                }
            }
        }
        Err(FetchError::Http {
            url: url.to_string(),
            message: format!("more than {} redirects", self.s.max_redirects),
        })
    }

    async fn robots_for(&self, url: &Url) -> Arc<Robots> {
        let key = host_key(url);
        if let Some(r) = self.cached_robots(&key) {
            return r;
        }
        // One robots.txt fetch per host, even with several requests waiting.
        let _one = self.robots_locks.lock().await;
        if let Some(r) = self.cached_robots(&key) {
            return r;
        }
        let mut robots_url = url.clone();
        robots_url.set_path("/robots.txt");
        robots_url.set_query(None);
        // Boxed: `follow` checks robots.txt through this function.
        let robots = match Box::pin(self.follow(&robots_url, None, false)).await {
            Ok(f) if (200..300).contains(&f.status) => {
                Robots::parse(&String::from_utf8_lossy(&f.body), &self.robots_token())
            }
            Err(FetchError::Status { status, .. }) if (400..500).contains(&status) => {
                Robots::allow_all()
            }
            Ok(f) if (400..500).contains(&f.status) => Robots::allow_all(),
            other => {
                tracing::warn!(host = %key, outcome = ?other.map(|f| f.status), "robots.txt unreachable; treating the host as disallowed");
                Robots::disallow_all()
            }
        };
        if let Some(d) = robots.crawl_delay {
            self.limiter.at_least(&key, d);
        }
        let robots = Arc::new(robots);
        self.robots
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(key, robots.clone());
        robots
    }

    fn cached_robots(&self, key: &str) -> Option<Arc<Robots>> {
        self.robots
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(key)
            .cloned()
    }

    /// One GET with limits and retries, no robots check, no redirect followed.
    async fn get_raw(&self, url: &Url, cond: Option<&Validators>) -> Result<Hop, FetchError> {
        let host = host_key(url);
        let attempts = self.s.retries + 1;
        let mut last = String::new();
        for attempt in 0..attempts {
            let permit = self.limiter.acquire(&host).await;
            let mut req = self.client.get(url.clone());
            if let Some(v) = cond {
                if let Some(e) = &v.etag {
                    req = req.header(IF_NONE_MATCH, e);
                }
                if let Some(m) = &v.last_modified {
                    req = req.header(IF_MODIFIED_SINCE, m);
                }
            }
            let sent = req.send().await;
            let resp = match sent {
                Ok(r) => r,
                Err(e) if e.is_builder() => {
                    return Err(FetchError::Http {
                        url: url.to_string(),
                        message: error_chain(&e),
                    })
                }
                Err(e) => {
                    drop(permit);
                    last = error_chain(&e);
                    tracing::debug!(%url, attempt, error = %last, "fetch failed; retrying");
                    self.pause(attempt, None).await;
                    continue;
                }
            };
            let status = resp.status();
            if status == StatusCode::TOO_MANY_REQUESTS
                || status == StatusCode::SERVICE_UNAVAILABLE
                || status == StatusCode::BAD_GATEWAY
                || status == StatusCode::GATEWAY_TIMEOUT
                || status == StatusCode::INTERNAL_SERVER_ERROR
            {
                let wait = retry_after(resp.headers());
                drop(permit);
                last = format!("HTTP {}", status.as_u16());
                if let Some(w) = wait {
                    if w > self.s.max_retry_after {
                        return Err(FetchError::Exhausted {
                            url: url.to_string(),
                            attempts: attempt + 1,
                            last: format!(
                                "{last} with Retry-After {}s, over the limit",
                                w.as_secs()
                            ),
                        });
                    }
                    self.limiter.back_off(&host, w);
                }
                if attempt + 1 < attempts {
                    tracing::info!(%url, status = status.as_u16(), retry_after = ?wait, "server asked us to slow down; retrying");
                    self.pause(attempt, wait).await;
                }
                continue;
            }
            let final_url = resp.url().clone();
            let headers = header_list(resp.headers());
            let validators = Validators {
                etag: header(resp.headers(), ETAG),
                last_modified: header(resp.headers(), LAST_MODIFIED),
            };
            if status == StatusCode::NOT_MODIFIED {
                return Ok(Hop::Page(Fetched {
                    url: final_url,
                    status: 304,
                    headers,
                    body: Bytes::new(),
                    not_modified: true,
                    validators,
                    fetched_at: chrono::Utc::now(),
                }));
            }
            if status.is_redirection() {
                let next = header(resp.headers(), LOCATION).and_then(|l| url.join(&l).ok());
                if let Some(next) = next {
                    return Ok(Hop::Redirect(next));
                }
            }
            if !status.is_success() {
                return Err(FetchError::Status {
                    url: url.to_string(),
                    status: status.as_u16(),
                });
            }
            let body = self.read_capped(url, resp).await?;
            drop(permit);
            return Ok(Hop::Page(Fetched {
                url: final_url,
                status: status.as_u16(),
                headers,
                body,
                not_modified: false,
                validators,
                fetched_at: chrono::Utc::now(),
            }));
        }
        Err(FetchError::Exhausted {
            url: url.to_string(),
            attempts,
            last,
        })
    }

    async fn read_capped(
        &self,
        url: &Url,
        mut resp: reqwest::Response,
    ) -> Result<Bytes, FetchError> {
        let cap = self.s.max_body_bytes;
        let too_large = || FetchError::TooLarge {
            url: url.to_string(),
            limit: cap,
        };
        if resp.content_length().is_some_and(|n| n > cap) {
            return Err(too_large());
        }
        let mut buf = BytesMut::new();
        loop {
            match resp.chunk().await {
                Ok(Some(c)) => {
                    if (buf.len() + c.len()) as u64 > cap {
                        return Err(too_large());
                    }
                    buf.extend_from_slice(&c);
                }
                Ok(None) => return Ok(buf.freeze()),
                Err(e) => {
                    return Err(FetchError::Http {
                        url: url.to_string(),
                        message: error_chain(&e),
                    })
                }
            }
        }
    }

    /// Exponential backoff with jitter, or the server's `Retry-After` when longer.
    async fn pause(&self, attempt: u32, retry_after: Option<Duration>) {
        let base = self.s.backoff.saturating_mul(1u32 << attempt.min(16));
        let jitter = {
            let mut x = self.jitter.lock().unwrap_or_else(|p| p.into_inner());
            *x ^= *x << 13;
            *x ^= *x >> 7;
            *x ^= *x << 17;
            let frac = (*x % 1000) as f64 / 1000.0;
            self.s.backoff.mul_f64(frac)
        };
        let wait = match retry_after {
            Some(w) => w,
            None => base.saturating_add(jitter),
        };
        tokio::time::sleep(wait).await;
    }
}

/// What one request answered: a page (or 304), or a redirect to follow.
enum Hop {
    Page(Fetched),
    Redirect(Url),
}

/// A redirect hop that failed [`Fetcher::check`], said as a redirect from `from`.
fn redirect_refused(from: &Url, to: &Url, e: FetchError) -> FetchError {
    let why = match e {
        FetchError::HostNotAllowed(_) => "leaves the allowed hosts",
        FetchError::PrivateAddress(_) => "goes to a private address",
        _ => "is not an http(s) URL",
    };
    FetchError::Http {
        url: from.to_string(),
        message: format!("redirect to `{to}` {why}"),
    }
}

fn host_allowed(allowed: &HashSet<String>, host: &str) -> bool {
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase();
    allowed.iter().any(|a| {
        let a = a.to_ascii_lowercase();
        host == a || host.ends_with(&format!(".{a}"))
    })
}

fn literal_private(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => is_private(ip.into()),
        Some(url::Host::Ipv6(ip)) => is_private(ip.into()),
        Some(url::Host::Domain(d)) => {
            d.eq_ignore_ascii_case("localhost") || d.ends_with(".localhost")
        }
        None => true,
    }
}

/// `Retry-After` in seconds or as an HTTP date.
fn retry_after(h: &HeaderMap) -> Option<Duration> {
    let v = h.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = chrono::DateTime::parse_from_rfc2822(v).ok()?;
    let delta = when.with_timezone(&chrono::Utc) - chrono::Utc::now();
    Some(delta.to_std().unwrap_or(Duration::ZERO))
}

fn header(h: &HeaderMap, name: reqwest::header::HeaderName) -> Option<String> {
    h.get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

fn header_list(h: &HeaderMap) -> Vec<(String, String)> {
    h.iter()
        .map(|(k, v)| {
            (
                k.as_str().to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect()
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(x) = src {
        s.push_str(": ");
        s.push_str(&x.to_string());
        src = x.source();
    }
    s
}
