//! Helpers shared by the crawler's integration tests.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::Mutex;

use async_trait::async_trait;
use soi_bus::{BusError, Publisher, TOPIC_LISTINGS, TOPIC_SELLERS};
use soi_model::{Envelope, Kind, Listing, Seller};

/// `pipelines/` of the repository.
pub fn pipelines() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../pipelines")
}

/// The shared data folder: `SOI_SHARED_DATA`, else `../shared/data` next to the repository.
pub fn shared_data() -> PathBuf {
    std::env::var_os("SOI_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"))
}

/// A publisher that keeps every message.
#[derive(Default)]
pub struct Collect {
    pub messages: Mutex<Vec<(String, String, Vec<u8>)>>,
}

impl Collect {
    pub fn listings(&self) -> Vec<Listing> {
        self.of(TOPIC_LISTINGS)
            .iter()
            .map(|b| {
                Envelope::<Listing>::from_bytes(b, Kind::Listing)
                    .unwrap()
                    .body
            })
            .collect()
    }

    pub fn sellers(&self) -> Vec<Seller> {
        self.of(TOPIC_SELLERS)
            .iter()
            .map(|b| {
                Envelope::<Seller>::from_bytes(b, Kind::Seller)
                    .unwrap()
                    .body
            })
            .collect()
    }

    fn of(&self, topic: &str) -> Vec<Vec<u8>> {
        self.messages
            .lock()
            .unwrap()
            .iter()
            .filter(|m| m.0 == topic)
            .map(|m| m.2.clone())
            .collect()
    }
}

#[async_trait]
impl Publisher for Collect {
    async fn publish(&self, topic: &str, key: &str, payload: Vec<u8>) -> Result<(), BusError> {
        self.messages
            .lock()
            .unwrap()
            .push((topic.into(), key.into(), payload));
        Ok(())
    }

    async fn flush(&self) -> Result<(), BusError> {
        Ok(())
    }
}

use std::sync::Arc;
use std::time::Instant;

use soi_crawl::serve::{self, reply, Reply, ServerHandle};

/// Requests a test server saw: when, and the path with query.
pub type Hits = Arc<Mutex<Vec<(Instant, String)>>>;

/// Starts a loopback server answering with `route(path_and_query, nth_hit_of_that_path)` and
/// recording every request server-side.
pub async fn site(
    route: impl Fn(&str, usize) -> Reply + Send + Sync + 'static,
) -> (ServerHandle, Hits) {
    let (h, hits, _) = slow_site(route, |_| std::time::Duration::ZERO).await;
    (h, hits)
}

/// A site with no robots.txt, an index linking `n` product pages `/listings/{i}.html`, and
/// those pages.
pub async fn catalog_site(n: usize) -> (ServerHandle, Hits) {
    let pages: Vec<String> = (0..n).map(|i| format!("/listings/{i}.html")).collect();
    let links: Vec<&str> = pages.iter().map(String::as_str).collect();
    let index = index_page(&links);
    site(move |p, _| match p {
        "/robots.txt" => not_found(),
        "/index.html" => html(&index),
        _ => html(&product_page(p, "x", "10")),
    })
    .await
}

/// Like [`site`], but each answer waits `delay(path)`; also returns the most requests the
/// server had in flight at once.
pub async fn slow_site(
    route: impl Fn(&str, usize) -> Reply + Send + Sync + 'static,
    delay: impl Fn(&str) -> std::time::Duration + Send + Sync + 'static,
) -> (ServerHandle, Hits, Arc<std::sync::atomic::AtomicUsize>) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let in_flight = Arc::new(AtomicUsize::new(0));
    let max_in_flight = Arc::new(AtomicUsize::new(0));
    let max_out = max_in_flight.clone();
    let delay = Arc::new(delay);
    let hits: Hits = Arc::default();
    let log = hits.clone();
    let route = Arc::new(route);
    let handler: serve::Handler = Arc::new(move |req| {
        let pq = req
            .uri()
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_default();
        let nth = {
            let mut l = log.lock().unwrap();
            let n = l.iter().filter(|(_, p)| *p == pq).count();
            l.push((Instant::now(), pq.clone()));
            n
        };
        let r = route(&pq, nth);
        let wait = delay(&pq);
        let (now, max) = (in_flight.clone(), max_in_flight.clone());
        Box::pin(async move {
            let n = now.fetch_add(1, Ordering::SeqCst) + 1;
            max.fetch_max(n, Ordering::SeqCst);
            tokio::time::sleep(wait).await;
            now.fetch_sub(1, Ordering::SeqCst);
            r
        })
    });
    let h = serve::start_with(([127, 0, 0, 1], 0).into(), handler)
        .await
        .unwrap();
    (h, hits, max_out)
}

pub fn html(body: &str) -> Reply {
    reply(
        hyper::StatusCode::OK,
        "text/html; charset=utf-8",
        body.to_string(),
    )
}

pub fn not_found() -> Reply {
    reply(hyper::StatusCode::NOT_FOUND, "text/plain", "not found")
}

/// A listing page with a JSON-LD product.
pub fn product_page(id: &str, name: &str, price: &str) -> String {
    format!(
        r#"<html><head><script type="application/ld+json">
{{"@context":"https://schema.org","@type":"Product","sku":"{id}","name":"{name}",
 "offers":{{"@type":"Offer","price":"{price}","priceCurrency":"VND",
   "seller":{{"@type":"Organization","identifier":"s1","name":"Shop"}}}}}}
</script></head><body><h1>{name}</h1></body></html>"#
    )
}

/// An index page linking to the given paths.
pub fn index_page(paths: &[&str]) -> String {
    let links: String = paths
        .iter()
        .map(|p| format!(r#"<a href="{p}">{p}</a>"#))
        .collect();
    format!("<html><body>{links}</body></html>")
}

/// A test marketplace config (id `t`) crawling `/index.html` with listing pages under
/// `/listings/`; `extra` is appended to `[limits]`.
pub fn config(extra_limits: &str) -> soi_crawl::MarketplaceConfig {
    let text = format!(
        r#"
id = "t"
country = "VN"
currency = "VND"
base_url = "http://127.0.0.1:1"
seeds = ["{{base}}/index.html"]
[links]
listing = ['^/listings/']
[limits]
allow_private = true
{extra_limits}
{defaults}
"#,
        defaults = [
            ("requests_per_second", "requests_per_second = 200.0"),
            ("backoff_ms", "backoff_ms = 20"),
        ]
        .iter()
        .filter(|(k, _)| !extra_limits.contains(k))
        .map(|(_, line)| *line)
        .collect::<Vec<_>>()
        .join("\n")
    );
    soi_crawl::MarketplaceConfig::parse(&text, std::path::Path::new("t.toml")).unwrap()
}

/// Runs a crawl of `cfg` against `base` with fresh state in `state`.
pub async fn run(
    cfg: &soi_crawl::MarketplaceConfig,
    base: &str,
    state: &std::path::Path,
) -> (soi_crawl::CrawlReport, Collect) {
    let mut opts = soi_crawl::CrawlOptions::new(state);
    opts.base_url = Some(base.to_string());
    let evidence = soi_crawl::EvidenceStore::open(state.join("evidence")).unwrap();
    let bus = Collect::default();
    let report = soi_crawl::crawl(cfg, &opts, &bus, &evidence, &|_| {})
        .await
        .unwrap();
    (report, bus)
}

/// Runs a crawl of `cfg` against `base` with the state in `state`, publishing to `bus`.
pub async fn try_run(
    cfg: &soi_crawl::MarketplaceConfig,
    base: &str,
    state: &std::path::Path,
    bus: &dyn Publisher,
) -> Result<soi_crawl::CrawlReport, soi_crawl::CrawlError> {
    let mut opts = soi_crawl::CrawlOptions::new(state);
    opts.base_url = Some(base.to_string());
    let evidence = soi_crawl::EvidenceStore::open(state.join("evidence")).unwrap();
    soi_crawl::crawl(cfg, &opts, bus, &evidence, &|_| {}).await
}
