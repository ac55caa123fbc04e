//! The analysts' console: a web server (`soi serve`) where consumer-protection analysts log in,
//! work through the riskiest sellers, confirm or reject each flag, group what they confirm into
//! cases and refer them — and where police and foreign-agency liaison officers read the cases
//! referred to them.
//!
//! Why this shape:
//! - Pages are rendered on the server from compile-time templates (askama) with a little
//!   progressive JavaScript served from the binary: offices may have no internet, so nothing
//!   comes from a CDN, and every page works without scripts.
//! - It runs over either store ([`soi_store::Store`] for the verdicts, [`ConsoleStore`] for users,
//!   labels, cases and the audit log, [`LinkStore`] for the links found between sellers,
//!   [`ComplaintStore`] for the hotline complaints naming them), so the embedded SQLite file and
//!   ClickHouse serve the same pages.
//! - Every route checks the role on the server ([`auth`]); every state-changing request carries
//!   the session's CSRF token; every login, view of a seller or of evidence, label, export and
//!   referral is appended to the hash-chained audit log ([`audit`]).
//! - Captured pages are shown as evidence in a sandboxed frame whose Content-Security-Policy lets
//!   none of the captured page's scripts run ([`pages::evidence`]).

mod api;
pub mod assets;
pub mod audit;
pub mod auth;
mod error;
pub mod html;
pub mod i18n;
mod pages;
pub mod password;
mod server;
pub mod session;
pub mod throttle;
pub mod users;

use std::path::PathBuf;
use std::sync::Arc;

use axum::routing::{get, post};
use axum::Router;
use soi_store::{ComplaintStore, ConsoleStore, LinkStore, Store};

pub use error::{ConsoleError, PageError};
pub use pages::refer::{Referral, Referrer, Routes};
pub use server::{serve, Tls};
pub use session::Expiry;
pub use throttle::ThrottleConfig;

/// Largest form body read (the CSRF guard buffers forms).
pub const MAX_FORM_BYTES: usize = 1 << 20;

/// Rows on one page of the queue.
pub const PAGE_SIZE: usize = 50;

/// The console's default flag threshold: a listing at or above this risk is flagged (the
/// queue's default minimum risk, the listings a case's HTML dossier shows).
pub const FLAG_THRESHOLD: f64 = 0.5;

/// What the console serves from.
pub struct Config {
    pub store: Arc<dyn Store>,
    pub console: Arc<dyn ConsoleStore>,
    /// The links between sellers (on SQLite, the same store as the other two).
    pub links: Arc<dyn LinkStore>,
    /// The hotline complaints and the sellers they name (on SQLite, the same store again).
    pub complaints: Arc<dyn ComplaintStore>,
    /// `HOME/evidence`: the captured pages, by body sha256.
    pub evidence_dir: PathBuf,
    pub expiry: Expiry,
    pub throttle: ThrottleConfig,
    /// Sends approved referrals (an alert through the configured routes); without one, approval
    /// is refused with a message saying so.
    pub referrer: Option<Arc<dyn Referrer>>,
    /// Whether cookies are marked Secure (set when serving TLS).
    pub secure_cookies: bool,
}

/// Shared by every request.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

pub struct Inner {
    pub store: Arc<dyn Store>,
    pub console: Arc<dyn ConsoleStore>,
    pub links: Arc<dyn LinkStore>,
    pub complaints: Arc<dyn ComplaintStore>,
    pub evidence_dir: PathBuf,
    pub sessions: session::Sessions,
    pub throttle: throttle::Throttle,
    pub audit: audit::AuditLog,
    pub referrer: Option<Arc<dyn Referrer>>,
    pub secure_cookies: bool,
    pub cases_lock: tokio::sync::Mutex<()>,
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

/// The console's routes: pages, the JSON API and the assets.
pub fn router(cfg: Config) -> Router {
    let state = AppState(Arc::new(Inner {
        audit: audit::AuditLog::new(cfg.console.clone()),
        store: cfg.store,
        console: cfg.console,
        links: cfg.links,
        complaints: cfg.complaints,
        evidence_dir: cfg.evidence_dir,
        sessions: session::Sessions::new(cfg.expiry),
        throttle: throttle::Throttle::new(cfg.throttle),
        referrer: cfg.referrer,
        secure_cookies: cfg.secure_cookies,
        cases_lock: tokio::sync::Mutex::new(()),
    }));
    Router::new()
        .route("/", get(pages::queue::page))
        .route("/login", get(pages::login::form).post(pages::login::submit))
        .route("/logout", post(pages::login::logout))
        .route("/lang/{lang}", get(pages::login::set_lang))
        .route("/sellers/{marketplace}/{id}", get(pages::seller::page))
        .route("/listings/{marketplace}/{id}", get(pages::listing::page))
        .route("/evidence/{sha}", get(pages::evidence::body))
        .route("/labels", post(pages::labels::submit))
        .route("/cases", get(pages::cases::list).post(pages::cases::create))
        .route(
            "/cases/{id}",
            get(pages::cases::show).post(pages::cases::update),
        )
        .route("/cases/{id}/refer", post(pages::refer::request))
        .route("/cases/{id}/approve", post(pages::refer::approve))
        .route("/cases/{id}/dossier", get(pages::dossier::json_page))
        .route("/cases/{id}/dossier.html", get(pages::dossier::html_page))
        .route("/audit", get(pages::admin::audit))
        .route("/custody", get(pages::custody::page))
        .route(
            "/users",
            get(pages::admin::users).post(pages::admin::add_user),
        )
        .route("/users/{name}/disable", post(pages::admin::disable))
        .route("/users/{name}/reset", post(pages::admin::reset))
        .route("/api/session", post(api::login).delete(api::logout))
        .route("/api/sellers", get(api::sellers))
        .route("/api/sellers/{marketplace}/{id}", get(api::seller))
        .route("/api/listings/{marketplace}/{id}", get(api::listing))
        .route("/api/labels", post(api::label))
        .route("/api/cases", get(api::cases))
        .route("/api/audit", get(api::audit))
        .route("/assets/{name}", get(assets::serve))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::csrf_guard,
        ))
        .layer(axum::middleware::from_fn(assets::security_headers))
        .with_state(state)
}
