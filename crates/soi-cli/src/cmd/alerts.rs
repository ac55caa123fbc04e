//! `soi alerts`: the alert outbox from the command line: list alerts and their deliveries,
//! dispatch (until the outbox is empty, or `--follow`), retry failed deliveries, verify a
//! received webhook payload's signature. Also the two hooks `soi run` uses.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use clap::Subcommand;
use soi_alert::{AlertsConfig, Dispatcher, SystemClock};
use soi_sqlite::SqliteStore;
use soi_store::{AlertOutbox, AlertQuery, DeliveryStatus, Store};

use crate::global::Global;
use crate::output::clean;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Alerts with their delivery status per route (oldest first).
    List {
        /// Only deliveries in this status: pending, delivered, failed.
        #[arg(long)]
        status: Option<String>,
        #[arg(long)]
        rule: Option<String>,
        #[arg(long)]
        seller: Option<String>,
        #[arg(long, default_value_t = 100)]
        limit: usize,
        /// The delivery log (every attempt) instead of the alerts.
        #[arg(long)]
        log: bool,
        #[arg(long)]
        json: bool,
    },
    /// Put failed deliveries (all, or one alert's) back in the queue.
    Retry {
        /// Idempotency key of one alert.
        key: Option<String>,
    },
    /// Deliver pending alerts to their routes until nothing is pending (or wait with --follow).
    Dispatch {
        /// Keep running and deliver new alerts as they are raised.
        #[arg(long)]
        follow: bool,
        /// Without --follow: stop waiting for retries due later than this many seconds.
        #[arg(long, default_value_t = 60)]
        max_wait_secs: u64,
        /// With --follow: how often to look for new alerts.
        #[arg(long, default_value_t = 5)]
        poll_secs: u64,
    },
    /// Check a received webhook payload's HMAC signature and timestamp.
    Verify {
        /// The request body as received.
        #[arg(long)]
        body: PathBuf,
        /// The x-soi-timestamp header.
        #[arg(long)]
        timestamp: String,
        /// The x-soi-signature header (sha256=HEX).
        #[arg(long)]
        signature: String,
        /// The idempotency-key header: when given, it must match the key inside the signed body.
        #[arg(long)]
        idempotency_key: Option<String>,
        /// Environment variable holding the shared secret.
        #[arg(long, default_value = "SOI_POLICE_WEBHOOK_SECRET")]
        secret_env: String,
        /// Reject timestamps further than this from now.
        #[arg(long, default_value_t = 300)]
        max_age_secs: i64,
    },
}

/// `PIPELINES/alerts.toml` with file-drop folders under HOME, when the file exists.
pub fn load_config(g: &Global) -> anyhow::Result<Option<AlertsConfig>> {
    let path = soi_alert::default_path(&g.pipelines);
    if !path.exists() {
        return Ok(None);
    }
    let cfg = AlertsConfig::load(&path)?;
    Ok(Some(cfg.resolve_dirs(&g.home)))
}

/// The embedded store that holds the outbox, watched by `/readyz` when `--metrics` is on.
fn open_sqlite(g: &Global) -> anyhow::Result<SqliteStore> {
    let path = g.store_path()?;
    let store = SqliteStore::open(&path)
        .with_context(|| format!("opening the store {}", path.display()))?;
    g.readiness.watch_store(Arc::new(store.clone()));
    Ok(store)
}

/// What `soi run` keeps to dispatch after the pipeline: the store with its outbox and the config.
pub type RunAlerts = Option<(SqliteStore, AlertsConfig)>;

/// For `soi run`: when `alerts.toml` exists and the store is the embedded SQLite file, the same
/// store evaluating the alert rules on every verdict it writes (the outbox lives there).
pub fn attach(g: &Global, store: Arc<dyn Store>) -> anyhow::Result<(Arc<dyn Store>, RunAlerts)> {
    if g.store_path().is_err() {
        return Ok((store, None));
    }
    let Some(cfg) = load_config(g)? else {
        return Ok((store, None));
    };
    drop(store);
    let sqlite = open_sqlite(g)?.with_alert_rules(cfg.store_rules());
    Ok((Arc::new(sqlite.clone()), Some((sqlite, cfg))))
}

/// For `soi run`: deliver what the run raised (briefly; what stays pending waits for
/// `soi alerts dispatch`).
pub async fn after_run(alerts: RunAlerts) -> anyhow::Result<()> {
    let Some((store, cfg)) = alerts else {
        return Ok(());
    };
    let d = Dispatcher::new(Arc::new(store.clone()), &cfg, Arc::new(SystemClock))?
        .with_links(Arc::new(store.clone()));
    let r = d.drain(Duration::from_secs(5)).await?;
    let c = store.outbox_counts().await?;
    println!(
        "alerts: {} raised in total ({} suppressed as duplicates); delivered now {}, pending {}, \
         failed {} (soi alerts list)",
        c.alerts, c.suppressed, r.delivered, c.pending, c.failed
    );
    Ok(())
}

pub async fn exec(a: Args, g: &Global) -> anyhow::Result<ExitCode> {
    match a.cmd {
        Cmd::List {
            status,
            rule,
            seller,
            limit,
            log,
            json,
        } => {
            let store = open_sqlite(g)?;
            if log {
                let entries = store.delivery_log(None).await?;
                for e in entries {
                    if json {
                        println!("{}", serde_json::to_string(&e)?);
                    } else {
                        println!(
                            "{}  {:<10} #{} {:<9} {}  {}",
                            e.started_at.format("%Y-%m-%d %H:%M:%S"),
                            clean(&e.route),
                            e.attempt,
                            clean(&e.outcome),
                            clean(&e.alert_key),
                            clean(&e.detail)
                        );
                    }
                }
                return Ok(ExitCode::SUCCESS);
            }
            let status = match status.as_deref() {
                None => None,
                Some(s @ ("pending" | "delivered" | "failed")) => Some(DeliveryStatus::parse(s)),
                Some(s) => anyhow::bail!("unknown status `{s}` (pending, delivered, failed)"),
            };
            let q = AlertQuery {
                status,
                rule,
                seller_id: seller,
                limit,
            };
            let rows = store.list_alerts(&q).await?;
            for d in &rows {
                if json {
                    let v = serde_json::json!({
                        "key": d.alert.key, "rule": d.alert.rule, "severity": d.alert.severity,
                        "tlp": d.alert.tlp, "raised_at": d.alert.raised_at,
                        "marketplace": d.alert.verdict.marketplace,
                        "listing_id": d.alert.listing.id, "seller_id": d.alert.seller_id(),
                        "risk": d.alert.verdict.risk, "route": d.route, "status": d.status,
                        "attempts": d.attempts, "next_attempt_at": d.next_attempt_at,
                        "last_error": d.last_error, "delivered_at": d.delivered_at,
                    });
                    println!("{v}");
                } else {
                    println!(
                        "{} {:<9} {:<8} {:<20} {}/{} seller {} risk {:.2} -> {} ({} attempts{})",
                        clean(&d.alert.key),
                        d.status.as_str(),
                        d.alert.severity.as_str(),
                        clean(&d.alert.rule),
                        clean(&d.alert.verdict.marketplace),
                        clean(&d.alert.listing.id),
                        clean(d.alert.seller_id().unwrap_or("-")),
                        d.alert.verdict.risk,
                        clean(&d.route),
                        d.attempts,
                        d.last_error
                            .as_deref()
                            .map(|e| format!(", last error: {}", clean(e)))
                            .unwrap_or_default()
                    );
                }
            }
            if !json {
                let c = store.outbox_counts().await?;
                eprintln!(
                    "{} alerts ({} suppressed); deliveries: {} pending, {} delivered, {} failed",
                    c.alerts, c.suppressed, c.pending, c.delivered, c.failed
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Retry { key } => {
            let n = open_sqlite(g)?.retry_failed(key.as_deref()).await?;
            println!("{n} failed deliveries queued again");
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Dispatch {
            follow,
            max_wait_secs,
            poll_secs,
        } => {
            let cfg = load_config(g)?.with_context(|| {
                format!(
                    "no alert config at {}",
                    soi_alert::default_path(&g.pipelines).display()
                )
            })?;
            let store = open_sqlite(g)?;
            let d = Dispatcher::new(Arc::new(store.clone()), &cfg, Arc::new(SystemClock))?
                .with_links(Arc::new(store.clone()));
            let r = if follow {
                let stop = crate::signal::shutdown();
                d.follow(Duration::from_secs(poll_secs.max(1)), stop)
                    .await?
            } else {
                d.drain(Duration::from_secs(max_wait_secs)).await?
            };
            let c = store.outbox_counts().await?;
            println!(
                "delivered {}, retried {}, failed {}, rate-limited {}; now pending {}, failed {}",
                r.delivered, r.retried, r.failed, r.deferred, c.pending, c.failed
            );
            Ok(if c.pending > 0 || c.failed > 0 {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            })
        }
        Cmd::Verify {
            body,
            timestamp,
            signature,
            idempotency_key,
            secret_env,
            max_age_secs,
        } => {
            let secret = std::env::var(&secret_env).with_context(|| {
                format!("the secret's environment variable {secret_env} is not set")
            })?;
            let bytes =
                std::fs::read(&body).with_context(|| format!("reading {}", body.display()))?;
            let now = chrono::Utc::now().timestamp();
            let checked = match &idempotency_key {
                Some(key) => soi_alert::sign::verify_request(
                    secret.as_bytes(),
                    &timestamp,
                    &signature,
                    key,
                    &bytes,
                    now,
                    max_age_secs,
                ),
                None => soi_alert::sign::verify(
                    secret.as_bytes(),
                    &timestamp,
                    &signature,
                    &bytes,
                    now,
                    max_age_secs,
                ),
            };
            match checked {
                Ok(()) => {
                    println!("valid: signature matches and the timestamp is fresh");
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => {
                    println!("INVALID: {e}");
                    Ok(ExitCode::from(1))
                }
            }
        }
    }
}
