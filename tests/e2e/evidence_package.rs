//! `soi evidence package`: a demo listing's capture, verdict and signed batch as one WACZ that
//! py-wacz's `wacz validate` accepts and `soi evidence verify FILE.wacz` verifies; a package with
//! one byte changed in the WARC, in `datapackage.json` or in the signature is refused, naming the
//! file.

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Output};

use crate::support::{free_port, run_expect, soi};

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// `soi ARGS` in `home` with the key file's key (not one from the environment).
pub(crate) fn soi_k(home: &Path, args: &[&str], code: i32) -> Output {
    run_expect(soi(home).env_remove("SOI_EVIDENCE_KEY").args(args), code)
}

/// Whether py-wacz's `wacz` runs; without it the validation skips (and fails when
/// SOI_REQUIRE_TOOLS=1).
pub(crate) fn have_wacz() -> bool {
    let ok = Command::new("wacz")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var("SOI_REQUIRE_TOOLS").as_deref() != Ok("1"),
            "wacz is required (SOI_REQUIRE_TOOLS=1) but does not run"
        );
        eprintln!(
            "skipping wacz validate: `wacz` is missing (deploy/install-test-tools.sh installs it)"
        );
    }
    ok
}

/// The zip's entries, in order.
pub(crate) fn entries(zip: &Path) -> Vec<(String, Vec<u8>)> {
    let mut z = zip::ZipArchive::new(std::fs::File::open(zip).unwrap()).unwrap();
    (0..z.len())
        .map(|i| {
            let mut e = z.by_index(i).unwrap();
            let mut data = vec![];
            e.read_to_end(&mut data).unwrap();
            (e.name().unwrap().into_owned(), data)
        })
        .collect()
}

/// A copy of the package at `to` with entry `name` changed by `change`.
fn rezip(from: &Path, to: &Path, name: &str, change: impl Fn(&mut Vec<u8>)) {
    let mut w = zip::ZipWriter::new(std::fs::File::create(to).unwrap());
    let mut found = false;
    for (n, mut data) in entries(from) {
        if n == name {
            change(&mut data);
            found = true;
        }
        w.start_file(n.as_str(), zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(&data).unwrap();
    }
    w.finish().unwrap();
    assert!(found, "{name} is not in the package");
}

#[test]
fn a_demo_listing_packages_as_a_wacz_that_validates_verifies_and_names_tampering() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    soi_k(h, &["keys", "init"], 0);
    soi_k(h, &["run", "--demo-port", &free_port().to_string()], 0);
    let wacz = h.join("2001.wacz");
    let wacz_s = wacz.to_str().unwrap();
    let made = soi_k(
        h,
        &["evidence", "package", "--listing", "2001", "--out", wacz_s],
        0,
    );
    assert!(
        text(&made.stderr).contains("1 listing(s)"),
        "{}",
        text(&made.stderr)
    );

    let files = entries(&wacz);
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    for want in [
        "archive/data.warc",
        "pages/pages.jsonl",
        "soi/verdicts.jsonl",
        "soi/batch-000001.manifest.json",
        "soi/batch-000001.sig",
        "datapackage.json",
        "datapackage-digest.json",
    ] {
        assert!(names.contains(&want), "{want} missing from {names:?}");
    }
    let get = |n: &str| text(&files.iter().find(|(x, _)| x == n).unwrap().1);
    let listing: serde_json::Value =
        serde_json::from_slice(&soi_k(h, &["listing", "2001", "--json"], 0).stdout).unwrap();
    let sha = listing["listing"]["evidence_sha256"].as_str().unwrap();
    assert!(
        get("archive/data.warc").contains(&format!("WARC-Payload-Digest: sha256:{sha}")),
        "the WARC lacks the listing's page"
    );
    let pages = get("pages/pages.jsonl");
    let lines: Vec<serde_json::Value> = pages
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines[0]["format"], "json-pages-1.0");
    assert!(lines.len() >= 2, "{pages}");
    assert_eq!(lines[1]["title"], listing["listing"]["title"]);
    let verdicts: serde_json::Value =
        serde_json::from_str(get("soi/verdicts.jsonl").trim()).unwrap();
    assert_eq!(verdicts["listing_id"], "2001");
    assert_eq!(verdicts["verdict"], listing["verdict"]);
    assert!(
        get("soi/batch-000001.manifest.json").contains(sha),
        "the batch does not cover the listing's page"
    );

    let verify =
        |file: &Path, code| soi_k(h, &["evidence", "verify", file.to_str().unwrap()], code);
    let ok = verify(&wacz, 0);
    assert!(
        text(&ok.stderr).contains("1 batches") && text(&ok.stderr).contains("0 failures"),
        "{}",
        text(&ok.stderr)
    );
    if have_wacz() {
        let v = Command::new("wacz")
            .args(["validate", "-f", wacz_s])
            .output()
            .unwrap();
        assert!(
            v.status.success() && text(&v.stdout).contains("the passed WACZ is valid"),
            "wacz validate refused the package:\n{}\n{}",
            text(&v.stdout),
            text(&v.stderr)
        );
    }

    openssl_checks_the_signature(h, &get("datapackage.json"), &get("datapackage-digest.json"));

    let bad = h.join("bad.wacz");
    let flip = |i: usize| move |d: &mut Vec<u8>| d[i] ^= 0x01;
    rezip(&wacz, &bad, "archive/data.warc", flip(100));
    let out = text(&verify(&bad, 1).stdout);
    assert!(
        out.contains("FAIL file archive/data.warc: file hash check failed"),
        "{out}"
    );
    assert_eq!(out.lines().count(), 1, "{out}");

    rezip(&wacz, &bad, "datapackage.json", flip(5));
    let out = text(&verify(&bad, 1).stdout);
    assert!(
        out.contains("FAIL file datapackage.json: file hash check failed")
            && out.contains("FAIL file datapackage-digest.json: signature check failed"),
        "{out}"
    );

    let tamper_sig = |d: &mut Vec<u8>| {
        let s = String::from_utf8(d.clone()).unwrap();
        let at = s.find("\"signature\": \"").unwrap() + 14;
        d[at] = if d[at] == b'0' { b'1' } else { b'0' };
    };
    rezip(&wacz, &bad, "datapackage-digest.json", tamper_sig);
    let out = text(&verify(&bad, 1).stdout);
    assert_eq!(
        out.trim(),
        "FAIL file datapackage-digest.json: signature check failed: the signed bytes do not match the signature with this public key",
        "{out}"
    );

    rezip(&wacz, &bad, "soi/batch-000001.sig", flip(0));
    let out = text(&verify(&bad, 1).stdout);
    assert!(
        out.contains("FAIL file soi/batch-000001.sig: file hash check failed")
            && out.contains("FAIL file soi/batch-000001.manifest.json: signature check failed"),
        "{out}"
    );

    let mut raw = std::fs::read(&wacz).unwrap();
    let at = raw.windows(8).position(|w| w == b"WARC/1.1").unwrap() + 200;
    raw[at] ^= 0x01;
    std::fs::write(&bad, &raw).unwrap();
    let out = text(&verify(&bad, 1).stdout);
    assert!(out.contains("FAIL file archive/data.warc"), "{out}");
}

/// A recipient without soi: `openssl pkeyutl -verify` with the public key of `soi keys show`
/// accepts `datapackage.json` with the digest's signature, and refuses it changed.
fn openssl_checks_the_signature(h: &Path, package: &str, digest: &str) {
    let have = Command::new("openssl")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !have {
        assert!(
            std::env::var("SOI_REQUIRE_TOOLS").as_deref() != Ok("1"),
            "openssl is required (SOI_REQUIRE_TOOLS=1) but does not run"
        );
        eprintln!("skipping the OpenSSL check: `openssl` is missing");
        return;
    }
    let dir = h.join("recipient");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("public.pem"),
        soi_k(h, &["keys", "show"], 0).stdout,
    )
    .unwrap();
    let d: serde_json::Value = serde_json::from_str(digest).unwrap();
    let hex = d["soiSignature"]["signature"].as_str().unwrap();
    let sig: Vec<u8> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect();
    std::fs::write(dir.join("dp.sig"), sig).unwrap();
    let check = |data: &str| {
        std::fs::write(dir.join("datapackage.json"), data).unwrap();
        Command::new("openssl")
            .args([
                "pkeyutl",
                "-verify",
                "-pubin",
                "-inkey",
                "public.pem",
                "-rawin",
            ])
            .args(["-in", "datapackage.json", "-sigfile", "dp.sig"])
            .current_dir(&dir)
            .output()
            .unwrap()
    };
    let ok = check(package);
    assert!(
        ok.status.success() && text(&ok.stdout).contains("Signature Verified Successfully"),
        "{}{}",
        text(&ok.stdout),
        text(&ok.stderr)
    );
    assert!(!check(&package.replacen("data-package", "data-packagf", 1))
        .status
        .success());
}
