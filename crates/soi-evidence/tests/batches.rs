//! Sealing, timestamping and verifying against a real TSA on loopback (OpenSSL's `ts -reply`
//! behind a test HTTP server), and OpenSSL checking what soi stored.

mod support;

use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, Utc};
use soi_evidence::token::TrustAnchors;
use soi_evidence::{keys, verify_all, Batches, Check, CrawlEvidence, Report, Subject};
use support::{free_port, have_openssl, make_pki, openssl, serve_tsa, Pki};

struct Install {
    _tmp: tempfile::TempDir,
    home: PathBuf,
    pipelines: PathBuf,
    pki: Pki,
}

impl Install {
    fn evidence(&self) -> PathBuf {
        self.home.join("evidence")
    }
    fn batches(&self) -> Batches {
        Batches::open(&self.evidence()).unwrap()
    }
    fn verify(&self) -> Report {
        let key = keys::require(&self.home).unwrap().verifying_key();
        let anchors = TrustAnchors::load(&self.pki.ca()).unwrap();
        verify_all(&self.evidence(), &key, Some(&anchors)).unwrap()
    }
}

/// A soi home with a key, and a pipelines folder naming the TSA on `port` (CA pinned).
fn install(port: u16, batch_minutes: u32) -> Install {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("home");
    let pipelines = tmp.path().join("pipelines");
    let pki_dir = tmp.path().join("pki");
    std::fs::create_dir_all(&pipelines).unwrap();
    std::fs::create_dir_all(&pki_dir).unwrap();
    let pki = make_pki(&pki_dir);
    keys::init(&home).unwrap();
    std::fs::write(
        pipelines.join("evidence.toml"),
        format!(
            "batch_minutes = {batch_minutes}\n[tsa]\nurl = \"http://127.0.0.1:{port}/tsr\"\nca = {:?}\ntimeout_s = 5\n",
            pki.ca()
        ),
    )
    .unwrap();
    Install {
        _tmp: tmp,
        home,
        pipelines,
        pki,
    }
}

fn capture(ev: &CrawlEvidence, n: u32, at: DateTime<Utc>) {
    let url = format!("http://127.0.0.1:1/listing/{n}");
    let body = format!("<html><title>listing {n}</title></html>");
    ev.store.put(&url, 200, &[], body.as_bytes(), at).unwrap();
}

fn checks(r: &Report) -> Vec<(Subject, Check)> {
    r.failures
        .iter()
        .map(|f| (f.subject.clone(), f.check))
        .collect()
}

#[tokio::test]
async fn tsa_down_then_up_signs_now_timestamps_later_and_openssl_accepts_both() {
    if !have_openssl() {
        return;
    }
    let port = free_port();
    let i = install(port, 60);
    // The TSA is down: the crawl captures and signs; the batch waits for its token.
    let ev = CrawlEvidence::open(&i.home, &i.pipelines).unwrap();
    capture(&ev, 1, Utc::now());
    capture(&ev, 2, Utc::now());
    let said = ev.finish().await;
    assert!(
        said.contains("batch 000001 signed") && said.contains("1 waiting for the TSA"),
        "{said}"
    );
    let b = i.batches();
    assert_eq!(b.ids().unwrap(), ["000001"]);
    assert!(b.token("000001").unwrap().is_none());
    let r = i.verify();
    assert!(r.ok(), "{:?}", r.failures);
    assert_eq!(
        (r.batches, r.captures, r.not_timestamped, r.timestamped),
        (1, 2, 1, 0)
    );

    // The TSA is back: the next crawl timestamps the waiting batch and its own.
    serve_tsa(&i.pki, port).await;
    let ev = CrawlEvidence::open(&i.home, &i.pipelines).unwrap();
    capture(&ev, 3, Utc::now());
    let said = ev.finish().await;
    assert!(
        said.contains("batch 000002 signed") && said.contains("2 batch(es) timestamped"),
        "{said}"
    );
    let r = i.verify();
    assert!(r.ok(), "{:?}", r.failures);
    assert_eq!(
        (r.batches, r.captures, r.timestamped, r.unsealed),
        (2, 3, 2, 0)
    );

    // A recipient with OpenSSL alone: the token, and the Ed25519 signature with the public key.
    let dir = i.batches().dir().to_path_buf();
    let ca = i.pki.ca();
    for id in ["000001", "000002"] {
        let out = openssl(
            &dir,
            &[
                "ts",
                "-verify",
                "-data",
                &format!("{id}.manifest.json"),
                "-in",
                &format!("{id}.tst"),
                "-token_in",
                "-CAfile",
                ca.to_str().unwrap(),
            ],
        );
        assert!(String::from_utf8_lossy(&out.stdout).contains("Verification: OK"));
        let shown = openssl(
            &dir,
            &[
                "ts",
                "-reply",
                "-in",
                &format!("{id}.tst"),
                "-token_in",
                "-token_out",
                "-text",
            ],
        );
        assert!(String::from_utf8_lossy(&shown.stdout).contains("Time stamp: "));
    }
    let key = keys::require(&i.home).unwrap().verifying_key();
    std::fs::write(dir.join("public.pem"), keys::public_pem(&key)).unwrap();
    let out = openssl(
        &dir,
        &[
            "pkeyutl",
            "-verify",
            "-pubin",
            "-inkey",
            "public.pem",
            "-rawin",
            "-in",
            "000001.manifest.json",
            "-sigfile",
            "000001.sig",
        ],
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("Signature Verified Successfully"));
    // ... and OpenSSL refuses a signature over other bytes.
    std::fs::write(dir.join("other"), b"other bytes").unwrap();
    let refused = std::process::Command::new("openssl")
        .args([
            "pkeyutl",
            "-verify",
            "-pubin",
            "-inkey",
            "public.pem",
            "-rawin",
            "-in",
            "other",
        ])
        .args(["-sigfile", "000001.sig"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(!refused.status.success());
}

/// An install with one timestamped batch of two captures; `None` without openssl.
async fn sealed() -> Option<Install> {
    if !have_openssl() {
        return None;
    }
    let port = free_port();
    let i = install(port, 60);
    let pki = Pki {
        dir: i.pki.dir.clone(),
    };
    serve_tsa(&pki, port).await;
    let ev = CrawlEvidence::open(&i.home, &i.pipelines).unwrap();
    capture(&ev, 1, Utc::now());
    capture(&ev, 2, Utc::now());
    let said = ev.finish().await;
    assert!(said.contains("1 batch(es) timestamped"), "{said}");
    assert!(i.verify().ok());
    Some(i)
}

fn replace_in(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{from} not in {}", path.display());
    std::fs::write(path, text.replace(from, to)).unwrap();
}

fn flip_last_byte(path: &Path) {
    let mut b = std::fs::read(path).unwrap();
    let n = b.len() - 1;
    b[n] ^= 0x01;
    std::fs::write(path, b).unwrap();
}

fn batch() -> Subject {
    Subject::Batch("000001".into())
}

#[tokio::test]
async fn a_tampered_body_is_named_by_its_capture() {
    let Some(i) = sealed().await else {
        return;
    };
    let sha = soi_crawl::evidence::sha256_hex(b"<html><title>listing 2</title></html>");
    let path = i.evidence().join("bodies").join(&sha[..2]).join(&sha);
    std::fs::write(&path, b"<html><title>listing 2 (edited)</title></html>").unwrap();
    let r = i.verify();
    assert_eq!(r.failures.len(), 1, "{:?}", r.failures);
    let f = &r.failures[0];
    assert_eq!(f.check, Check::Body);
    assert!(matches!(&f.subject, Subject::Capture { record: 1, sha256, .. } if *sha256 == sha));
    assert!(f.to_string().contains("listing/2"), "{f}");
}

#[tokio::test]
async fn a_tampered_manifest_fails_its_signature_and_its_timestamp() {
    let Some(i) = sealed().await else {
        return;
    };
    replace_in(
        &i.batches().manifest_path("000001"),
        "listing/2",
        "listing/9",
    );
    let r = i.verify();
    let c = checks(&r);
    assert!(c.contains(&(batch(), Check::Signature)), "{c:?}");
    assert!(c.contains(&(batch(), Check::Timestamp)), "{c:?}");
    // The log still says listing/2: the changed entry is named too.
    assert!(
        c.iter()
            .any(|(s, ch)| *ch == Check::Record && matches!(s, Subject::Capture { record: 1, .. })),
        "{c:?}"
    );
}

#[tokio::test]
async fn a_tampered_signature_fails_only_the_signature() {
    let Some(i) = sealed().await else {
        return;
    };
    flip_last_byte(&i.batches().signature_path("000001"));
    assert_eq!(checks(&i.verify()), [(batch(), Check::Signature)]);
}

#[tokio::test]
async fn a_tampered_timestamp_fails_only_the_timestamp() {
    let Some(i) = sealed().await else {
        return;
    };
    // The token ends with the TSA's signature value: change its last byte.
    flip_last_byte(&i.batches().token_path("000001"));
    let r = i.verify();
    assert_eq!(checks(&r), [(batch(), Check::Timestamp)]);
    assert!(
        r.failures[0].detail.contains("signature"),
        "{}",
        r.failures[0]
    );
}

#[tokio::test]
async fn an_edited_evidence_log_is_named_by_its_record() {
    let Some(i) = sealed().await else {
        return;
    };
    replace_in(
        &i.evidence().join("records.jsonl"),
        "listing/1",
        "listing/7",
    );
    let c = checks(&i.verify());
    assert_eq!(c.len(), 1, "{c:?}");
    assert!(
        matches!(&c[0], (Subject::Capture { record: 0, .. }, Check::Record)),
        "{c:?}"
    );
}

#[tokio::test]
async fn a_long_crawl_is_sealed_every_batch_minutes_and_the_rest_at_its_end() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("home");
    let pipelines = tmp.path().join("pipelines");
    std::fs::create_dir_all(&pipelines).unwrap();
    std::fs::write(pipelines.join("evidence.toml"), "batch_minutes = 1\n").unwrap();
    let key = keys::init(&home).unwrap();
    let ev = CrawlEvidence::open(&home, &pipelines).unwrap();
    let t0 = Utc::now();
    capture(&ev, 1, t0);
    capture(&ev, 2, t0 + Duration::seconds(30));
    let b = Batches::open(&home.join("evidence")).unwrap();
    assert!(
        b.ids().unwrap().is_empty(),
        "sealed before a minute had passed"
    );
    capture(&ev, 3, t0 + Duration::seconds(61));
    assert_eq!(b.ids().unwrap(), ["000001"]);
    capture(&ev, 4, t0 + Duration::seconds(70));
    let said = ev.finish().await;
    assert_eq!(said, "evidence batch 000002 signed");
    let sizes: Vec<usize> = b
        .ids()
        .unwrap()
        .iter()
        .map(|id| b.manifest(id).unwrap().captures.len())
        .collect();
    assert_eq!(sizes, [3, 1]);
    let r = verify_all(&home.join("evidence"), &key, None).unwrap();
    assert!(r.ok(), "{:?}", r.failures);
    assert_eq!((r.captures, r.not_timestamped, r.unsealed), (4, 2, 0));
    // Nothing new: nothing sealed.
    let ev = CrawlEvidence::open(&home, &pipelines).unwrap();
    assert_eq!(ev.finish().await, "no new evidence to sign");
}

#[tokio::test]
async fn without_a_key_the_crawl_still_captures_and_says_it_did_not_sign() {
    let tmp = tempfile::tempdir().unwrap();
    let ev = CrawlEvidence::open(&tmp.path().join("home"), tmp.path()).unwrap();
    capture(&ev, 1, Utc::now());
    assert!(ev.finish().await.contains("not signed"));
    assert_eq!(ev.store.records().unwrap().len(), 1);
}

#[tokio::test]
async fn a_token_from_a_tsa_outside_the_pinned_ca_fails_the_timestamp() {
    let Some(i) = sealed().await else {
        return;
    };
    let other = tempfile::tempdir().unwrap();
    let stranger = make_pki(other.path());
    let key = keys::require(&i.home).unwrap().verifying_key();
    let anchors = TrustAnchors::load(&stranger.ca()).unwrap();
    let r = verify_all(&i.evidence(), &key, Some(&anchors)).unwrap();
    assert_eq!(checks(&r), [(batch(), Check::Timestamp)]);
    // Without a pinned CA the token's own certificate is enough.
    assert!(verify_all(&i.evidence(), &key, None).unwrap().ok());
}
