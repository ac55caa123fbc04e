//! `soi evidence verify FILE.wacz`: everything a recipient can check in a package with the
//! signer's public key alone, each failure named by the file it is about.
//!
//! - every file against `datapackage.json` (sha256 and size), and no file it does not list;
//! - `datapackage.json` against the hash in `datapackage-digest.json`, and the Ed25519 signature
//!   there against the public key;
//! - every included batch (`soi/batch-ID.*`): canonical manifest, signature, timestamp token, as
//!   `verify --all` checks them in the evidence folder.
//!
//! A changed WARC byte thus fails the WARC's hash; a changed `datapackage.json` its digest and
//! signature; a changed signature only the signature.

use std::path::Path;

use ed25519_dalek::VerifyingKey;

use crate::datapackage::{self as dp, DataPackage, PackageDigest};
use crate::error::PackageError;
use crate::package_read::{self, Entries};
use crate::token::TrustAnchors;
use crate::verify::{check_batch, check_signature, BatchFiles, Check, Failure, Report, Subject};

/// Most bytes a package file may have.
pub const MAX_PACKAGE_BYTES: u64 = 1 << 30;

/// Verifies the package file at `path`.
pub fn verify_package_file(
    path: &Path,
    key: &VerifyingKey,
    anchors: Option<&TrustAnchors>,
) -> Result<Report, PackageError> {
    let io = |source| PackageError::Io {
        path: path.to_path_buf(),
        source,
    };
    let len = std::fs::metadata(path).map_err(io)?.len();
    if len > MAX_PACKAGE_BYTES {
        return Err(PackageError::TooLarge {
            len,
            max: MAX_PACKAGE_BYTES,
        });
    }
    let bytes = std::fs::read(path).map_err(io)?;
    Ok(verify_package(&bytes, key, anchors))
}

fn failure(file: &str, check: Check, detail: impl Into<String>) -> Failure {
    Failure {
        subject: Subject::File(file.to_string()),
        check,
        detail: detail.into(),
    }
}

/// Verifies a package's bytes (outside input: never panics, every problem is a failure).
pub fn verify_package(bytes: &[u8], key: &VerifyingKey, anchors: Option<&TrustAnchors>) -> Report {
    let mut report = Report::default();
    let entries = match package_read::read(bytes) {
        Ok(e) => e,
        Err(why) => {
            report
                .failures
                .push(failure("(the zip)", Check::Package, why));
            return report;
        }
    };
    for (name, why) in &entries.unreadable {
        report
            .failures
            .push(failure(name, Check::Package, why.clone()));
    }
    let Some(package_bytes) = entries.files.get(dp::DATAPACKAGE) else {
        report
            .failures
            .push(failure(dp::DATAPACKAGE, Check::Package, "missing"));
        return report;
    };
    check_digest(&entries, package_bytes, key, &mut report);
    match serde_json::from_slice::<DataPackage>(package_bytes) {
        Ok(package) => check_files(&entries, &package, &mut report),
        Err(e) => report.failures.push(failure(
            dp::DATAPACKAGE,
            Check::Package,
            format!("not a data package: {e}"),
        )),
    }
    check_batches(&entries, key, anchors, &mut report);
    report
}

fn check_digest(entries: &Entries, package_bytes: &[u8], key: &VerifyingKey, report: &mut Report) {
    let Some(digest) = entries.files.get(dp::DIGEST) else {
        report
            .failures
            .push(failure(dp::DIGEST, Check::Package, "missing"));
        return;
    };
    let digest: PackageDigest = match serde_json::from_slice(digest) {
        Ok(d) => d,
        Err(e) => {
            report
                .failures
                .push(failure(dp::DIGEST, Check::Package, e.to_string()));
            return;
        }
    };
    let actual = dp::sha256_tag(package_bytes);
    if digest.path != dp::DATAPACKAGE || digest.hash != actual {
        report.failures.push(failure(
            dp::DATAPACKAGE,
            Check::Hash,
            format!(
                "{} lists {} {}, the file hashes to {actual}",
                dp::DIGEST,
                digest.path,
                digest.hash
            ),
        ));
    }
    let Some(sig) = digest.signature else {
        report.failures.push(failure(
            dp::DIGEST,
            Check::Signature,
            "no soiSignature: the package is not signed",
        ));
        return;
    };
    let signed_by = crate::keys::public_hex(key);
    let checked = if sig.algorithm != "Ed25519" {
        Err(format!("algorithm {:?}, not Ed25519", sig.algorithm))
    } else if sig.public_key != signed_by {
        Err(format!(
            "signed by public key {}, not {signed_by}",
            sig.public_key
        ))
    } else {
        hex::decode(&sig.signature)
            .map_err(|e| format!("signature is not hex: {e}"))
            .and_then(|s| check_signature(package_bytes, &s, key))
    };
    if let Err(why) = checked {
        report
            .failures
            .push(failure(dp::DIGEST, Check::Signature, why));
    }
}

fn check_files(entries: &Entries, package: &DataPackage, report: &mut Report) {
    if package.wacz_version != dp::WACZ_VERSION {
        report.failures.push(failure(
            dp::DATAPACKAGE,
            Check::Package,
            format!(
                "wacz_version {:?}, not {:?}",
                package.wacz_version,
                dp::WACZ_VERSION
            ),
        ));
    }
    for r in &package.resources {
        match entries.files.get(&r.path) {
            None => report.failures.push(failure(
                &r.path,
                Check::Hash,
                "listed in datapackage.json but not in the package",
            )),
            Some(data) => {
                let actual = dp::sha256_tag(data);
                if actual != r.hash || data.len() as u64 != r.bytes {
                    report.failures.push(failure(
                        &r.path,
                        Check::Hash,
                        format!(
                            "datapackage.json lists {} ({} bytes), the file is {actual} ({} bytes)",
                            r.hash,
                            r.bytes,
                            data.len()
                        ),
                    ));
                }
            }
        }
    }
    for name in entries.files.keys() {
        let listed = package.resources.iter().any(|r| &r.path == name);
        if !listed && name != dp::DATAPACKAGE && name != dp::DIGEST {
            report.failures.push(failure(
                name,
                Check::Hash,
                "in the package but not listed in datapackage.json",
            ));
        }
    }
}

fn check_batches(
    entries: &Entries,
    key: &VerifyingKey,
    anchors: Option<&TrustAnchors>,
    report: &mut Report,
) {
    for (name, manifest) in &entries.files {
        let Some(base) = name.strip_suffix(dp::MANIFEST_SUFFIX) else {
            continue;
        };
        if !base.starts_with(dp::BATCH_PREFIX) {
            continue;
        }
        report.batches += 1;
        let sig_name = format!("{base}.sig");
        let batch = BatchFiles {
            manifest,
            signature: entries
                .files
                .get(&sig_name)
                .cloned()
                .ok_or_else(|| format!("{sig_name} is missing")),
            token: Ok(entries.files.get(&format!("{base}.tst")).cloned()),
        };
        let fail = |check, detail: String| failure(name, check, detail);
        if let Some(m) = check_batch(&batch, key, anchors, report, fail) {
            report.captures += m.captures.len();
        }
    }
}
