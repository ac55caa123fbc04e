//! The evidence store under faults: a torn body (power cut before the data reached the disk), a
//! torn log line, a damaged body at export time; and who may read it.

use soi_crawl::evidence::sha256_hex;
use soi_crawl::{warc, EvidenceError, EvidenceStore};

const PAGE: &[u8] = "<html><body>Giá chỉ 1tr5, liên hệ Zalo</body></html>".as_bytes();

fn put(store: &EvidenceStore, url: &str, body: &[u8]) -> String {
    let h = vec![("content-type".to_string(), "text/html".to_string())];
    store
        .put(url, 200, &h, body, chrono::Utc::now())
        .unwrap()
        .sha256
}

fn body_file(dir: &std::path::Path, sha: &str) -> std::path::PathBuf {
    dir.join("bodies").join(&sha[..2]).join(sha)
}

#[test]
fn a_torn_body_is_corrupt_and_rewritten_by_the_next_capture() {
    let dir = tempfile::tempdir().unwrap();
    let store = EvidenceStore::open(dir.path()).unwrap();
    let sha = put(&store, "http://shop.example/1", PAGE);
    // After a power cut the renamed file can be empty: it must not count as present.
    std::fs::write(body_file(dir.path(), &sha), b"").unwrap();
    assert!(!store.has(&sha), "an empty file is not the body");
    match store.body(&sha) {
        Err(EvidenceError::Corrupt { path, why }) => {
            assert!(path.ends_with(&sha), "{path:?}");
            assert!(why.contains("0 bytes"), "{why}");
        }
        other => panic!("expected Corrupt, got {other:?}"),
    }
    // Same length, other bytes: caught by the hash.
    std::fs::write(body_file(dir.path(), &sha), vec![b'x'; PAGE.len()]).unwrap();
    assert!(matches!(
        store.body(&sha),
        Err(EvidenceError::Corrupt { .. })
    ));
    // The next capture of the same content writes it again.
    assert_eq!(put(&store, "http://shop.example/1", PAGE), sha);
    assert_eq!(store.body(&sha).unwrap(), PAGE);
    assert!(store.has(&sha));
}

#[test]
fn a_torn_log_line_skips_that_record_only() {
    let dir = tempfile::tempdir().unwrap();
    let store = EvidenceStore::open(dir.path()).unwrap();
    put(&store, "http://shop.example/1", PAGE);
    // A crash mid-append: half a line, cut inside a multi-byte character, then later records.
    let log = dir.path().join("records.jsonl");
    let mut torn = std::fs::read(&log).unwrap();
    let cut = torn.len() - 20;
    let half = torn[..cut].to_vec();
    torn.extend_from_slice(&half);
    torn.extend_from_slice(&[0xe1, 0xbb, b'\n']);
    std::fs::write(&log, torn).unwrap();
    put(&store, "http://shop.example/2", b"<html>two</html>");
    let recs = store.records().unwrap();
    let urls: Vec<&str> = recs.iter().map(|r| r.url.as_str()).collect();
    assert_eq!(urls, ["http://shop.example/1", "http://shop.example/2"]);
    let mut out = vec![];
    assert_eq!(warc::export(&store, &mut out).unwrap(), 2);
}

/// `(payload digest, block digest, block)` of every `response` record of a WARC.
fn responses(warc: &[u8]) -> Vec<(String, String, Vec<u8>)> {
    let mut out = vec![];
    let mut rest = warc;
    while !rest.is_empty() {
        let end = rest.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
        let head = String::from_utf8_lossy(&rest[..end]).into_owned();
        let field = |k: &str| {
            head.lines()
                .find_map(|l| l.strip_prefix(&format!("{k}: ")).map(str::to_string))
                .unwrap_or_default()
        };
        let len: usize = field("Content-Length").parse().unwrap();
        let block = rest[end + 4..end + 4 + len].to_vec();
        if field("WARC-Type") == "response" {
            out.push((
                field("WARC-Payload-Digest"),
                field("WARC-Block-Digest"),
                block,
            ));
        }
        rest = &rest[end + 4 + len + 4..];
    }
    out
}

#[test]
fn warc_digests_are_over_the_bytes_written_and_damaged_bodies_are_left_out() {
    let dir = tempfile::tempdir().unwrap();
    let store = EvidenceStore::open(dir.path()).unwrap();
    let good = put(&store, "http://shop.example/good", b"<html>good</html>");
    let bad = put(&store, "http://shop.example/bad", PAGE);
    std::fs::write(body_file(dir.path(), &bad), vec![b'x'; PAGE.len()]).unwrap();
    let mut out = vec![];
    let n = warc::export(&store, &mut out).unwrap();
    let recs = responses(&out);
    for (payload_digest, block_digest, block) in &recs {
        assert_eq!(block_digest, &format!("sha256:{}", sha256_hex(block)));
        let at = block.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
        let payload = &block[at + 4..];
        assert_eq!(payload_digest, &format!("sha256:{}", sha256_hex(payload)));
    }
    assert_eq!((n, recs.len()), (1, 1), "the damaged body is left out");
    assert_eq!(recs[0].0, format!("sha256:{good}"));
}

#[cfg(unix)]
#[test]
fn evidence_is_readable_by_its_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("state/evidence");
    let store = EvidenceStore::open(&root).unwrap();
    let sha = put(&store, "http://shop.example/1", PAGE);
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    for d in [
        dir.path().join("state"),
        root.clone(),
        root.join("bodies"),
        root.join("bodies").join(&sha[..2]),
    ] {
        assert_eq!(mode(&d), 0o700, "{}", d.display());
    }
    assert_eq!(mode(&body_file(&root, &sha)), 0o600);
    assert_eq!(mode(&root.join("records.jsonl")), 0o600);
}
