//! The crawler of `soi`: polite, config-driven marketplace crawling with evidence capture.
//!
//! Why it is built this way:
//! - **Marketplaces are data.** Each marketplace is a TOML file (`pipelines/marketplaces/*.toml`,
//!   see [`MarketplaceConfig`]): seeds or sitemaps, allowed hosts, link rules for listing, seller
//!   and pagination pages, extraction rules, limits and JSON API sources. Adding a marketplace
//!   needs no Rust. [`validate_pipelines`] checks every file and names file, line and problem.
//! - **Generic extraction first.** Most shops publish schema.org JSON-LD (`Product`, `Offer`,
//!   `AggregateRating`, seller `Organization`/`Person`), microdata or OpenGraph for search
//!   engines; reading those survives redesigns. CSS rules (fallback selectors, attribute or text,
//!   regex post-step) fill the gaps and read listing cards from list pages. Pages that carry
//!   their data as JSON (`__NEXT_DATA__`, `window.pageData = {...}`) are read by `[[embedded]]`
//!   sources with the same field mapping as `[[api]]` sources, never by running script.
//! - **Layout changes are noticed.** Each crawl records the fill rate of every field and the
//!   items per page ([`health`]) and warns when one falls well below its recent level.
//! - **Polite by construction.** robots.txt per host with our own user agent, a per-host rate
//!   limit and concurrency cap, retries with exponential backoff and jitter, `Retry-After` on
//!   429/503, conditional GET, timeouts, a body-size cap, a page budget, URL canonicalisation,
//!   redirects followed hop by hop (each kept inside allowed hosts and checked against
//!   robots.txt), private and special-purpose addresses refused unless allowed, no proxy from
//!   the environment, and a cap on items per page.
//! - **Nothing accepted is lost.** The crawl state is saved only after the bus flushed; a
//!   message the bus refuses is reported and its page sent again by the next crawl.
//! - **Evidence that stands up later.** Every fetched page is stored byte for byte,
//!   content-addressed by sha256 ([`EvidenceStore`]); each listing carries the hash of the page it
//!   came from; [`warc::export`] writes the store as WARC 1.1 for standard tools.
//! - **Unchanged means silent.** A page answered 304, or whose body hashes as last time, emits
//!   nothing, so a re-crawl only sends what changed down the pipeline.
//!
//! # Use
//! ```no_run
//! # async fn demo(bus: &dyn soi_bus::Publisher) -> Result<(), Box<dyn std::error::Error>> {
//! use soi_crawl::{crawl, CrawlOptions, EvidenceStore, MarketplaceConfig};
//! let config = MarketplaceConfig::load("pipelines/marketplaces/demo.toml")?;
//! let mut opts = CrawlOptions::new("state");
//! opts.allow_loopback = true;
//! opts.base_url = Some("http://127.0.0.1:8080".into()); // what `{base}` in the seeds means
//! let evidence = EvidenceStore::open("state/evidence")?;
//! let report = crawl(&config, &opts, bus, &evidence, &|p| eprintln!("{p:?}")).await?;
//! println!("{} listings", report.listings);
//! # Ok(()) }
//! ```
//! Listings go to [`soi_bus::TOPIC_LISTINGS`] as `Envelope<Listing>` keyed `marketplace/id`,
//! sellers from seller pages to [`soi_bus::TOPIC_SELLERS`]. Publishing awaits room on the bus,
//! which is the backpressure. [`serve::StaticServer`] serves a folder (the demo marketplace named
//! by a config's `local_site`) on loopback; see [`serve_local_site`].

pub mod config;
mod crawl;
pub mod durable;
mod error;
pub mod evidence;
pub mod extract;
pub mod fetch;
pub mod health;
mod measure;
mod publish;
pub mod screenshot;
pub mod serve;
mod state;
pub mod urls;
pub mod warc;

pub use config::{validate_pipelines, Compiled, MarketplaceConfig};
pub use crawl::{
    crawl, sitemap_locs, CrawlOptions, CrawlProgress, CrawlReport, PageIssue, ProgressFn,
};
pub use error::{ConfigError, CrawlError, EvidenceError, FetchError};
pub use evidence::{CaptureHook, EvidenceRecord, EvidenceStore};
pub use health::{Health, HealthWarning};
pub use publish::JsonLinesPublisher;

/// Sent as `User-Agent`; robots.txt groups for `soi-crawler` apply to us.
pub const DEFAULT_USER_AGENT: &str =
    "soi-crawler/0.1 (+consumer-protection research; respects robots.txt)";

/// Starts a loopback server for a config's `local_site` folder (relative to the config file) and
/// returns it with its base URL, or `None` when the config has no local site.
pub async fn serve_local_site(
    config: &MarketplaceConfig,
) -> std::io::Result<Option<(serve::ServerHandle, String)>> {
    let Some(site) = &config.local_site else {
        return Ok(None);
    };
    let dir = config
        .source
        .as_ref()
        .and_then(|p| p.parent())
        .map(|d| d.join(site))
        .unwrap_or_else(|| site.clone());
    let (_, handle) = serve::StaticServer::start(dir, ([127, 0, 0, 1], 0).into()).await?;
    let base = handle.base_url();
    Ok(Some((handle, base)))
}

/// Finds `<pipelines>/marketplaces/<name>.toml` and loads it.
pub fn load_marketplace(
    pipelines: &std::path::Path,
    name: &str,
) -> Result<MarketplaceConfig, ConfigError> {
    MarketplaceConfig::load(pipelines.join("marketplaces").join(format!("{name}.toml")))
}
