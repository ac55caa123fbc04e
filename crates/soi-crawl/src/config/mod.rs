//! Marketplaces as data: the TOML shape of `pipelines/marketplaces/<name>.toml`.
//!
//! Unknown keys are errors (a typo must not silently disable a rule). Loading checks the shape;
//! [`Compiled::new`] checks the meaning (regexes, CSS selectors, URLs, limits) and
//! names the file and line of each problem. `pipelines/marketplaces/README.md` lists every key.

mod compile;
mod load;

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Deserialize;

pub use compile::{Compiled, CompiledEmbedded, CompiledField, CompiledRules, Pick};
pub use load::{line_of, validate_pipelines};

/// One marketplace.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarketplaceConfig {
    /// Marketplace id used in listing keys (`demo/123`).
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    /// ISO 3166-1 alpha-2 home country; sellers elsewhere are cross-border.
    pub country: String,
    /// Currency assumed when a page writes none (ISO 4217).
    #[serde(default)]
    pub currency: Option<String>,
    /// What `{base}` in seeds, sitemaps and API URLs stands for, unless the run overrides it.
    #[serde(default)]
    pub base_url: Option<String>,
    /// A folder of static pages (relative to this file) that `soi` may serve on loopback and
    /// crawl as `{base}`: the bundled demo marketplace.
    #[serde(default)]
    pub local_site: Option<PathBuf>,
    #[serde(default)]
    pub seeds: Vec<String>,
    /// Sitemap URLs (sitemap indexes are followed); every `<loc>` becomes a seed.
    #[serde(default)]
    pub sitemaps: Vec<String>,
    /// Hosts the crawler may fetch from; empty means the hosts of the seeds.
    #[serde(default)]
    pub allowed_hosts: Vec<String>,
    /// Full User-Agent header; the robots.txt token is its first word before `/`.
    #[serde(default)]
    pub user_agent: Option<String>,
    #[serde(default)]
    pub links: LinkRules,
    #[serde(default)]
    pub limits: Limits,
    #[serde(default)]
    pub extract: ExtractRules,
    /// JSON API sources.
    #[serde(default)]
    pub api: Vec<ApiSource>,
    /// JSON inside pages (`<script id="__NEXT_DATA__">`, `window.pageData = {...}`).
    #[serde(default)]
    pub embedded: Vec<EmbeddedSource>,
    /// How raw values are read: more words for "ships from abroad", raw values mapped.
    #[serde(default)]
    pub values: ValueRules,
    /// Screenshots of captured listing pages (off by default; see [`crate::screenshot`]).
    #[serde(default)]
    pub screenshots: crate::screenshot::ScreenshotConfig,
    /// The file this came from (set by [`MarketplaceConfig::load`]).
    #[serde(skip)]
    pub source: Option<PathBuf>,
}

/// Which discovered URLs to follow and what they are. Patterns are regexes matched against the
/// URL's path and query (`/listings/12.html?x=1`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkRules {
    #[serde(default)]
    pub listing: Vec<String>,
    #[serde(default)]
    pub seller: Vec<String>,
    #[serde(default)]
    pub pagination: Vec<String>,
    /// Other pages to follow for links only (categories, search results).
    #[serde(default)]
    pub follow: Vec<String>,
    /// Follow `<a rel="next">` / `<link rel="next">` even when no pattern matches.
    #[serde(default = "yes")]
    pub follow_rel_next: bool,
    /// Query parameters dropped when canonicalising URLs (tracking ids), on top of `utm_*`,
    /// `fbclid`, `gclid`.
    #[serde(default)]
    pub drop_query: Vec<String>,
}

impl Default for LinkRules {
    fn default() -> Self {
        LinkRules {
            listing: vec![],
            seller: vec![],
            pagination: vec![],
            follow: vec![],
            follow_rel_next: true,
            drop_query: vec![],
        }
    }
}

/// Politeness and safety limits.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    /// Page budget per run (robots.txt not counted).
    #[serde(default = "d_max_pages")]
    pub max_pages: usize,
    /// Requests per second per host.
    #[serde(default = "d_rps")]
    pub requests_per_second: f64,
    /// Requests in flight per host.
    #[serde(default = "d_concurrency")]
    pub concurrency: usize,
    #[serde(default = "d_timeout")]
    pub timeout_secs: u64,
    #[serde(default = "d_max_body")]
    pub max_body_bytes: u64,
    #[serde(default = "d_redirects")]
    pub max_redirects: usize,
    /// Retries after the first attempt (network errors, 429, 5xx).
    #[serde(default = "d_retries")]
    pub retries: u32,
    /// First backoff step; doubles on each retry, plus up to the same again of jitter.
    #[serde(default = "d_backoff")]
    pub backoff_ms: u64,
    /// Longest `Retry-After` honoured; longer ones give up on the page.
    #[serde(default = "d_retry_after")]
    pub max_retry_after_secs: u64,
    /// Allow private and loopback addresses (the demo site and tests).
    #[serde(default)]
    pub allow_private: bool,
    /// Obey robots.txt (on unless a test or an operator with permission turns it off).
    #[serde(default = "yes")]
    pub robots: bool,
    /// Most listings (and, apart, most sellers) read from one page or API answer; a hostile
    /// page with a million cards is cut here, the excess counted in the report and warned.
    #[serde(default = "d_max_items")]
    pub max_items_per_page: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_pages: d_max_pages(),
            requests_per_second: d_rps(),
            concurrency: d_concurrency(),
            timeout_secs: d_timeout(),
            max_body_bytes: d_max_body(),
            max_redirects: d_redirects(),
            retries: d_retries(),
            backoff_ms: d_backoff(),
            max_retry_after_secs: d_retry_after(),
            allow_private: false,
            robots: true,
            max_items_per_page: d_max_items(),
        }
    }
}

fn yes() -> bool {
    true
}
fn d_max_pages() -> usize {
    1000
}
fn d_rps() -> f64 {
    1.0
}
fn d_concurrency() -> usize {
    2
}
fn d_timeout() -> u64 {
    20
}
fn d_max_body() -> u64 {
    5 * 1024 * 1024
}
fn d_redirects() -> usize {
    5
}
fn d_retries() -> u32 {
    3
}
fn d_backoff() -> u64 {
    500
}
fn d_retry_after() -> u64 {
    120
}
fn d_max_items() -> usize {
    500
}

/// How listings and sellers are read from pages.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExtractRules {
    /// schema.org JSON-LD, microdata and OpenGraph.
    #[serde(default = "yes")]
    pub generic: bool,
    /// CSS rules for listings (applied after the generic pass; they fill what it left empty).
    #[serde(default)]
    pub listing: Option<CssRules>,
    /// CSS rules for sellers on seller pages.
    #[serde(default)]
    pub seller: Option<CssRules>,
}

impl Default for ExtractRules {
    fn default() -> Self {
        ExtractRules {
            generic: true,
            listing: None,
            seller: None,
        }
    }
}

/// CSS selector rules for one record type.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CssRules {
    /// Each element matching this selector is one record (cards on a list page); without it the
    /// whole page is one record.
    #[serde(default)]
    pub container: Option<String>,
    /// Only on pages whose path and query match one of these regexes (default: listing or seller
    /// pages by the link rules, or every page when there is a container).
    #[serde(default)]
    pub pages: Vec<String>,
    /// Model field name -> rule. Listing fields: id, title, url, description, price, currency,
    /// category, images, seller_id, seller_name, seller_url. Seller fields: id, name, country,
    /// ship_from, joined_at, rating, rating_count, followers, official, verified.
    pub fields: BTreeMap<String, FieldRule>,
}

/// One field: a selector or a full rule.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum FieldRule {
    Selector(String),
    Full(FieldSpec),
}

/// Selectors tried in order (the first that yields a non-empty value wins), what to read, and an
/// optional regex whose first capture group (or whole match) is kept. A selector written
/// `"img.photo @alt"` reads that attribute, overriding `attr`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldSpec {
    pub selectors: Vec<String>,
    /// Attribute to read (`href`, `content`, `data-price`); default: the element's text.
    #[serde(default)]
    pub attr: Option<String>,
    #[serde(default)]
    pub regex: Option<String>,
    /// Count matches instead of reading one (e.g. images).
    #[serde(default)]
    pub count: bool,
}

/// A JSON API that lists items page by page.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiSource {
    pub name: String,
    /// URL template; `{base}`, `{page}` and `{offset}` (items before this page: `page_size`
    /// times the pages before it) are filled in.
    pub url: String,
    /// Items per page, for APIs paged by `{offset}` rather than by `{page}`.
    #[serde(default)]
    pub page_size: Option<u32>,
    /// What each item is.
    #[serde(default = "d_kind")]
    pub kind: ApiKind,
    #[serde(default = "d_start_page")]
    pub start_page: u32,
    /// Most pages to request; stops earlier at an empty page.
    #[serde(default = "d_pages")]
    pub pages: u32,
    /// Path to the array of items (`data.items`); empty means the document is the array.
    #[serde(default)]
    pub items: String,
    /// Model field -> path inside an item (`item_basic.name`, `images[0]`, `shop.country`).
    /// Listing fields as for CSS rules plus `seller.<seller field>`; seller fields as for CSS.
    pub fields: BTreeMap<String, String>,
    /// Prices are divided by this (Shopee sends price × 100000).
    #[serde(default = "d_scale")]
    pub price_divisor: f64,
    /// Listing URL template when the API gives none: `{base}`, `{id}`, `{seller_id}` and any
    /// item path (`{url_path}`, `{shop.slug}`) filled.
    #[serde(default)]
    pub listing_url: Option<String>,
}

/// JSON read out of a page: a script element whose text is JSON (`script`), or the value
/// assigned to a name inside a script (`assign`), mapped like an API answer.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmbeddedSource {
    pub name: String,
    /// Only on pages whose path and query match one of these regexes (default: every page).
    #[serde(default)]
    pub pages: Vec<String>,
    /// CSS selector of an element whose text is JSON (`script#__NEXT_DATA__`).
    #[serde(default)]
    pub script: Option<String>,
    /// A name assigned in a script (`window.pageData`): the balanced JSON value after `NAME =`
    /// is read; the script is never run.
    #[serde(default)]
    pub assign: Option<String>,
    #[serde(default = "d_kind")]
    pub kind: ApiKind,
    /// Path to the items (an array, or one object); empty means the document itself.
    #[serde(default)]
    pub items: String,
    pub fields: BTreeMap<String, String>,
    #[serde(default = "d_scale")]
    pub price_divisor: f64,
    /// As for `[[api]]`; `{base}` is the page's origin.
    #[serde(default)]
    pub listing_url: Option<String>,
}

/// How the items of one JSON document map onto records: what `[[api]]` and `[[embedded]]`
/// share, so one mapping reads both.
#[derive(Debug, Clone, Copy)]
pub struct Mapping<'a> {
    /// The source's name, for messages.
    pub name: &'a str,
    pub kind: ApiKind,
    pub items: &'a str,
    pub fields: &'a BTreeMap<String, String>,
    pub price_divisor: f64,
    pub listing_url: Option<&'a str>,
}

impl ApiSource {
    pub fn mapping(&self) -> Mapping<'_> {
        Mapping {
            name: &self.name,
            kind: self.kind,
            items: &self.items,
            fields: &self.fields,
            price_divisor: self.price_divisor,
            listing_url: self.listing_url.as_deref(),
        }
    }
}

impl EmbeddedSource {
    pub fn mapping(&self) -> Mapping<'_> {
        Mapping {
            name: &self.name,
            kind: self.kind,
            items: &self.items,
            fields: &self.fields,
            price_divisor: self.price_divisor,
            listing_url: self.listing_url.as_deref(),
        }
    }
}

/// `[values]`: how raw seller and listing values are read.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValueRules {
    /// More words that, in `ship_from`, mean the seller ships from abroad (on top of
    /// `Nước ngoài`, `Overseas`, `海外` and the like).
    #[serde(default)]
    pub abroad: Vec<String>,
    /// Field -> raw value (compared trimmed, case-insensitive) -> the value read instead:
    /// `[values.map.official]` `"mall" = true`.
    #[serde(default)]
    pub map: BTreeMap<String, BTreeMap<String, serde_json::Value>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ApiKind {
    Listing,
    Seller,
}

fn d_kind() -> ApiKind {
    ApiKind::Listing
}
fn d_start_page() -> u32 {
    1
}
fn d_pages() -> u32 {
    1
}
fn d_scale() -> f64 {
    1.0
}

impl MarketplaceConfig {
    /// Reads and checks one marketplace file.
    pub fn load(
        path: impl AsRef<std::path::Path>,
    ) -> Result<MarketplaceConfig, crate::ConfigError> {
        load::load(path.as_ref())
    }

    /// Parses a marketplace from text (`file` names it in errors).
    pub fn parse(
        text: &str,
        file: &std::path::Path,
    ) -> Result<MarketplaceConfig, crate::ConfigError> {
        load::parse(text, file)
    }

    /// The file this config was loaded from, for error messages.
    pub fn file(&self) -> PathBuf {
        self.source
            .clone()
            .unwrap_or_else(|| PathBuf::from(format!("<{}>", self.id)))
    }

    /// `{base}` filled in with `base`.
    pub fn expand(&self, template: &str, base: Option<&str>) -> String {
        let base = base
            .or(self.base_url.as_deref())
            .unwrap_or("")
            .trim_end_matches('/');
        template.replace("{base}", base)
    }

    /// The user agent header sent, and its robots.txt product token.
    pub fn user_agent(&self) -> &str {
        self.user_agent
            .as_deref()
            .unwrap_or(crate::DEFAULT_USER_AGENT)
    }
}
