//! Extraction throughput (pages per second) on the two saved Amazon best-seller pages in the
//! shared data folder (`SOI_SHARED_DATA`, default `../shared/data` from the repository root):
//! HTML parse, CSS container rules, price parsing, link discovery. Skips with a message when
//! the pages are absent.
//!
//! `cargo bench -p soi-crawl --bench extract`

use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use soi_crawl::extract::{extract_page, role};
use soi_crawl::{load_marketplace, Compiled};
use url::Url;

fn shared() -> PathBuf {
    std::env::var_os("SOI_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"))
}

fn bench(c: &mut Criterion) {
    let pipelines = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../pipelines");
    let mut group = c.benchmark_group("extract");
    group.throughput(Throughput::Elements(1));
    for (market, file) in [
        ("amazon-com", "amazon_com.html"),
        ("amazon-de", "amazon_bestseller_de.html"),
    ] {
        let path = shared().join("html_fixtures_parsy").join(file);
        let Ok(html) = std::fs::read_to_string(&path) else {
            eprintln!(
                "SKIP {market}: {} absent (set SOI_SHARED_DATA)",
                path.display()
            );
            continue;
        };
        let Ok(cfg) = load_marketplace(&pipelines, market) else {
            eprintln!("SKIP {market}: config does not load");
            continue;
        };
        let Ok(url) = Url::parse(&cfg.seeds[0]) else {
            continue;
        };
        let Ok(compiled) = Compiled::new(cfg) else {
            continue;
        };
        let r = role(&compiled, &url);
        assert_eq!(extract_page(&compiled, &url, &html, r).listings.len(), 30);
        group.bench_function(market, |b| {
            b.iter(|| extract_page(&compiled, &url, std::hint::black_box(&html), r))
        });
        // The HTML parse alone, to see what the rules add on top of it.
        group.bench_function(format!("{market}/parse-only"), |b| {
            b.iter(|| scraper::Html::parse_document(std::hint::black_box(&html)))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
