//! `soi evidence package`: the captures behind some listings as one WACZ 1.1.1 file a recipient
//! can replay (ReplayWeb.page), validate (`wacz validate`) and verify (`soi evidence verify
//! FILE.wacz`, or the public key and OpenSSL).
//!
//! Inside: `archive/data.warc` (the captures as WARC response records, `soi_crawl::warc`, and
//! their screenshots as `resource` records),
//! `pages/pages.jsonl` (one page per captured response), `soi/verdicts.jsonl` (what the caller
//! says about the listings: verdicts and reasons), the signed batch manifests, signatures and
//! tokens that cover the captures (so each capture's sha256, URL and time are checkable against
//! what was signed and timestamped when it was crawled), then `datapackage.json` listing all of
//! them by sha256, and `datapackage-digest.json` with its hash and the installation's Ed25519
//! signature. The WARC is stored uncompressed (WACZ asks for random access), the rest deflated.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;

use ed25519_dalek::{Signer, SigningKey};
use serde::Serialize;
use soi_crawl::EvidenceStore;
use zip::write::SimpleFileOptions;
use zip::CompressionMethod;

use crate::batches::Batches;
use crate::datapackage::{self as dp, DataPackage, PackageDigest, PackageSignature, Resource};
use crate::error::PackageError;

/// What to package.
pub struct PackageRequest<'a> {
    /// The evidence folder (`HOME/evidence`).
    pub evidence_dir: &'a Path,
    /// The captures, by body sha256, each with the page title when known.
    pub captures: Vec<(String, Option<String>)>,
    /// `soi/verdicts.jsonl`'s bytes.
    pub verdicts_jsonl: Vec<u8>,
    /// `datapackage.json`'s title.
    pub title: String,
    pub key: &'a SigningKey,
}

/// What went into a package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageSummary {
    pub warc_records: usize,
    pub pages: usize,
    pub batches: Vec<String>,
}

#[derive(Serialize)]
struct PagesHeader<'a> {
    format: &'a str,
    id: &'a str,
    title: &'a str,
}

#[derive(Serialize)]
struct Page<'a> {
    id: String,
    url: &'a str,
    ts: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<&'a str>,
}

/// Builds the package; its zip bytes and what went in.
pub fn build(req: &PackageRequest<'_>) -> Result<(Vec<u8>, PackageSummary), PackageError> {
    let store = EvidenceStore::open(req.evidence_dir)?;
    let records = store.records()?;
    let wanted: BTreeSet<&str> = req.captures.iter().map(|(s, _)| s.as_str()).collect();
    for sha in &wanted {
        if !records.iter().any(|r| r.sha256 == *sha) {
            return Err(PackageError::NoCapture(sha.to_string()));
        }
    }
    // The captures, and the screenshots that show them.
    let keep = |_: usize, r: &soi_crawl::EvidenceRecord| {
        wanted.contains(r.sha256.as_str())
            || soi_crawl::screenshot::shows(r).is_some_and(|of| wanted.contains(of))
    };
    let kept: BTreeSet<usize> = (0..records.len())
        .filter(|i| keep(*i, &records[*i]))
        .collect();

    let mut warc = Vec::new();
    let warc_records = soi_crawl::warc::export_where(&store, &mut warc, &keep)?;

    let mut pages = line(&PagesHeader {
        format: "json-pages-1.0",
        id: "pages",
        title: &req.title,
    });
    let mut n_pages = 0;
    for i in &kept {
        let r = &records[*i];
        if r.status == 304 || r.url.starts_with(soi_crawl::screenshot::URN) {
            continue;
        }
        let title = req
            .captures
            .iter()
            .find(|(s, _)| *s == r.sha256)
            .and_then(|(_, t)| t.as_deref());
        pages.extend(line(&Page {
            id: format!("{}-{i}", r.sha256.get(..16).unwrap_or(&r.sha256)),
            url: &r.url,
            ts: r.fetched_at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            title,
        }));
        n_pages += 1;
    }

    let mut files: Vec<(String, Vec<u8>)> = vec![
        (dp::WARC.into(), warc),
        (dp::PAGES.into(), pages),
        (dp::VERDICTS.into(), req.verdicts_jsonl.clone()),
    ];
    let batches = Batches::open(req.evidence_dir)?;
    let mut batch_ids = vec![];
    for id in batches.ids()? {
        let manifest = batches.manifest(&id)?;
        if !manifest.captures.iter().any(|c| kept.contains(&c.record)) {
            continue;
        }
        let base = format!("{}{id}", dp::BATCH_PREFIX);
        files.push((
            format!("{base}{}", dp::MANIFEST_SUFFIX),
            batches.manifest_bytes(&id)?,
        ));
        files.push((format!("{base}.sig"), batches.signature(&id)?));
        if let Some(t) = batches.token(&id)? {
            files.push((format!("{base}.tst"), t));
        }
        batch_ids.push(id);
    }

    let created = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let package = DataPackage {
        profile: "data-package".into(),
        resources: files.iter().map(|(p, b)| Resource::of(p, b)).collect(),
        created,
        wacz_version: dp::WACZ_VERSION.into(),
        title: Some(req.title.clone()),
        software: Some(format!("soi-evidence {}", env!("CARGO_PKG_VERSION"))),
    };
    let package_bytes = json_pretty(&package);
    let digest = PackageDigest {
        path: dp::DATAPACKAGE.into(),
        hash: dp::sha256_tag(&package_bytes),
        signature: Some(PackageSignature {
            algorithm: "Ed25519".into(),
            public_key: crate::keys::public_hex(&req.key.verifying_key()),
            signature: hex::encode(req.key.sign(&package_bytes).to_bytes()),
        }),
    };
    files.push((dp::DATAPACKAGE.into(), package_bytes));
    files.push((dp::DIGEST.into(), json_pretty(&digest)));

    let zip = write_zip(&files).map_err(|e| PackageError::Write(e.to_string()))?;
    Ok((
        zip,
        PackageSummary {
            warc_records,
            pages: n_pages,
            batches: batch_ids,
        },
    ))
}

fn line<T: Serialize>(v: &T) -> Vec<u8> {
    let mut out = serde_json::to_vec(v).unwrap_or_default();
    out.push(b'\n');
    out
}

fn json_pretty<T: Serialize>(v: &T) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(v).unwrap_or_default();
    out.push(b'\n');
    out
}

fn write_zip(files: &[(String, Vec<u8>)]) -> zip::result::ZipResult<Vec<u8>> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (path, bytes) in files {
        let method = if path.starts_with("archive/") {
            CompressionMethod::Stored
        } else {
            CompressionMethod::Deflated
        };
        zip.start_file(
            path.as_str(),
            SimpleFileOptions::default().compression_method(method),
        )?;
        zip.write_all(bytes)?;
    }
    Ok(zip.finish()?.into_inner())
}
