//! Screenshots of captured pages with Debian's headless Chromium (`soi_crawl::screenshot`):
//! - `a_captured_page_is_shot_once_with_its_title_and_the_network_off`: the PNG is stored as
//!   evidence linked to its capture, has the configured size, differs from a blank page and from
//!   the same page without its title (so the title is in it), is not taken twice; the page's
//!   image and script requests never reach a server the test runs; scripts stay off by default.
//! - `a_missing_browser_or_a_hung_render_is_reported_not_fatal`: no Chromium is one reported
//!   problem; a render that hangs is stopped at its timeout.
//!
//! Skips without Chromium unless `SOI_REQUIRE_TOOLS=1` (the README's test command installs it).

use std::io::Read;
use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use soi_crawl::screenshot::{self, ScreenshotConfig, OF_HEADER, URN};
use soi_crawl::EvidenceStore;

fn chromium() -> Option<PathBuf> {
    let found = screenshot::find_chromium();
    if found.is_none() {
        assert!(
            std::env::var("SOI_REQUIRE_TOOLS").as_deref() != Ok("1"),
            "chromium is required (SOI_REQUIRE_TOOLS=1): deploy/install-test-tools.sh installs it"
        );
        eprintln!("skipping: no chromium (deploy/install-test-tools.sh installs it)");
    }
    found
}

/// A loopback server that counts connections (and answers nothing useful).
fn counting_server() -> (u16, Arc<AtomicUsize>) {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = l.local_addr().expect("addr").port();
    let hits = Arc::new(AtomicUsize::new(0));
    let h = hits.clone();
    std::thread::spawn(move || {
        for mut s in l.incoming().flatten() {
            h.fetch_add(1, Ordering::SeqCst);
            let mut buf = [0u8; 1024];
            let _ = s.read(&mut buf);
        }
    });
    (port, hits)
}

fn page(title: &str, port: u16) -> String {
    format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>x</title></head>\
         <body style=\"margin:0;background:#fff\">\
         <h1 style=\"font-size:96px;color:#000\">{title}</h1>\
         <img src=\"http://127.0.0.1:{port}/pixel.png\">\
         <script>fetch('http://127.0.0.1:{port}/beacon');\
         document.body.style.background = '#f00';</script>\
         </body></html>"
    )
}

/// Width and height from a PNG's IHDR chunk.
fn png_size(png: &[u8]) -> (u32, u32) {
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    assert!(png.len() > 24 && &png[12..16] == b"IHDR", "not a PNG");
    (be(&png[16..20]), be(&png[20..24]))
}

fn html_headers() -> Vec<(String, String)> {
    vec![("content-type".into(), "text/html; charset=utf-8".into())]
}

#[tokio::test]
async fn a_captured_page_is_shot_once_with_its_title_and_the_network_off() {
    let Some(browser) = chromium() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let store = EvidenceStore::open(dir.path().join("evidence")).expect("store");
    let (port, hits) = counting_server();
    let url = "https://shop.example/listing/7.html";
    let body = page("Điện thoại rẻ ZALO 0912", port);
    let rec = store
        .put(
            url,
            200,
            &html_headers(),
            body.as_bytes(),
            chrono::Utc::now(),
        )
        .expect("capture");
    let cfg = ScreenshotConfig {
        enabled: true,
        width: 800,
        height: 600,
        ..Default::default()
    };
    let pages = vec![(url.to_string(), rec.sha256.clone())];

    let r = screenshot::shoot(&store, &pages, &cfg, Some(&browser)).await;
    assert_eq!((r.taken, r.skipped), (1, 0), "{:?}", r.failed);
    let records = store.records().expect("records");
    let shot = records
        .iter()
        .find(|x| x.url == format!("{URN}{url}"))
        .expect("a screenshot record");
    assert_eq!(screenshot::shows(shot), Some(rec.sha256.as_str()));
    assert!(shot
        .headers
        .iter()
        .any(|(k, v)| k == OF_HEADER && *v == rec.sha256));
    let png = store
        .body(&shot.sha256)
        .expect("the PNG is kept by its sha256");
    assert_eq!(png_size(&png), (800, 600));

    let blank = screenshot::render(
        &browser,
        b"<html><body style=\"background:#fff\"></body></html>",
        &cfg,
    )
    .await
    .expect("blank render");
    let untitled = screenshot::render(&browser, page("", port).as_bytes(), &cfg)
        .await
        .expect("render without the title");
    assert_ne!(png, untitled, "the title changes the picture");
    assert!(
        png.len() > blank.len() * 2,
        "a page with a 96px title ({} bytes) against a blank page ({} bytes)",
        png.len(),
        blank.len()
    );
    // The script would have painted the page red: with scripts on, the picture changes.
    let scripted = ScreenshotConfig {
        scripts: true,
        ..cfg.clone()
    };
    let red = screenshot::render(&browser, body.as_bytes(), &scripted)
        .await
        .expect("render with scripts");
    assert_ne!(red, png, "scripts are off by default");
    assert_eq!(
        hits.load(Ordering::SeqCst),
        0,
        "the renders reached the network"
    );

    let again = screenshot::shoot(&store, &pages, &cfg, Some(&browser)).await;
    assert_eq!((again.taken, again.skipped), (0, 1), "a page is shot once");
}

#[tokio::test]
async fn a_missing_browser_or_a_hung_render_is_reported_not_fatal() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = EvidenceStore::open(dir.path().join("evidence")).expect("store");
    let rec = store
        .put(
            "https://shop.example/1",
            200,
            &html_headers(),
            b"<h1>x</h1>",
            chrono::Utc::now(),
        )
        .expect("capture");
    let pages = vec![("https://shop.example/1".to_string(), rec.sha256.clone())];
    let cfg = ScreenshotConfig {
        enabled: true,
        timeout_secs: 1,
        ..Default::default()
    };
    let r = screenshot::shoot(&store, &pages, &cfg, None).await;
    assert_eq!(r.taken, 0);
    assert!(
        r.failed.iter().any(|f| f.message.contains("no Chromium")),
        "{:?}",
        r.failed
    );

    // A "browser" that never finishes.
    let hang = dir.path().join("hang.sh");
    std::fs::write(&hang, "#!/bin/sh\nexec sleep 60\n").expect("script");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&hang, std::fs::Permissions::from_mode(0o700)).expect("chmod");
    }
    let started = std::time::Instant::now();
    let r = screenshot::shoot(&store, &pages, &cfg, Some(&hang)).await;
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    assert_eq!(r.taken, 0);
    assert!(
        r.failed
            .iter()
            .any(|f| f.message.contains("longer than 1 s")),
        "{:?}",
        r.failed
    );
    assert_eq!(
        store.records().expect("records").len(),
        1,
        "nothing stored for a failed render"
    );
}
