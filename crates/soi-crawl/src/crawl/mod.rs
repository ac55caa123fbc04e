//! The crawl: seeds and sitemaps in, pages fetched politely, listings and sellers out on the bus,
//! every page into the evidence store. This file holds the options, the report and what every
//! source shares (state, evidence, emitting); `pages`, `sitemap` and `api` hold one source each.

mod api;
mod pages;
mod sitemap;

pub use sitemap::locs as sitemap_locs;

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use soi_bus::{Publisher, TOPIC_LISTINGS, TOPIC_SELLERS};
use soi_model::{Envelope, Kind, Listing, Seller};
use url::Url;

use crate::config::Compiled;
use crate::evidence::EvidenceStore;
use crate::extract;
use crate::fetch::{FetchSettings, Fetched, Fetcher, Validators};
use crate::state::{CrawlState, PageState};
use crate::urls::canonical;
use crate::{ConfigError, CrawlError, FetchError, MarketplaceConfig};

/// How to run one crawl (what the config does not fix).
#[derive(Debug, Clone)]
pub struct CrawlOptions {
    /// Folder for crawl state (`<state>/crawl/<id>.json`); the evidence store is separate.
    pub state_dir: PathBuf,
    /// Overrides the config's page budget.
    pub max_pages: Option<usize>,
    /// Allow loopback and private addresses whatever the config says (the demo server).
    pub allow_loopback: bool,
    /// What `{base}` stands for, overriding the config's `base_url` (the demo server's
    /// `http://127.0.0.1:PORT`). Its host is added to the allowed hosts.
    pub base_url: Option<String>,
    /// Overrides the config's user agent.
    pub user_agent: Option<String>,
    /// Overrides the config's requests per second.
    pub requests_per_second: Option<f64>,
    /// Emit listings and sellers of unchanged pages too (a full re-score after a model
    /// change); conditional GET and evidence work as usual.
    pub emit_unchanged: bool,
}

impl CrawlOptions {
    pub fn new(state_dir: impl Into<PathBuf>) -> Self {
        CrawlOptions {
            state_dir: state_dir.into(),
            max_pages: None,
            allow_loopback: false,
            base_url: None,
            user_agent: None,
            requests_per_second: None,
            emit_unchanged: false,
        }
    }
}

/// Where a crawl stands, for a progress bar.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct CrawlProgress {
    pub fetched: usize,
    pub queued: usize,
    pub budget: usize,
    pub listings: usize,
    pub sellers: usize,
    pub unchanged: usize,
    pub errors: usize,
}

/// One page that failed or had problems.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PageIssue {
    pub url: String,
    pub message: String,
}

/// What a crawl did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CrawlReport {
    pub marketplace: String,
    /// Pages fetched with a body (2xx).
    pub pages_fetched: usize,
    /// Pages answered 304 or with the same body as last time: nothing emitted for them.
    pub pages_unchanged: usize,
    pub listings: usize,
    pub sellers: usize,
    pub robots_blocked: usize,
    /// The page budget stopped the crawl with URLs still queued.
    pub budget_exhausted: bool,
    /// Pages that could not be fetched.
    pub errors: Vec<PageIssue>,
    /// Pages fetched whose content had problems (malformed JSON-LD, no product found).
    pub problems: Vec<PageIssue>,
    /// Listings and sellers the bus refused one by one (a message too large for Kafka): `url`
    /// is the listing's (or its page's) URL. Their page is not remembered as sent, so the next
    /// crawl tries them again.
    pub publish_failures: Vec<PageIssue>,
    /// Listings and sellers left out because a page or API answer held more than
    /// `limits.max_items_per_page` (each such page is also in `problems`).
    pub items_over_cap: usize,
    /// This crawl's extraction health (`None` when no page had new content).
    pub health: Option<crate::health::Health>,
    /// Fill rates (or items per page) well below their recent level: a layout change?
    pub health_warnings: Vec<crate::health::HealthWarning>,
    /// Screenshots taken of this crawl's listing pages (`[screenshots] enabled`); their
    /// failures are in `problems`.
    pub screenshots: usize,
    /// Pages (URL, body sha256) that gave listings in this crawl: what screenshots show.
    #[serde(skip)]
    pub listing_pages: Vec<(String, String)>,
}

/// The progress callback.
pub type ProgressFn<'a> = &'a (dyn Fn(CrawlProgress) + Send + Sync);

struct Run<'a> {
    /// Shared with the blocking threads that extract pages.
    c: Arc<Compiled>,
    base: String,
    publisher: &'a dyn Publisher,
    evidence: &'a EvidenceStore,
    progress: ProgressFn<'a>,
    state: CrawlState,
    report: CrawlReport,
    /// Content hashes emitted in this run (the same page under two URLs emits once).
    emitted: HashSet<String>,
    /// Sellers seen in this run, to complete sellers embedded in listings.
    sellers: HashMap<String, Seller>,
    /// Fill rates and items per page of the pages read.
    tally: crate::health::Tally,
    budget: usize,
    emit_unchanged: bool,
    fetched_or_tried: usize,
    queue_len: usize,
}

/// Crawls one marketplace. Pages that fail, and messages the bus refuses one by one, are
/// recorded in the report and the crawl goes on; only a bad config, an unusable client, a closed
/// bus, a failed flush or an unwritable store end it early (and then the crawl state is not
/// saved).
pub async fn crawl(
    config: &MarketplaceConfig,
    opts: &CrawlOptions,
    publisher: &dyn Publisher,
    evidence: &EvidenceStore,
    progress: ProgressFn<'_>,
) -> Result<CrawlReport, CrawlError> {
    let mut done = crawl_once(config, opts, publisher, evidence, progress).await;
    crate::measure::run(&config.id, done.is_ok());
    if let Ok(report) = &mut done {
        if config.screenshots.enabled {
            let browser = crate::screenshot::find_chromium();
            let pages = std::mem::take(&mut report.listing_pages);
            let shots =
                crate::screenshot::shoot(evidence, &pages, &config.screenshots, browser.as_deref())
                    .await;
            report.screenshots = shots.taken;
            report.problems.extend(shots.failed);
        }
    }
    done
}

async fn crawl_once(
    config: &MarketplaceConfig,
    opts: &CrawlOptions,
    publisher: &dyn Publisher,
    evidence: &EvidenceStore,
    progress: ProgressFn<'_>,
) -> Result<CrawlReport, CrawlError> {
    let c = Compiled::new(config.clone()).map_err(|problems| {
        let (problem, _) = problems.into_iter().next().unwrap_or_default();
        ConfigError {
            file: config.file(),
            line: None,
            problem,
        }
    })?;
    let base = opts
        .base_url
        .clone()
        .or(config.base_url.clone())
        .unwrap_or_default();
    let seeds: Vec<Url> = config
        .seeds
        .iter()
        .filter_map(|s| Url::parse(&config.expand(s, Some(&base))).ok())
        .collect();
    let mut allowed: HashSet<String> = config.allowed_hosts.iter().cloned().collect();
    if allowed.is_empty() {
        allowed.extend(
            seeds
                .iter()
                .filter_map(|u| u.host_str().map(str::to_string)),
        );
    }
    if let Some(h) = Url::parse(&base)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
    {
        allowed.insert(h);
    }
    let l = &config.limits;
    if let Some(r) = opts.requests_per_second {
        if !(r.is_finite() && r > 0.0) {
            return Err(ConfigError {
                file: config.file(),
                line: None,
                problem: format!("requests per second must be a positive number, not {r}"),
            }
            .into());
        }
    }
    let settings = FetchSettings {
        user_agent: opts
            .user_agent
            .clone()
            .unwrap_or_else(|| config.user_agent().to_string()),
        allowed_hosts: allowed,
        allow_private: l.allow_private || opts.allow_loopback,
        obey_robots: l.robots,
        requests_per_second: opts.requests_per_second.unwrap_or(l.requests_per_second),
        concurrency: l.concurrency,
        timeout: Duration::from_secs(l.timeout_secs),
        max_body_bytes: l.max_body_bytes,
        max_redirects: l.max_redirects,
        retries: l.retries,
        backoff: Duration::from_millis(l.backoff_ms),
        max_retry_after: Duration::from_secs(l.max_retry_after_secs),
    };
    let fetcher = Fetcher::new(settings)?;
    let mut run = Run {
        budget: opts.max_pages.unwrap_or(l.max_pages),
        emit_unchanged: opts.emit_unchanged,
        c: Arc::new(c),
        base,
        publisher,
        evidence,
        progress,
        state: CrawlState::load(&opts.state_dir, &config.id)?,
        report: CrawlReport {
            marketplace: config.id.clone(),
            ..Default::default()
        },
        emitted: HashSet::new(),
        sellers: HashMap::new(),
        tally: Default::default(),
        fetched_or_tried: 0,
        queue_len: 0,
    };
    tracing::info!(marketplace = %config.id, base = %run.base, budget = run.budget, "crawl starting");
    let mut seeds = seeds;
    for sm in &config.sitemaps {
        seeds.extend(
            run.sitemap(&fetcher, &config.expand(sm, Some(&run.base)))
                .await,
        );
    }
    run.pages(&fetcher, seeds).await?;
    for api in &config.api {
        run.api(&fetcher, api).await?;
    }
    // Only what the bus has accepted may be remembered as sent: a failed flush leaves the
    // state as it was, so the next crawl emits these pages again.
    publisher.flush().await?;
    run.health();
    run.state.save()?;
    run.tick();
    tracing::info!(
        marketplace = %config.id,
        fetched = run.report.pages_fetched,
        unchanged = run.report.pages_unchanged,
        listings = run.report.listings,
        sellers = run.report.sellers,
        errors = run.report.errors.len(),
        "crawl finished"
    );
    Ok(run.report)
}

impl Run<'_> {
    /// Records this crawl's extraction health in the state and the report, warning of rates
    /// well below their recent level.
    fn health(&mut self) {
        let Some(h) = std::mem::take(&mut self.tally).finish(chrono::Utc::now()) else {
            return;
        };
        let warnings = crate::health::compare(&self.state.health, &h);
        tracing::info!(marketplace = %self.report.marketplace, "{}", h.summary());
        crate::measure::health(&self.report.marketplace, &h);
        for w in &warnings {
            tracing::warn!(marketplace = %self.report.marketplace, field = %w.field, now = w.now, recent = w.recent, "extraction health: {}", w.message);
        }
        self.state.health.push(h.clone());
        let over = self
            .state
            .health
            .len()
            .saturating_sub(crate::health::HISTORY);
        self.state.health.drain(..over);
        self.report.health = Some(h);
        self.report.health_warnings = warnings;
    }

    fn tick(&self) {
        (self.progress)(CrawlProgress {
            fetched: self.fetched_or_tried,
            queued: self.queue_len,
            budget: self.budget,
            listings: self.report.listings,
            sellers: self.report.sellers,
            unchanged: self.report.pages_unchanged,
            errors: self.report.errors.len(),
        });
    }

    fn fail(&mut self, url: &Url, e: FetchError) {
        if matches!(e, FetchError::RobotsDisallowed { .. }) {
            self.report.robots_blocked += 1;
        }
        tracing::warn!(%url, error = %e, "page failed");
        crate::measure::page(&self.report.marketplace, url, crate::measure::Page::Failed);
        self.report.errors.push(PageIssue {
            url: url.to_string(),
            message: e.to_string(),
        });
    }

    fn canonical(&self, u: &Url) -> Url {
        canonical(u, &self.c.config.links.drop_query)
    }

    /// The key a page is remembered by: its URL with the run's base written as `{base}`, so the
    /// demo server on a new port each run still finds last run's pages.
    fn state_key(&self, url: &Url) -> String {
        let base = self.base.trim_end_matches('/');
        match url.as_str().strip_prefix(base) {
            Some(rest) if !base.is_empty() => format!("{{base}}{rest}"),
            _ => url.to_string(),
        }
    }

    /// Whether the evidence store still holds the body remembered for `url`.
    fn have_body(&self, url: &Url) -> bool {
        self.state
            .pages
            .get(&self.state_key(url))
            .is_some_and(|p| self.evidence.has(&p.sha256))
    }

    /// The answer to a conditional GET of `url`, unless the server said 304 but the evidence of
    /// the earlier body is gone (a wiped or moved store): then the page is fetched again in full
    /// rather than read as empty, which would lose its links, or its items on an API page.
    async fn whole(
        &self,
        fetcher: &Fetcher,
        url: &Url,
        got: Result<Fetched, FetchError>,
    ) -> Result<Fetched, FetchError> {
        match got {
            Ok(f) if f.not_modified && !self.have_body(url) => {
                tracing::info!(%url, "304 for a page whose evidence is gone: fetching it again");
                fetcher.get(url, None).await
            }
            other => other,
        }
    }

    fn validators(&self, url: &Url) -> Option<Validators> {
        self.state
            .pages
            .get(&self.state_key(url))
            .map(|p| Validators {
                etag: p.etag.clone(),
                last_modified: p.last_modified.clone(),
            })
    }

    /// Stores the evidence and says whether the page is new content: `Some(sha)` when it should
    /// be extracted and emitted, `None` when it is what it was (its body is then read back from
    /// the evidence store for links only).
    fn settle(&mut self, url: &Url, f: &Fetched) -> Result<(String, bool, Vec<u8>), CrawlError> {
        let key = self.state_key(url);
        let prev = self.state.pages.get(&key).cloned();
        if f.not_modified {
            self.report.pages_unchanged += 1;
            crate::measure::page(
                &self.report.marketplace,
                url,
                crate::measure::Page::Unchanged,
            );
            let sha = prev.map(|p| p.sha256).unwrap_or_default();
            if !sha.is_empty() {
                self.evidence
                    .log_not_modified(f.url.as_str(), &f.headers, &sha, f.fetched_at)?;
            }
            let body = self.evidence.body(&sha).unwrap_or_default();
            return Ok((sha, self.emit_unchanged && !body.is_empty(), body));
        }
        self.report.pages_fetched += 1;
        let rec = self
            .evidence
            .put(f.url.as_str(), f.status, &f.headers, &f.body, f.fetched_at)?;
        let unchanged = prev.as_ref().is_some_and(|p| p.sha256 == rec.sha256)
            || !self.emitted.insert(rec.sha256.clone());
        if unchanged {
            self.report.pages_unchanged += 1;
        }
        let what = if unchanged {
            crate::measure::Page::Unchanged
        } else {
            crate::measure::Page::Fetched
        };
        crate::measure::page(&self.report.marketplace, url, what);
        self.state.pages.insert(
            key,
            PageState {
                etag: f.validators.etag.clone(),
                last_modified: f.validators.last_modified.clone(),
                sha256: rec.sha256.clone(),
            },
        );
        Ok((
            rec.sha256,
            !unchanged || self.emit_unchanged,
            f.body.to_vec(),
        ))
    }

    /// Counts and reports `n` items of the page at `url` left out by the per-page cap.
    fn over_cap(&mut self, url: &Url, n: usize) {
        if n > 0 {
            self.report.items_over_cap += n;
            tracing::warn!(%url, left_out = n, cap = self.c.config.limits.max_items_per_page, "page holds more items than the cap");
        }
    }

    fn problem(&mut self, url: &Url, message: String) {
        tracing::warn!(%url, %message, "page problem");
        self.report.problems.push(PageIssue {
            url: url.to_string(),
            message,
        });
    }

    /// Whether a discovered link is worth fetching.
    fn follow(&self, u: &Url, rel_next: bool) -> bool {
        let pq = extract::path_query(u);
        let c = &self.c;
        (rel_next && c.config.links.follow_rel_next)
            || [&c.listing, &c.seller, &c.pagination, &c.follow]
                .iter()
                .any(|res| res.iter().any(|r| r.is_match(&pq)))
    }

    /// Publishes one page's sellers and listings. A message the bus refuses is recorded and the
    /// page (`page`, its state key) is forgotten so the next crawl sends it again; a closed bus
    /// ends the crawl.
    async fn emit(
        &mut self,
        page: &Url,
        listings: Vec<Listing>,
        sellers: Vec<Seller>,
        sha: &str,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), CrawlError> {
        self.tally.page(&listings, &sellers);
        for mut s in sellers {
            // The model's boundary: ids from pages escaped (`/` -> `%2F`) so keys stay
            // unambiguous, text capped, country ISO alpha-2 or unknown.
            s.id = soi_model::escape_id(&s.id);
            let s = match s.prepare() {
                Ok(s) => s,
                Err(e) => {
                    self.report.problems.push(PageIssue {
                        url: page.to_string(),
                        message: format!("seller dropped: {e}"),
                    });
                    continue;
                }
            };
            let key = s.key();
            let bytes = Envelope::new(Kind::Seller, key.clone(), s.clone()).to_bytes();
            if self
                .send(page, page.as_str(), TOPIC_SELLERS, &key, bytes)
                .await?
            {
                self.report.sellers += 1;
            }
            self.sellers.insert(key, s);
        }
        for mut l in listings {
            l.escape_ids();
            l.observed_at = Some(at);
            l.evidence_sha256 = Some(sha.to_string());
            if let Some(s) = l.seller.as_mut() {
                if let Some(known) = self.sellers.get(&s.key()) {
                    let name = s.name.take();
                    *s = known.clone();
                    s.name = s.name.take().or(name);
                }
            }
            let (id, url) = (l.id.clone(), l.url.clone());
            let l = match l.prepare() {
                Ok(l) => l,
                Err(e) => {
                    self.report.problems.push(PageIssue {
                        url: url.unwrap_or_default(),
                        message: format!("listing {id} dropped: {e}"),
                    });
                    continue;
                }
            };
            let key = l.key();
            let url = l.url.clone().unwrap_or_else(|| page.to_string());
            let bytes = Envelope::new(Kind::Listing, key.clone(), l).to_bytes();
            if self.send(page, &url, TOPIC_LISTINGS, &key, bytes).await? {
                self.report.listings += 1;
                crate::measure::listing(&self.report.marketplace);
                let shown = (page.to_string(), sha.to_string());
                if self.report.listing_pages.last() != Some(&shown) {
                    self.report.listing_pages.push(shown);
                }
            }
        }
        Ok(())
    }

    /// Publishes one message: `Ok(true)` when sent, `Ok(false)` when the bus refused this one
    /// message (recorded, page forgotten), `Err` when the bus is closed.
    async fn send(
        &mut self,
        page: &Url,
        url: &str,
        topic: &str,
        key: &str,
        bytes: Vec<u8>,
    ) -> Result<bool, CrawlError> {
        match self.publisher.publish(topic, key, bytes).await {
            Ok(()) => Ok(true),
            Err(e @ soi_bus::BusError::Closed(_)) => Err(e.into()),
            Err(e) => {
                tracing::warn!(%url, %key, error = %e, "bus refused a message; the crawl goes on");
                self.report.publish_failures.push(PageIssue {
                    url: url.to_string(),
                    message: format!("{topic} `{key}` not published: {e}"),
                });
                let state_key = self.state_key(page);
                self.state.pages.remove(&state_key);
                Ok(false)
            }
        }
    }
}
