//! Screenshots as evidence through the real binary: `soi run` on a copy of the demo whose config
//! asks for screenshots keeps one PNG per listing page, sealed with the captures
//! (`soi evidence verify --all` passes), and a listing's package carries its page's screenshot as
//! a WARC `resource` record that `wacz validate` and `soi evidence verify FILE.wacz` accept. A
//! second run over unchanged pages takes none.

use std::process::Command;

use crate::evidence_package::{entries, have_wacz, soi_k};
use crate::support::{copy_dir, free_port, repo_root};

#[test]
fn demo_listing_pages_are_shot_sealed_and_packaged() {
    if soi_crawl::screenshot::find_chromium().is_none() {
        assert!(
            std::env::var("SOI_REQUIRE_TOOLS").as_deref() != Ok("1"),
            "chromium is required (SOI_REQUIRE_TOOLS=1): deploy/install-test-tools.sh installs it"
        );
        eprintln!("skipping: no chromium (deploy/install-test-tools.sh installs it)");
        return;
    }
    let home = tempfile::tempdir().expect("tempdir");
    let h = home.path();
    let pipelines = h.join("pipelines");
    copy_dir(&repo_root().join("pipelines"), &pipelines);
    let demo = pipelines.join("marketplaces/demo.toml");
    let mut cfg = std::fs::read_to_string(&demo).expect("demo.toml");
    cfg.push_str("\n[screenshots]\nenabled = true\nwidth = 1024\nheight = 768\n");
    std::fs::write(&demo, cfg).expect("write demo.toml");
    let p = pipelines.to_str().expect("path");
    soi_k(h, &["--pipelines", p, "keys", "init"], 0);
    let port = free_port().to_string();
    let run = soi_k(h, &["--pipelines", p, "run", "--demo-port", &port], 0);
    let out = String::from_utf8_lossy(&run.stdout);
    let shots: usize = out
        .split(" screenshots")
        .next()
        .and_then(|s| s.rsplit(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no screenshot count in:\n{out}"));
    assert!(shots >= 10, "one per listing page: {out}");

    let verify = soi_k(h, &["evidence", "verify", "--all"], 0);
    assert!(
        String::from_utf8_lossy(&verify.stderr).contains("0 failures")
            || String::from_utf8_lossy(&verify.stdout).contains("0 failures"),
        "{}",
        String::from_utf8_lossy(&verify.stderr)
    );

    let wacz = h.join("2001.wacz");
    let w = wacz.to_str().expect("path");
    soi_k(
        h,
        &["evidence", "package", "--listing", "2001", "--out", w],
        0,
    );
    let files = entries(&wacz);
    let get = |n: &str| {
        files
            .iter()
            .find(|(x, _)| x == n)
            .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
            .unwrap_or_default()
    };
    let warc = get("archive/data.warc");
    assert!(
        warc.contains("WARC-Type: resource")
            && warc.contains("WARC-Target-URI: urn:screenshot:http"),
        "the package lacks the page's screenshot"
    );
    assert!(warc.contains("Content-Type: image/png\r\n") && warc.contains("\u{FFFD}PNG\r\n"));
    assert!(
        !get("pages/pages.jsonl").contains("urn:screenshot"),
        "a screenshot is not a page"
    );
    soi_k(h, &["evidence", "verify", w], 0);
    if have_wacz() {
        let v = Command::new("wacz")
            .args(["validate", "-f", w])
            .output()
            .expect("wacz");
        assert!(
            v.status.success(),
            "wacz validate: {}",
            String::from_utf8_lossy(&v.stderr)
        );
    }

    let again = soi_k(h, &["--pipelines", p, "run", "--demo-port", &port], 0);
    assert!(
        !String::from_utf8_lossy(&again.stdout).contains(" screenshots"),
        "unchanged pages are not shot again"
    );
}
