//! Options every subcommand shares: where soi keeps its state, which store, how chatty.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context};
use clap::Args;
use soi_bus::Bus;
use soi_sqlite::SqliteStore;
use soi_store::{ComplaintStore, ConsoleStore, CrawlHealthStore, LinkStore, ReportSource, Store};

use crate::features;
use crate::telemetry::Readiness;

/// One store seen through each of its seams.
pub struct Stores {
    pub store: Arc<dyn Store>,
    pub console: Arc<dyn ConsoleStore>,
    pub links: Arc<dyn LinkStore>,
    pub complaints: Arc<dyn ComplaintStore>,
    pub crawl_health: Arc<dyn CrawlHealthStore>,
    /// The rows of cross-border reports.
    pub report: Arc<dyn ReportSource>,
}

impl Stores {
    /// One embedded store under every seam (one writer connection for all of them).
    pub fn sqlite(store: Arc<SqliteStore>) -> Stores {
        Stores {
            store: store.clone(),
            console: store.clone(),
            links: store.clone(),
            complaints: store.clone(),
            crawl_health: store.clone(),
            report: store,
        }
    }
}

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
    /// Serve Prometheus metrics on http://ADDR/metrics, with /healthz and /readyz probes
    /// (e.g. 127.0.0.1:9464; 0.0.0.0:9464 in a container).
    #[arg(long, env = "SOI_METRICS", value_name = "ADDR", global = true)]
    pub metrics: Option<String>,
    /// Log lines as `text` (for people) or `json` (one object per line, for log collectors).
    #[arg(long, env = "SOI_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text, global = true)]
    pub log_format: LogFormat,
    /// What this process is connected to, for /readyz.
    #[arg(skip)]
    pub readiness: Arc<Readiness>,
}

/// How log lines are written.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
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
        let fmt = tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(std::io::stderr);
        match self.log_format {
            LogFormat::Text => fmt.init(),
            // The stage span's fields (stage, topic, group) ride on every line of that stage.
            LogFormat::Json => fmt
                .json()
                .with_current_span(true)
                .with_span_list(false)
                .flatten_event(true)
                .init(),
        }
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

    /// Where the store is, for messages.
    pub fn store_label(&self) -> String {
        match &self.store {
            Some(s) => s.clone(),
            None => self.home.join("soi.db").display().to_string(),
        }
    }

    /// The configured store: ClickHouse for `clickhouse://`, else the embedded SQLite file.
    pub async fn connect_store(&self) -> anyhow::Result<Arc<dyn Store>> {
        Ok(self.connect_stores().await?.0)
    }

    /// The configured store, as the pipeline's store and as the console's.
    pub async fn connect_stores(&self) -> anyhow::Result<(Arc<dyn Store>, Arc<dyn ConsoleStore>)> {
        let all = self.connect_all().await?;
        Ok((all.store, all.console))
    }

    /// The configured store, as the pipeline's store and as the seller links'.
    pub async fn connect_linked(&self) -> anyhow::Result<(Arc<dyn Store>, Arc<dyn LinkStore>)> {
        let all = self.connect_all().await?;
        Ok((all.store, all.links))
    }

    /// The configured store under each of its seams: ClickHouse for `clickhouse://`, else the
    /// embedded SQLite file.
    pub async fn connect_all(&self) -> anyhow::Result<Stores> {
        match self.store.as_deref() {
            Some(url) if url.starts_with("clickhouse://") => {
                let all = features::clickhouse::connect_all(url).await?;
                self.readiness.watch_store(all.store.clone());
                Ok(all)
            }
            Some(url) if url.contains("://") && !url.starts_with("sqlite://") => {
                bail!("unknown store `{url}`: use a SQLite file path or clickhouse://HOST:PORT/DB")
            }
            _ => {
                let path = self.store_path()?;
                let store = SqliteStore::open(&path)
                    .with_context(|| format!("opening the store {}", path.display()))?;
                let store: Arc<SqliteStore> = Arc::new(store);
                self.readiness.watch_store(store.clone());
                Ok(Stores::sqlite(store))
            }
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
        let bus = features::kafka::connect(url, idle).await?;
        self.readiness.watch_bus(bus.clone());
        Ok(Some(bus))
    }
}
