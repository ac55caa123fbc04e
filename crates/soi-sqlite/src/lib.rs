//! The embedded store: one SQLite file (bundled SQLite, WAL journal), implementing every seam of
//! `soi-store` ([`Store`], [`AlertOutbox`], [`ReportSource`], [`soi_store::ConsoleStore`],
//! [`soi_store::LinkStore`], [`soi_store::ComplaintStore`]).
//!
//! Why a crate of its own: the seam crate holds only traits, row shapes and shared rules, so that
//! a store on another engine (ClickHouse) depends on neither SQLite nor this code, and both are
//! checked by the same conformance suite (`soi_store::conformance`).

mod complaints;
mod console;
mod crawl_health;
mod error;
mod history;
mod links;
mod migrate;
mod outbox;
mod raise;
mod read;
mod report;
mod time;
mod write;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use rusqlite::Connection;
use soi_model::{Scored, Seller};

use soi_store::{
    AlertOutbox, AlertQuery, AlertRules, Attempt, Delivery, DeliveryLogEntry, HistoryOf,
    ListingDetail, ListingScan, OutboxCounts, ReportQuery, ReportRow, ReportSource, SellerQuery,
    SellerSummary, Store, StoreCounts, StoreError,
};

pub(crate) use error::Error;

/// Read connections beside the one writer: WAL lets readers run while the writer writes, so the
/// console's pages do not queue behind one another (or behind the sink) on a single connection.
/// More connections than cores: a seller page (about a millisecond) then waits for a free
/// connection, not behind a queue page (tens of milliseconds) that holds the only one.
const READERS: usize = 8;

/// Page cache of each reader, in KiB (SQLite's `cache_size`, negative for KiB).
const READER_CACHE_KIB: i64 = 32 * 1024;

/// The read connections: a free list, and one permit per connection, handed out first come,
/// first served.
struct Readers {
    free: Mutex<Vec<Connection>>,
    permits: Arc<tokio::sync::Semaphore>,
    path: PathBuf,
}

impl Readers {
    fn free_list(&self) -> std::sync::MutexGuard<'_, Vec<Connection>> {
        self.free.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// A read-only connection to the store file.
fn open_reader(path: &Path) -> Result<Connection, StoreError> {
    let r = Connection::open_with_flags(
        path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| StoreError::Open {
        path: path.display().to_string(),
        why: e.to_string(),
    })?;
    r.pragma_update(None, "busy_timeout", 10_000)
        .map_err(Error::from)?;
    // A bigger page cache per reader: with SQLite's default 2 MB, a queue page at 1 million
    // listings spent most of its time copying file pages in `pread` (measured with perf).
    r.pragma_update(None, "cache_size", -READER_CACHE_KIB)
        .map_err(Error::from)?;
    Ok(r)
}

/// The embedded store. Cloning shares its connections (one writer, [`READERS`] readers); calls
/// run on tokio's blocking pool.
#[derive(Clone)]
pub struct SqliteStore {
    conn: Arc<Mutex<Connection>>,
    readers: Arc<Readers>,
    path: PathBuf,
    rules: Option<Arc<AlertRules>>,
}

impl SqliteStore {
    /// Opens (creating if needed) the store file and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| StoreError::Open {
                path: path.display().to_string(),
                why: e.to_string(),
            })?;
        }
        let mut conn = Connection::open(path).map_err(|e| StoreError::Open {
            path: path.display().to_string(),
            why: e.to_string(),
        })?;
        let setup = |conn: &mut Connection| -> Result<(), Error> {
            conn.pragma_update(None, "journal_mode", "WAL")?;
            conn.pragma_update(None, "synchronous", "NORMAL")?;
            conn.pragma_update(None, "busy_timeout", 10_000)?;
            migrate::migrate(conn)
        };
        setup(&mut conn)?;
        let mut readers = Vec::with_capacity(READERS);
        for _ in 0..READERS {
            readers.push(open_reader(path)?);
        }
        Ok(SqliteStore {
            conn: Arc::new(Mutex::new(conn)),
            readers: Arc::new(Readers {
                free: Mutex::new(readers),
                permits: Arc::new(tokio::sync::Semaphore::new(READERS)),
                path: path.to_path_buf(),
            }),
            path: path.to_path_buf(),
            rules: None,
        })
    }

    /// Evaluates `rules` for every verdict that changes in [`Store::put_scored`] and queues the
    /// alerts they raise in the same transaction (the outbox).
    pub fn with_alert_rules(mut self, rules: AlertRules) -> Self {
        self.rules = Some(Arc::new(rules));
        self
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs a read on a free reader connection, waiting (in arrival order) for one. The permit
    /// and the connection go back when the read ends, even if its caller stopped waiting; a
    /// connection lost to a panicking read is opened again.
    pub(crate) async fn with_read<R, F>(&self, f: F) -> Result<R, StoreError>
    where
        R: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<R, Error> + Send + 'static,
    {
        let readers = self.readers.clone();
        let permit = readers
            .permits
            .clone()
            .acquire_owned()
            .await
            .map_err(|e| StoreError::Task(e.to_string()))?;
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let free = readers.free_list().pop();
            let mut conn = match free {
                Some(c) => c,
                None => open_reader(&readers.path)?,
            };
            let out = f(&mut conn).map_err(StoreError::from);
            readers.free_list().push(conn);
            out
        })
        .await
        .map_err(|e| StoreError::Task(e.to_string()))?
    }

    pub(crate) async fn with_conn<R, F>(&self, f: F) -> Result<R, StoreError>
    where
        R: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<R, Error> + Send + 'static,
    {
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || {
            let mut guard = conn.lock().unwrap_or_else(|p| p.into_inner());
            f(&mut guard)
        })
        .await
        .map_err(|e| StoreError::Task(e.to_string()))?
        .map_err(StoreError::from)
    }
}

#[async_trait]
impl Store for SqliteStore {
    async fn put_scored(&self, batch: Vec<Scored>) -> Result<usize, StoreError> {
        let rules = self.rules.clone();
        self.with_conn(move |c| write::put_scored(c, &batch, rules.as_deref()))
            .await
    }

    async fn put_sellers(&self, batch: Vec<Seller>) -> Result<usize, StoreError> {
        self.with_conn(move |c| write::put_sellers(c, &batch)).await
    }

    async fn flagged_sellers(&self, q: &SellerQuery) -> Result<Vec<SellerSummary>, StoreError> {
        let q = q.clone();
        self.with_read(move |c| read::flagged_sellers(c, &q)).await
    }

    async fn listing(
        &self,
        marketplace: Option<&str>,
        id: &str,
    ) -> Result<Option<ListingDetail>, StoreError> {
        let (m, id) = (marketplace.map(str::to_string), id.to_string());
        self.with_read(move |c| read::listing(c, m.as_deref(), &id))
            .await
    }

    async fn counts(&self) -> Result<StoreCounts, StoreError> {
        self.with_read(read::counts).await
    }

    async fn verdict_history(
        &self,
        marketplace: &str,
        of: HistoryOf<'_>,
    ) -> Result<Vec<soi_model::Verdict>, StoreError> {
        let (col, id) = of.key();
        let (m, id) = (marketplace.to_string(), id.to_string());
        self.with_read(move |c| history::verdict_history(c, &m, col, &id))
            .await
    }

    async fn stored_listings(&self, q: &ListingScan) -> Result<Vec<ListingDetail>, StoreError> {
        let q = q.clone();
        self.with_read(move |c| history::stored_listings(c, &q))
            .await
    }

    async fn seller_listings(
        &self,
        marketplace: Option<&str>,
        seller_id: &str,
    ) -> Result<Vec<(String, String)>, StoreError> {
        let (m, s) = (marketplace.map(str::to_string), seller_id.to_string());
        self.with_read(move |c| read::seller_listings(c, m.as_deref(), &s))
            .await
    }

    async fn seller_details(
        &self,
        marketplace: &str,
        seller_id: &str,
    ) -> Result<Vec<ListingDetail>, StoreError> {
        let (m, s) = (marketplace.to_string(), seller_id.to_string());
        // One connection for the whole page, not one call per listing.
        self.with_read(move |c| {
            let mut out = vec![];
            for (lm, id) in read::seller_listings(c, Some(&m), &s)? {
                if let Some(d) = read::listing(c, Some(&lm), &id)? {
                    out.push(d);
                }
            }
            Ok(out)
        })
        .await
    }

    async fn score_days(
        &self,
        since: chrono::NaiveDate,
    ) -> Result<Vec<soi_store::drift::ScoreDay>, StoreError> {
        self.with_read(move |c| read::score_days(c, since)).await
    }
}

#[async_trait]
impl AlertOutbox for SqliteStore {
    async fn claim_due(
        &self,
        now: DateTime<Utc>,
        limit: usize,
        lease: Duration,
    ) -> Result<Vec<Delivery>, StoreError> {
        self.with_conn(move |c| outbox::claim_due(c, now, limit, lease))
            .await
    }

    async fn record_attempt(
        &self,
        key: &str,
        route: &str,
        attempt: Attempt,
        started: DateTime<Utc>,
        finished: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let (key, route) = (key.to_string(), route.to_string());
        self.with_conn(move |c| outbox::record(c, &key, &route, &attempt, started, finished))
            .await
    }

    async fn attempts_since(
        &self,
        route: &str,
        since: DateTime<Utc>,
    ) -> Result<(u64, Option<DateTime<Utc>>), StoreError> {
        let route = route.to_string();
        self.with_conn(move |c| outbox::attempts_since(c, &route, since))
            .await
    }

    async fn list_alerts(&self, q: &AlertQuery) -> Result<Vec<Delivery>, StoreError> {
        let q = q.clone();
        self.with_conn(move |c| outbox::list(c, &q)).await
    }

    async fn retry_failed(&self, key: Option<&str>) -> Result<usize, StoreError> {
        let key = key.map(str::to_string);
        self.with_conn(move |c| outbox::retry(c, key.as_deref()))
            .await
    }

    async fn delivery_log(&self, key: Option<&str>) -> Result<Vec<DeliveryLogEntry>, StoreError> {
        let key = key.map(str::to_string);
        self.with_conn(move |c| outbox::log(c, key.as_deref()))
            .await
    }

    async fn outbox_counts(&self) -> Result<OutboxCounts, StoreError> {
        self.with_conn(outbox::counts).await
    }

    async fn next_due(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        self.with_conn(outbox::next_due).await
    }

    async fn pending_by_route(&self) -> Result<Vec<(String, u64)>, StoreError> {
        self.with_conn(outbox::pending_by_route).await
    }
}

#[async_trait]
impl ReportSource for SqliteStore {
    async fn cross_border_rows(&self, q: &ReportQuery) -> Result<Vec<ReportRow>, StoreError> {
        let q = q.clone();
        self.with_read(move |c| report::cross_border_rows(c, &q))
            .await
    }
}
