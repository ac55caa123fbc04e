//! Options every subcommand shares: where soi keeps its state, which store, how chatty.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{bail, Context};
use clap::Args;
use soi_store::{SqliteStore, Store};

#[derive(Args, Debug)]
pub struct Global {
    /// Folder for soi's state: the embedded store, evidence, dead letters.
    #[arg(long, env = "SOI_HOME", default_value = "var", global = true)]
    pub home: PathBuf,
    /// Store to use: a SQLite file (`PATH` or `sqlite://PATH`). Default: HOME/soi.db.
    #[arg(long, env = "SOI_STORE", global = true)]
    pub store: Option<String>,
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
                bail!("store `{s}` is not supported by this build (use a SQLite file path)")
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
}
