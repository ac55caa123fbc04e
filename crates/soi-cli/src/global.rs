//! Options every subcommand shares: where soi keeps its state, which store, how chatty.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context};
use clap::Args;
use soi_bus::Bus;
use soi_sqlite::SqliteStore;
use soi_store::Store;

use crate::features;

#[derive(Args, Debug)]
pub struct Global {
    /// Folder for soi's state: the embedded store, evidence, dead letters.
    #[arg(long, env = "SOI_HOME", default_value = "var", global = true)]
    pub home: PathBuf,
    /// Store to use: a SQLite file (`PATH` or `sqlite://PATH`, default HOME/soi.db) or
    /// `clickhouse://HOST:PORT/DATABASE`.
    #[arg(long, env = "SOI_STORE", global = true)]
    pub store: Option<String>,
    /// Bus to use: in-process (default) or `kafka://HOST:PORT[,HOST:PORT]`.
    #[arg(long, env = "SOI_BUS", global = true)]
    pub bus: Option<String>,
    /// Folder with marketplace configs, scoring config and the demo site.
    #[arg(
        long,
        env = "SOI_PIPELINES",
        default_value = "pipelines",
        global = true
    )]
    pub pipelines: PathBuf,
    /// More log output (-v info, -vv debug). `RUST_LOG` overrides.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
    /// No progress bars.
    #[arg(short, long, global = true)]
    pub quiet: bool,
}

impl Global {
    pub fn init_logging(&self) {
        let level = match self.verbose {
            0 => "warn",
            1 => "info",
            _ => "debug",
        };
        let filter = tracing_subscriber::EnvFilter::try_from_default_env()
            .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(level));
        tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .init();
    }

    /// Path of the embedded store file.
    pub fn store_path(&self) -> anyhow::Result<PathBuf> {
        match self.store.as_deref() {
            None => Ok(self.home.join("soi.db")),
            Some(s) if s.contains("://") && !s.starts_with("sqlite://") => {
                bail!("store `{s}` is not a SQLite file")
            }
            Some(s) => Ok(PathBuf::from(s.trim_start_matches("sqlite://"))),
        }
    }

    pub fn open_store(&self) -> anyhow::Result<Arc<dyn Store>> {
        let path = self.store_path()?;
        let store = SqliteStore::open(&path)
            .with_context(|| format!("opening the store {}", path.display()))?;
        Ok(Arc::new(store))
    }

    /// Where the store is, for messages.
    pub fn store_label(&self) -> String {
        match &self.store {
            Some(s) => s.clone(),
            None => self.home.join("soi.db").display().to_string(),
        }
    }

    /// The configured store: ClickHouse for `clickhouse://`, else the embedded SQLite file.
    pub async fn connect_store(&self) -> anyhow::Result<Arc<dyn Store>> {
        match self.store.as_deref() {
            Some(url) if url.starts_with("clickhouse://") => {
                features::clickhouse::connect(url).await
            }
            Some(url) if url.contains("://") && !url.starts_with("sqlite://") => {
                bail!("unknown store `{url}`: use a SQLite file path or clickhouse://HOST:PORT/DB")
            }
            _ => self.open_store(),
        }
    }

    /// The Kafka bus when `--bus kafka://...` is given; `None` means the in-process bus.
    /// Subscribers end after `idle` without messages (`None`: only on shutdown).
    pub async fn connect_kafka(
        &self,
        idle: Option<Duration>,
    ) -> anyhow::Result<Option<Arc<dyn Bus>>> {
        let Some(url) = self.bus.as_deref() else {
            return Ok(None);
        };
        if !url.starts_with("kafka://") {
            bail!("unknown bus `{url}`: use kafka://HOST:PORT (or leave it out for in-process)");
        }
        Ok(Some(features::kafka::connect(url, idle).await?))
    }
}
