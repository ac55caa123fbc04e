//! The embedded store: one SQLite file (bundled SQLite, WAL journal).

mod migrate;
mod read;
mod write;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use rusqlite::Connection;
use soi_model::{Scored, Seller};

use crate::{ListingDetail, SellerQuery, SellerSummary, Store, StoreCounts, StoreError};

/// The embedded store. Cloning shares one connection; calls run on tokio's blocking pool.
#[derive(Clone)]
pub struct SqliteStore {
    conn: Arc<Mutex<Connection>>,
    path: PathBuf,
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
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "busy_timeout", 10_000)?;
        migrate::migrate(&mut conn)?;
        Ok(SqliteStore {
            conn: Arc::new(Mutex::new(conn)),
            path: path.to_path_buf(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    async fn with_conn<R, F>(&self, f: F) -> Result<R, StoreError>
    where
        R: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<R, StoreError> + Send + 'static,
    {
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || {
            let mut guard = conn.lock().unwrap_or_else(|p| p.into_inner());
            f(&mut guard)
        })
        .await
        .map_err(|e| StoreError::Task(e.to_string()))?
    }
}

#[async_trait]
impl Store for SqliteStore {
    async fn put_scored(&self, batch: Vec<Scored>) -> Result<usize, StoreError> {
        self.with_conn(move |c| write::put_scored(c, &batch)).await
    }

    async fn put_sellers(&self, batch: Vec<Seller>) -> Result<usize, StoreError> {
        self.with_conn(move |c| write::put_sellers(c, &batch)).await
    }

    async fn flagged_sellers(&self, q: &SellerQuery) -> Result<Vec<SellerSummary>, StoreError> {
        let q = q.clone();
        self.with_conn(move |c| read::flagged_sellers(c, &q)).await
    }

    async fn listing(
        &self,
        marketplace: Option<&str>,
        id: &str,
    ) -> Result<Option<ListingDetail>, StoreError> {
        let (m, id) = (marketplace.map(str::to_string), id.to_string());
        self.with_conn(move |c| read::listing(c, m.as_deref(), &id))
            .await
    }

    async fn counts(&self) -> Result<StoreCounts, StoreError> {
        self.with_conn(read::counts).await
    }
}
