//! The crawler never goes through a proxy from the environment: `HTTP_PROXY` set by whoever
//! runs it must not route marketplace traffic (and its evidence) through someone else's host.
//! Its own test binary, because it sets process-wide environment variables.

mod common;

use common::{catalog_site, config, html, product_page, run, site};

#[tokio::test]
async fn proxy_variables_in_the_environment_are_ignored() {
    let (proxy, proxy_hits) = site(|p, _| html(&product_page(p, "from the proxy", "1"))).await;
    let (srv, hits) = catalog_site(2).await;
    for k in ["NO_PROXY", "no_proxy"] {
        std::env::remove_var(k);
    }
    for k in [
        "HTTP_PROXY",
        "http_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
    ] {
        std::env::set_var(k, proxy.base_url());
    }
    let state = tempfile::tempdir().unwrap();
    let (report, bus) = run(&config(""), &srv.base_url(), state.path()).await;
    assert!(
        proxy_hits.lock().unwrap().is_empty(),
        "went through the proxy"
    );
    assert_eq!(hits.lock().unwrap().len(), 4, "robots, index, 2 listings");
    let titles: Vec<String> = bus.listings().into_iter().map(|l| l.title).collect();
    assert_eq!(titles, ["x", "x"], "{report:?}");
}
