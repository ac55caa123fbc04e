//! `soi serve`: the analysts' console (`soi-console`) on the configured store.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use soi_console::{Config, Expiry, Referrer, Routes, ThrottleConfig, Tls};

use crate::global::{Global, Stores};

#[derive(clap::Args)]
pub struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// TLS certificate chain (PEM); with --tls-key, the console serves HTTPS and marks its
    /// cookies Secure.
    #[arg(long, requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// TLS private key (PEM, PKCS#8).
    #[arg(long, requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Alert route (in pipelines/alerts.toml) that approved referrals are sent through;
    /// repeat for several.
    #[arg(long = "refer-route", default_value = "drop")]
    refer_routes: Vec<String>,
    /// A session ends after this many seconds without a request.
    #[arg(long, default_value_t = 1800)]
    session_idle_secs: u64,
    /// A session ends this many seconds after login, however busy.
    #[arg(long, default_value_t = 43_200)]
    session_max_secs: u64,
    /// Failed logins (per user name, and per address) before logins are refused for a while.
    #[arg(long, default_value_t = 5)]
    login_attempts: usize,
    /// How long failed logins count, and how long the refusal lasts, in seconds.
    #[arg(long, default_value_t = 900)]
    login_window_secs: u64,
}

fn referrer(a: &Args, g: &Global) -> anyhow::Result<Option<Arc<dyn Referrer>>> {
    let Some(cfg) = super::alerts::load_config(g)? else {
        return Ok(None);
    };
    let mut routes = vec![];
    for name in &a.refer_routes {
        let rc = cfg.routes.get(name).with_context(|| {
            format!("--refer-route {name}: no such route in pipelines/alerts.toml")
        })?;
        let r =
            soi_alert::route::build(name, rc).with_context(|| format!("--refer-route {name}"))?;
        routes.push((name.clone(), r));
    }
    Ok(Some(Arc::new(Routes(routes))))
}

/// The console over every seam of the configured store, evidence under HOME, default sessions
/// and throttling, no referral route, plain cookies (`soi serve` sets its own on top).
pub fn config(all: Stores, g: &Global) -> Config {
    Config {
        store: all.store,
        console: all.console,
        links: all.links,
        complaints: all.complaints,
        evidence_dir: g.home.join("evidence"),
        expiry: Expiry::default(),
        throttle: ThrottleConfig::default(),
        referrer: None,
        secure_cookies: false,
    }
}

pub async fn exec(a: Args, g: &Global) -> anyhow::Result<ExitCode> {
    if a.session_idle_secs == 0 || a.session_max_secs == 0 || a.login_attempts == 0 {
        anyhow::bail!(
            "--session-idle-secs, --session-max-secs and --login-attempts must be above 0"
        );
    }
    let tls = match (&a.tls_cert, &a.tls_key) {
        (Some(c), Some(k)) => Some(Tls {
            cert_pem: std::fs::read(c).with_context(|| format!("reading {}", c.display()))?,
            key_pem: std::fs::read(k).with_context(|| format!("reading {}", k.display()))?,
        }),
        _ => None,
    };
    let all = g.connect_all().await?;
    if all.console.users().await?.is_empty() {
        eprintln!(
            "no console users yet: create the first supervisor with\n  soi users add NAME --role supervisor"
        );
    }
    let cfg = Config {
        expiry: Expiry {
            idle: Duration::from_secs(a.session_idle_secs),
            absolute: Duration::from_secs(a.session_max_secs),
        },
        throttle: ThrottleConfig {
            limit: a.login_attempts,
            window: Duration::from_secs(a.login_window_secs),
        },
        referrer: referrer(&a, g)?,
        secure_cookies: tls.is_some(),
        ..config(all, g)
    };
    let listener = tokio::net::TcpListener::bind(a.listen)
        .await
        .with_context(|| format!("listening on {}", a.listen))?;
    let scheme = if tls.is_some() { "https" } else { "http" };
    eprintln!(
        "soi console on {scheme}://{} (store {})",
        listener.local_addr()?,
        g.store_label()
    );
    soi_console::serve(
        listener,
        soi_console::router(cfg),
        tls,
        crate::signal::shutdown(),
    )
    .await?;
    eprintln!("soi console stopped");
    Ok(ExitCode::SUCCESS)
}
