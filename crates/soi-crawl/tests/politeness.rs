//! Politeness and robustness against real loopback servers, measured on the server side.

mod common;

use std::time::Duration;

use common::{config, html, index_page, not_found, product_page, run, site};
use hyper::header::{HeaderValue, LOCATION, RETRY_AFTER};
use hyper::StatusCode;
use soi_crawl::serve::reply;

#[tokio::test]
async fn robots_txt_is_obeyed_for_our_user_agent() {
    let (srv, hits) = site(|p, _| match p {
        "/robots.txt" => reply(
            StatusCode::OK,
            "text/plain",
            "User-agent: *\nDisallow: /\n\nUser-agent: soi-crawler\nDisallow: /listings/secret\n",
        ),
        "/index.html" => html(&index_page(&[
            "/listings/1.html",
            "/listings/secret-2.html",
        ])),
        "/listings/1.html" => html(&product_page("1", "Áo thun", "150k")),
        _ => html(&product_page("2", "Secret", "1")),
    })
    .await;
    let state = tempfile::tempdir().unwrap();
    let (report, bus) = run(&config(""), &srv.base_url(), state.path()).await;
    let paths: Vec<String> = hits.lock().unwrap().iter().map(|h| h.1.clone()).collect();
    assert!(!paths.iter().any(|p| p.contains("secret")), "{paths:?}");
    assert_eq!(
        paths.iter().filter(|p| *p == "/robots.txt").count(),
        1,
        "cached per host"
    );
    assert_eq!(report.robots_blocked, 1);
    assert!(
        report.errors[0].message.contains("robots.txt"),
        "{report:?}"
    );
    let l = bus.listings();
    assert_eq!(l.len(), 1);
    assert_eq!(l[0].price, Some(150_000.0));
}

#[tokio::test]
async fn per_host_rate_limit_holds_on_the_server_side() {
    let (srv, hits) = common::catalog_site(10).await;
    let state = tempfile::tempdir().unwrap();
    let cfg = config("requests_per_second = 10.0\nconcurrency = 3");
    let (report, bus) = run(&cfg, &srv.base_url(), state.path()).await;
    assert_eq!(bus.listings().len(), 10, "{report:?}");
    let times: Vec<_> = hits.lock().unwrap().iter().map(|h| h.0).collect();
    assert_eq!(times.len(), 12, "robots, index, 10 listings");
    let min_gap = times
        .windows(2)
        .map(|w| w[1].duration_since(w[0]))
        .min()
        .unwrap();
    let total = times[times.len() - 1].duration_since(times[0]);
    // Requests leave 100 ms apart; arrival jitter on a loaded machine may shave a little.
    assert!(min_gap >= Duration::from_millis(75), "min gap {min_gap:?}");
    assert!(
        total >= Duration::from_millis(1_050),
        "12 requests at 10/s took {total:?}"
    );
}

#[tokio::test]
async fn retry_after_on_429_is_honoured() {
    let (srv, hits) = site(|p, nth| match (p, nth) {
        ("/robots.txt", _) => not_found(),
        ("/index.html", _) => html(&index_page(&["/listings/1.html"])),
        ("/listings/1.html", 0) => {
            let mut r = reply(StatusCode::TOO_MANY_REQUESTS, "text/plain", "slow down");
            r.headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from_static("1"));
            r
        }
        _ => html(&product_page("1", "Giày", "1tr5")),
    })
    .await;
    let state = tempfile::tempdir().unwrap();
    let (report, bus) = run(&config(""), &srv.base_url(), state.path()).await;
    let l = bus.listings();
    assert_eq!(l.len(), 1, "{report:?}");
    assert_eq!(l[0].price, Some(1_500_000.0));
    let log = hits.lock().unwrap();
    let tries: Vec<_> = log.iter().filter(|h| h.1 == "/listings/1.html").collect();
    assert_eq!(tries.len(), 2);
    let gap = tries[1].0.duration_since(tries[0].0);
    assert!(gap >= Duration::from_millis(990), "retried after {gap:?}");
    assert!(gap < Duration::from_secs(3), "retried after {gap:?}");
}

#[tokio::test]
async fn too_long_retry_after_gives_up_on_the_page_only() {
    let (srv, _) = site(|p, _| match p {
        "/robots.txt" => not_found(),
        "/index.html" => html(&index_page(&["/listings/1.html", "/listings/2.html"])),
        "/listings/1.html" => {
            let mut r = reply(StatusCode::SERVICE_UNAVAILABLE, "text/plain", "later");
            r.headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from_static("3600"));
            r
        }
        _ => html(&product_page("2", "Mũ", "50000")),
    })
    .await;
    let state = tempfile::tempdir().unwrap();
    let (report, bus) = run(
        &config("max_retry_after_secs = 2"),
        &srv.base_url(),
        state.path(),
    )
    .await;
    assert_eq!(bus.listings().len(), 1);
    assert!(
        report.errors[0].message.contains("Retry-After 3600s"),
        "{report:?}"
    );
}

#[tokio::test]
async fn redirects_out_of_bounds_are_refused() {
    let (srv, hits) = site(|p, _| match p {
        "/robots.txt" => not_found(),
        "/index.html" => html(&index_page(&[
            "/listings/1.html",
            "/listings/away.html",
            "/listings/loop.html",
        ])),
        "/listings/away.html" => {
            let mut r = reply(StatusCode::FOUND, "text/plain", "");
            r.headers_mut().insert(
                LOCATION,
                HeaderValue::from_static("http://scam-elsewhere.example/steal"),
            );
            r
        }
        "/listings/loop.html" => {
            let mut r = reply(StatusCode::FOUND, "text/plain", "");
            r.headers_mut().insert(
                LOCATION,
                HeaderValue::from_static("/listings/loop.html?x=1"),
            );
            r
        }
        p if p.starts_with("/listings/loop.html") => {
            let mut r = reply(StatusCode::FOUND, "text/plain", "");
            r.headers_mut()
                .insert(LOCATION, HeaderValue::from_static("/listings/loop.html"));
            r
        }
        _ => html(&product_page("1", "Túi", "200k")),
    })
    .await;
    let state = tempfile::tempdir().unwrap();
    let (report, bus) = run(&config("max_redirects = 3"), &srv.base_url(), state.path()).await;
    assert_eq!(bus.listings().len(), 1);
    let msgs: Vec<&str> = report.errors.iter().map(|e| e.message.as_str()).collect();
    assert!(
        msgs.iter().any(|m| m.contains("leaves the allowed hosts")),
        "{msgs:?}"
    );
    assert!(msgs.iter().any(|m| m.contains("redirects")), "{msgs:?}");
    let loops = hits
        .lock()
        .unwrap()
        .iter()
        .filter(|h| h.1.starts_with("/listings/loop"))
        .count();
    assert!(loops <= 4, "{loops} requests in a redirect loop");
}

/// Every redirect hop is checked against robots.txt: a listing URL that redirects into a
/// disallowed path is not fetched there.
#[tokio::test]
async fn robots_txt_is_checked_again_after_each_redirect() {
    let (srv, hits) = site(|p, _| {
        let to = |loc: &'static str| {
            let mut r = reply(StatusCode::MOVED_PERMANENTLY, "text/plain", "");
            r.headers_mut()
                .insert(LOCATION, HeaderValue::from_static(loc));
            r
        };
        match p {
            "/robots.txt" => reply(
                StatusCode::OK,
                "text/plain",
                "User-agent: *\nDisallow: /private/\n",
            ),
            "/index.html" => html(&index_page(&["/listings/1.html", "/listings/2.html"])),
            "/listings/1.html" => to("/private/1.html"),
            "/listings/2.html" => to("/listings/2b.html"),
            _ => html(&product_page(p, "Ví da", "300k")),
        }
    })
    .await;
    let state = tempfile::tempdir().unwrap();
    let (report, bus) = run(&config(""), &srv.base_url(), state.path()).await;
    let paths: Vec<String> = hits.lock().unwrap().iter().map(|h| h.1.clone()).collect();
    assert!(
        !paths.iter().any(|p| p.starts_with("/private")),
        "{paths:?}"
    );
    assert_eq!(report.robots_blocked, 1, "{report:?}");
    assert!(
        report.errors[0].message.contains("/private/1.html"),
        "{report:?}"
    );
    let ids: Vec<String> = bus.listings().into_iter().map(|l| l.id).collect();
    assert_eq!(
        ids,
        ["%2Flistings%2F2b.html"],
        "a redirect inside the rules is followed (the path id escaped)"
    );
}

#[tokio::test]
async fn malformed_truncated_and_huge_pages_are_reported_and_the_crawl_goes_on() {
    let huge = format!("<html><body>{}</body></html>", "x".repeat(200_000));
    let good = product_page("ok", "Đồng hồ", "990.000đ");
    let truncated_json = good[..good.find("\"offers\"").unwrap()].to_string();
    let truncated_html = format!("{}<div><p>cut off mid", good.replace("</body></html>", ""));
    let (srv, _) = site(move |p, _| match p {
        "/robots.txt" => not_found(),
        "/index.html" => html(&index_page(&[
            "/listings/huge.html",
            "/listings/badjson.html",
            "/listings/cut.html",
            "/listings/binary.html",
        ])),
        "/listings/huge.html" => html(&huge),
        "/listings/badjson.html" => html(&truncated_json),
        "/listings/binary.html" => reply(StatusCode::OK, "text/html", vec![0xff, 0xfe, 0x00, 0x9c]),
        _ => html(&truncated_html),
    })
    .await;
    let state = tempfile::tempdir().unwrap();
    let (report, bus) = run(
        &config("max_body_bytes = 65536"),
        &srv.base_url(),
        state.path(),
    )
    .await;
    let l = bus.listings();
    assert_eq!(l.len(), 1, "{report:#?}");
    assert_eq!(l[0].price, Some(990_000.0));
    let errors: Vec<&str> = report.errors.iter().map(|e| e.message.as_str()).collect();
    assert!(
        errors.iter().any(|m| m.contains("65536-byte cap")),
        "{errors:?}"
    );
    let problems: Vec<&str> = report.problems.iter().map(|e| e.message.as_str()).collect();
    assert!(
        problems.iter().any(|m| m.contains("malformed JSON-LD")),
        "{problems:?}"
    );
    assert!(
        problems.iter().any(|m| m.contains("without any product")),
        "{problems:?}"
    );
}

#[tokio::test]
async fn unchanged_pages_are_not_emitted_again() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    // No ETag here: the content hash alone must notice that nothing changed.
    let version = Arc::new(AtomicUsize::new(0));
    let v = version.clone();
    let (srv, _) = site(move |p, _| match p {
        "/robots.txt" => not_found(),
        "/index.html" => html(&index_page(&["/listings/1.html", "/listings/2.html"])),
        "/listings/1.html" => html(&product_page("1", "Sữa", "300k")),
        _ => {
            let price = if v.load(Ordering::SeqCst) == 0 {
                "100k"
            } else {
                "10k"
            };
            html(&product_page("2", "Thuốc", price))
        }
    })
    .await;
    let state = tempfile::tempdir().unwrap();
    let cfg = config("");
    let (_, first) = run(&cfg, &srv.base_url(), state.path()).await;
    assert_eq!(first.listings().len(), 2);
    let (report, second) = run(&cfg, &srv.base_url(), state.path()).await;
    assert_eq!(second.listings().len(), 0, "{report:?}");
    assert_eq!(report.pages_unchanged, 3);
    version.store(1, Ordering::SeqCst);
    let (_, third) = run(&cfg, &srv.base_url(), state.path()).await;
    let l = third.listings();
    assert_eq!(l.len(), 1);
    assert_eq!((l[0].id.as_str(), l[0].price), ("2", Some(10_000.0)));
}

#[tokio::test]
async fn private_addresses_are_refused_unless_allowed() {
    let (srv, hits) = site(|_, _| html("<html></html>")).await;
    let text = r#"
id = "t"
country = "VN"
seeds = ["{base}/index.html"]
base_url = "http://127.0.0.1:1"
"#;
    let cfg = soi_crawl::MarketplaceConfig::parse(text, std::path::Path::new("t.toml")).unwrap();
    let state = tempfile::tempdir().unwrap();
    let (report, _) = run(&cfg, &srv.base_url(), state.path()).await;
    assert!(
        report.errors[0].message.contains("private or loopback"),
        "{report:?}"
    );
    assert!(hits.lock().unwrap().is_empty());
}

#[tokio::test]
async fn page_budget_stops_the_crawl() {
    let (srv, hits) = common::catalog_site(20).await;
    let state = tempfile::tempdir().unwrap();
    let (report, bus) = run(&config("max_pages = 5"), &srv.base_url(), state.path()).await;
    assert_eq!(bus.listings().len(), 4);
    assert!(report.budget_exhausted);
    assert_eq!(hits.lock().unwrap().len(), 6, "robots.txt is not counted");
}

#[tokio::test]
async fn timeouts_end_one_page_and_concurrency_per_host_holds() {
    use std::sync::atomic::Ordering;
    let pages: Vec<String> = (0..8).map(|i| format!("/listings/{i}.html")).collect();
    let mut links: Vec<&str> = pages.iter().map(String::as_str).collect();
    links.push("/listings/stuck.html");
    let index = index_page(&links);
    let (srv, _, max_in_flight) = common::slow_site(
        move |p, _| match p {
            "/robots.txt" => not_found(),
            "/index.html" => html(&index),
            _ => html(&product_page(p, "x", "10")),
        },
        |p| {
            if p.contains("stuck") {
                Duration::from_secs(30)
            } else if p.starts_with("/listings/") {
                Duration::from_millis(150)
            } else {
                Duration::ZERO
            }
        },
    )
    .await;
    let state = tempfile::tempdir().unwrap();
    let cfg = config("timeout_secs = 1\nretries = 0\nconcurrency = 2");
    let started = std::time::Instant::now();
    let (report, bus) = run(&cfg, &srv.base_url(), state.path()).await;
    assert_eq!(bus.listings().len(), 8, "{report:#?}");
    assert_eq!(report.errors.len(), 1, "{report:#?}");
    assert!(report.errors[0].url.contains("stuck"));
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(
        max_in_flight.load(Ordering::SeqCst),
        2,
        "at most 2 in flight per host"
    );
}

#[tokio::test]
async fn sitemaps_and_sitemap_indexes_seed_the_crawl() {
    use std::sync::{Arc, OnceLock};
    let base: Arc<OnceLock<String>> = Arc::default();
    let b = base.clone();
    let (srv, hits) = site(move |p, _| {
        let base = b.get().cloned().unwrap_or_default();
        match p {
            "/robots.txt" => not_found(),
            "/sitemap.xml" => reply(
                StatusCode::OK,
                "application/xml",
                format!(
                    "<sitemapindex><sitemap><loc>{base}/sm-1.xml</loc></sitemap></sitemapindex>"
                ),
            ),
            "/sm-1.xml" => reply(
                StatusCode::OK,
                "application/xml",
                format!("<urlset><url><loc>{base}/listings/7.html</loc></url></urlset>"),
            ),
            "/listings/7.html" => html(&product_page("7", "Sạc dự phòng", "$12")),
            _ => not_found(),
        }
    })
    .await;
    base.set(srv.base_url()).unwrap();
    let text = r#"
id = "t"
country = "VN"
base_url = "http://127.0.0.1:1"
sitemaps = ["{base}/sitemap.xml"]
[links]
listing = ['^/listings/']
[limits]
allow_private = true
requests_per_second = 100.0
"#;
    let cfg = soi_crawl::MarketplaceConfig::parse(text, std::path::Path::new("t.toml")).unwrap();
    let state = tempfile::tempdir().unwrap();
    let (report, bus) = run(&cfg, &srv.base_url(), state.path()).await;
    let l = bus.listings();
    assert_eq!(l.len(), 1, "{report:#?}");
    assert_eq!(
        (l[0].price, l[0].currency.as_deref()),
        (Some(12.0), Some("VND")),
        "priceCurrency wins"
    );
    let paths: Vec<String> = hits.lock().unwrap().iter().map(|h| h.1.clone()).collect();
    assert!(paths.contains(&"/sm-1.xml".to_string()), "{paths:?}");
}

#[tokio::test]
async fn conditional_get_sends_if_modified_since() {
    use hyper::header::{IF_MODIFIED_SINCE, LAST_MODIFIED};
    use std::sync::{Arc, Mutex};
    const STAMP: &str = "Sun, 01 Nov 2026 10:00:00 GMT";
    type Seen = Arc<Mutex<Vec<(String, Option<String>)>>>;
    let seen: Seen = Arc::default();
    let log = seen.clone();
    let handler: soi_crawl::serve::Handler = Arc::new(move |req| {
        let path = req.uri().path().to_string();
        let ims = req
            .headers()
            .get(IF_MODIFIED_SINCE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        log.lock().unwrap().push((path.clone(), ims.clone()));
        let mut r = match path.as_str() {
            "/robots.txt" => not_found(),
            _ if ims.as_deref() == Some(STAMP) => reply(StatusCode::NOT_MODIFIED, "text/html", ""),
            "/index.html" => html(&index_page(&["/listings/1.html"])),
            _ => html(&product_page("1", "Bánh", "20k")),
        };
        r.headers_mut()
            .insert(LAST_MODIFIED, HeaderValue::from_static(STAMP));
        Box::pin(async move { r })
    });
    let srv = soi_crawl::serve::start_with(([127, 0, 0, 1], 0).into(), handler)
        .await
        .unwrap();
    let state = tempfile::tempdir().unwrap();
    let (_, first) = run(&config(""), &srv.base_url(), state.path()).await;
    assert_eq!(first.listings().len(), 1);
    let (report, second) = run(&config(""), &srv.base_url(), state.path()).await;
    assert_eq!(second.listings().len(), 0);
    assert_eq!((report.pages_fetched, report.pages_unchanged), (0, 2));
    let conditional = seen
        .lock()
        .unwrap()
        .iter()
        .filter(|(p, ims)| p.starts_with("/listings/") && ims.is_some())
        .count();
    assert_eq!(conditional, 1);
}

#[tokio::test]
async fn server_errors_are_retried_with_exponential_backoff() {
    let (srv, hits) = site(|p, nth| match (p, nth) {
        ("/robots.txt", _) => not_found(),
        ("/index.html", _) => html(&index_page(&["/listings/1.html"])),
        ("/listings/1.html", 0) => reply(StatusCode::INTERNAL_SERVER_ERROR, "text/plain", "oops"),
        ("/listings/1.html", 1) => reply(StatusCode::BAD_GATEWAY, "text/plain", "oops"),
        _ => html(&product_page("1", "Kẹo", "5k")),
    })
    .await;
    let state = tempfile::tempdir().unwrap();
    let (report, bus) = run(
        &config("backoff_ms = 100\nretries = 3"),
        &srv.base_url(),
        state.path(),
    )
    .await;
    assert_eq!(bus.listings().len(), 1, "{report:#?}");
    let log = hits.lock().unwrap();
    let t: Vec<_> = log
        .iter()
        .filter(|h| h.1 == "/listings/1.html")
        .map(|h| h.0)
        .collect();
    assert_eq!(t.len(), 3);
    let (g1, g2) = (t[1].duration_since(t[0]), t[2].duration_since(t[1]));
    // 100 ms then 200 ms, each plus up to 100 ms of jitter.
    assert!(
        g1 >= Duration::from_millis(95) && g1 < Duration::from_millis(1_500),
        "{g1:?}"
    );
    assert!(
        g2 >= Duration::from_millis(195) && g2 < Duration::from_millis(2_000),
        "{g2:?}"
    );
}
