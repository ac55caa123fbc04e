//! Evidence: content-addressed bodies and a WARC 1.1 export that standard tools read.

mod common;

use std::process::Command;

use soi_crawl::{warc, EvidenceStore};

fn store_with_pages(dir: &std::path::Path) -> EvidenceStore {
    let store = EvidenceStore::open(dir).unwrap();
    let t = chrono::Utc::now();
    let h = |ct: &str| {
        vec![
            ("content-type".to_string(), ct.to_string()),
            ("content-encoding".to_string(), "gzip".to_string()),
            ("etag".to_string(), "\"x\"".to_string()),
        ]
    };
    let page = "<html><body>Giá chỉ 1tr5, liên hệ Zalo</body></html>";
    let a = store
        .put(
            "http://shop.example/listings/1.html",
            200,
            &h("text/html"),
            page.as_bytes(),
            t,
        )
        .unwrap();
    // The same body at another URL is stored once but logged twice.
    let b = store
        .put(
            "http://shop.example/listings/1.html?x=1",
            200,
            &h("text/html"),
            page.as_bytes(),
            t,
        )
        .unwrap();
    assert_eq!(a.sha256, b.sha256);
    store
        .put(
            "http://shop.example/api?page=1",
            200,
            &h("application/json"),
            br#"{"a":1}"#,
            t,
        )
        .unwrap();
    // A later conditional GET answered 304: logged, pointing at the body it confirms.
    store
        .log_not_modified(
            "http://shop.example/listings/1.html",
            &h("text/html"),
            &a.sha256,
            t,
        )
        .unwrap();
    store
}

#[test]
fn bodies_are_content_addressed_and_logged() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_with_pages(dir.path());
    let recs = store.records().unwrap();
    assert_eq!(recs.len(), 4);
    assert_eq!((recs[3].status, &recs[3].sha256), (304, &recs[0].sha256));
    let body = store.body(&recs[0].sha256).unwrap();
    assert_eq!(soi_crawl::evidence::sha256_hex(&body), recs[0].sha256);
    let files = walk(&dir.path().join("bodies"));
    assert_eq!(files, 2, "one file per distinct body");
}

fn walk(p: &std::path::Path) -> usize {
    std::fs::read_dir(p)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p)
            } else {
                1
            }
        })
        .sum()
}

#[test]
fn warc_export_is_well_formed_and_read_by_warcio_when_present() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_with_pages(&dir.path().join("evidence"));
    let mut out = vec![];
    let n = warc::export(&store, &mut out).unwrap();
    assert_eq!(n, 4);
    let text = String::from_utf8_lossy(&out);
    assert!(text.starts_with("WARC/1.1\r\nWARC-Type: warcinfo\r\n"));
    assert_eq!(text.matches("WARC-Type: response\r\n").count(), 3);
    assert_eq!(text.matches("WARC-Type: revisit\r\n").count(), 1);
    assert!(text.contains("WARC-Refers-To-Target-URI: http://shop.example/listings/1.html\r\n"));
    assert!(
        !text.contains("content-encoding"),
        "bodies are stored decoded"
    );
    assert!(text.contains("WARC-Target-URI: http://shop.example/listings/1.html\r\n"));
    let path = dir.path().join("out.warc");
    std::fs::write(&path, &out).unwrap();

    // An independent reader: Python's warcio, when installed (`pip install warcio`).
    let has_warcio = Command::new("python3")
        .args(["-c", "import warcio"])
        .status()
        .is_ok_and(|s| s.success());
    if !has_warcio {
        eprintln!("SKIP: warcio not installed; `pip install warcio` to check the WARC with it");
        return;
    }
    let script = r#"
import sys
from warcio.archiveiterator import ArchiveIterator
n = 0
revisits = 0
with open(sys.argv[1], 'rb') as f:
    for r in ArchiveIterator(f, check_digests=True):
        if r.rec_type == 'revisit':
            assert r.http_headers.get_statuscode() == '304'
            revisits += 1
        if r.rec_type == 'response':
            body = r.content_stream().read()
            assert r.http_headers.get_statuscode() == '200'
            assert len(body) > 0
            n += 1
assert revisits == 1
print(n)
"#;
    let out = Command::new("python3")
        .args(["-c", script, path.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "3");
    let check = Command::new("python3")
        .args(["-m", "warcio.cli", "check", path.to_str().unwrap()])
        .output();
    if let Ok(c) = check {
        assert!(
            c.status.success(),
            "warcio check: {}{}",
            String::from_utf8_lossy(&c.stdout),
            String::from_utf8_lossy(&c.stderr)
        );
    }
}
