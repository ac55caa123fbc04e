//! Connecting, and retrying while the server is down.

use std::future::Future;
use std::time::{Duration, Instant};

use clickhouse::Client;

use crate::ClickHouseError;

/// Where the store is and how long to wait out an outage.
#[derive(Debug, Clone)]
pub struct ClickHouseOptions {
    /// `http://HOST:PORT`.
    pub url: String,
    pub database: String,
    pub user: Option<String>,
    pub password: Option<String>,
    /// Give up on a call after the server was unreachable this long.
    pub max_outage: Duration,
}

impl ClickHouseOptions {
    /// Parses `clickhouse://HOST:PORT/DATABASE` (HTTP interface; port 8123 by default).
    /// `CLICKHOUSE_USER` and `CLICKHOUSE_PASSWORD` supply credentials.
    pub fn from_url(url: &str) -> Result<Self, ClickHouseError> {
        let bad = || ClickHouseError::Address(url.to_string());
        let rest = url.strip_prefix("clickhouse://").ok_or_else(bad)?;
        let (host, db) = rest.split_once('/').ok_or_else(bad)?;
        let db = db.trim_end_matches('/');
        if host.is_empty()
            || db.is_empty()
            || !db.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            return Err(bad());
        }
        let host = if host.contains(':') {
            host.to_string()
        } else {
            format!("{host}:8123")
        };
        Ok(ClickHouseOptions {
            url: format!("http://{host}"),
            database: db.to_string(),
            user: std::env::var("CLICKHOUSE_USER").ok(),
            password: std::env::var("CLICKHOUSE_PASSWORD").ok(),
            max_outage: Duration::from_secs(600),
        })
    }
}

/// The ClickHouse store. Cheap to clone (the HTTP client pools connections).
#[derive(Clone)]
pub struct ClickHouseStore {
    pub(crate) client: Client,
    pub(crate) opts: ClickHouseOptions,
}

impl ClickHouseStore {
    /// Connects (waiting for the server up to `max_outage`), creates the database and brings
    /// the schema up to date.
    pub async fn connect(opts: ClickHouseOptions) -> Result<Self, ClickHouseError> {
        Self::connect_at(opts, u32::MAX).await
    }

    /// [`Self::connect`], with the schema brought only up to migration `version`: tests build
    /// a database as an older release left it, then check that connecting migrates it.
    #[doc(hidden)]
    pub async fn connect_at_schema_for_tests(
        opts: ClickHouseOptions,
        version: u32,
    ) -> Result<Self, ClickHouseError> {
        Self::connect_at(opts, version).await
    }

    async fn connect_at(opts: ClickHouseOptions, up_to: u32) -> Result<Self, ClickHouseError> {
        let mut root = Client::default().with_url(&opts.url).with_validation(false);
        if let Some(u) = &opts.user {
            root = root.with_user(u);
        }
        if let Some(p) = &opts.password {
            root = root.with_password(p);
        }
        let client = root.clone().with_database(&opts.database);
        let store = ClickHouseStore { client, opts };
        let create = format!("CREATE DATABASE IF NOT EXISTS {}", store.opts.database);
        store
            .retry("create database", || root.query(&create).execute())
            .await?;
        crate::migrate::migrate(&store, up_to).await?;
        Ok(store)
    }

    pub fn options(&self) -> &ClickHouseOptions {
        &self.opts
    }

    /// Runs `op` until it succeeds, retrying with exponential backoff on errors that mean the
    /// server is unreachable or overloaded; other errors return at once.
    pub(crate) async fn retry<T, F, Fut>(&self, what: &str, mut op: F) -> Result<T, ClickHouseError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = clickhouse::error::Result<T>>,
    {
        let start = Instant::now();
        let mut delay = Duration::from_millis(100);
        loop {
            match op().await {
                Ok(v) => return Ok(v),
                Err(e) if transient(&e) && start.elapsed() < self.opts.max_outage => {
                    metrics::counter!(soi_telemetry::names::STORE_RETRIES,
                        "store" => "clickhouse", "operation" => what.to_string())
                    .increment(1);
                    tracing::warn!(what, error = %e, retry_in_ms = delay.as_millis() as u64,
                        "clickhouse unavailable; retrying");
                    tokio::time::sleep(delay).await;
                    delay = (delay * 2).min(Duration::from_secs(5));
                }
                Err(e) if transient(&e) => {
                    return Err(ClickHouseError::Unavailable {
                        secs: start.elapsed().as_secs(),
                        last: e.to_string(),
                    })
                }
                Err(e) => return Err(e.into()),
            }
        }
    }
}

/// Errors worth retrying: the network, timeouts, and server-side overload.
fn transient(e: &clickhouse::error::Error) -> bool {
    use clickhouse::error::Error as E;
    match e {
        E::Network(_) | E::TimedOut => true,
        E::BadResponse(msg) => {
            let m = msg.to_ascii_lowercase();
            m.contains("too many") || m.contains("timeout") || m.contains("memory limit")
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_store_urls() {
        let o = ClickHouseOptions::from_url("clickhouse://127.0.0.1:8123/soi").unwrap();
        assert_eq!(
            (o.url.as_str(), o.database.as_str()),
            ("http://127.0.0.1:8123", "soi")
        );
        let o = ClickHouseOptions::from_url("clickhouse://ch/soi_test").unwrap();
        assert_eq!(o.url, "http://ch:8123");
        for bad in [
            "clickhouse://host",
            "http://h:1/db",
            "clickhouse://h:1/",
            "clickhouse://h/a;b",
        ] {
            assert!(ClickHouseOptions::from_url(bad).is_err(), "{bad}");
        }
    }
}
